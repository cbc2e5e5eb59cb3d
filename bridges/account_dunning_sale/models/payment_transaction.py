from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        """A quotation the customer paid online carries no credit risk: its confirmation goes through the hold."""
        return super(PaymentTransaction, self.with_context(dunning_paid_online=True))._check_amount_and_confirm_order()
