"""A third party's extension of the follow-up decision, loaded by tests/test_dunning_extensions.py the way a module
depending on account_dunning would add it (odoo-test-helper's FakeModelLoader)."""

from odoo import api, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _dunning_invoice_tolerance(self, settings, stats, tolerance, item, items, date):
        """A customer under a strict contract (reference STRICT) gets no slack on any invoice."""
        if self.ref == "STRICT":
            return 0, "strict_contract"
        return super()._dunning_invoice_tolerance(settings, stats, tolerance, item, items, date)


class AccountDunningRun(models.AbstractModel):
    _inherit = "account.dunning.run"

    @api.model
    def _is_move_followed(self, item, date):
        """An invoice paid by direct debit (payment reference DD-...) is collected by the bank, never chased."""
        if (item.move.payment_reference or "").startswith("DD-"):
            return False
        return super()._is_move_followed(item, date)

    @api.model
    def _get_customer_reason(self, customer, date):
        """A key account (reference VIP) is handled by its account manager, never by the run."""
        if customer.partner.ref == "VIP":
            return "key_account"
        return super()._get_customer_reason(customer, date)

    @api.model
    def _get_skip_reasons(self):
        return {**super()._get_skip_reasons(), "key_account": "Key account: handled by its account manager"}
