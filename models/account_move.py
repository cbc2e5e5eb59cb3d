from datetime import timedelta

from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # Payment behaviour: both depend on today or on the customer's current statistics, so never stored.
    dunning_days_overdue = fields.Integer(
        string="Days Overdue",
        compute="_compute_dunning_days_overdue",
        help="Days since the due date of this open customer invoice (0 when not yet due or paid).",
    )
    dunning_expected_payment_date = fields.Date(
        string="Expected Payment",
        compute="_compute_dunning_expected_payment_date",
        help="Due date plus the customer's usual delay (its amount-weighted average delay, rounded).",
    )

    def _dunning_is_open_customer_invoice(self):
        """An open customer invoice: posted, not paid, reversed nor waiting for its bank matching."""
        self.ensure_one()
        return (
            self.move_type == "out_invoice"
            and self.state == "posted"
            and self.payment_state in ("not_paid", "partial")
            and bool(self.invoice_date_due)
        )

    @api.depends("move_type", "state", "payment_state", "invoice_date_due")
    def _compute_dunning_days_overdue(self):
        today = fields.Date.context_today(self)
        for move in self:
            is_open = move._dunning_is_open_customer_invoice()
            move.dunning_days_overdue = max((today - move.invoice_date_due).days, 0) if is_open else 0

    @api.depends("move_type", "state", "payment_state", "invoice_date_due", "company_id", "commercial_partner_id")
    def _compute_dunning_expected_payment_date(self):
        for move in self:
            if not move._dunning_is_open_customer_invoice():
                move.dunning_expected_payment_date = False
                continue
            delay = move.commercial_partner_id.with_company(move.company_id).payment_delay_avg
            # half-up rounding, like PostgreSQL's round(numeric), so SQL reports agree
            move.dunning_expected_payment_date = move.invoice_date_due + timedelta(days=int(delay + 0.5))

    def _invoice_paid_hook(self):
        res = super()._invoice_paid_hook()
        self._dunning_refresh_payment_behaviour()
        return res

    def _dunning_refresh_payment_behaviour(self):
        """A customer invoice becoming paid refreshes its customer's payment behaviour in the invoice's company."""
        invoices = self.filtered(lambda move: move.move_type == "out_invoice" and move.state == "posted")
        for company, moves in invoices.grouped("company_id").items():
            # sudo: statistics are bookkeeping of the paid invoice, whoever registered the payment
            moves.commercial_partner_id.sudo()._dunning_recompute_payment_stats(company)
