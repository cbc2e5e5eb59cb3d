from collections import defaultdict

from stdnum import iso11649

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date


class AccountDunningAccess(models.Model):
    _inherit = "account.dunning.access"  # pylint: disable=consider-merging-classes-inherited

    # What the customer's follow-up page (and its PDF statement) shows: called on a link checked by the controller.

    def _dunning_open_moves(self):
        """The customer's open invoices in the link's company (sudo), oldest due first."""
        self.ensure_one()
        # sudo: the visitor is the customer itself, authorised by the link's token
        return (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("commercial_partner_id", "=", self.partner_id.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                ],
                order="invoice_date_due, id",
            )
        )

    def _dunning_selected_moves(self, move_ids):
        """The invoices a customer selected on its page, which must all be its own open invoices in the link's
        company: any other id (another customer's invoice, a paid one, a made-up number) refuses the request."""
        self.ensure_one()
        try:
            wanted = {int(move_id) for move_id in move_ids or ()}
        except (TypeError, ValueError):
            wanted = None
        if not wanted:
            raise ValidationError(self.env._("Select at least one invoice."))
        moves = self._dunning_open_moves().filtered(lambda move: move.id in wanted)
        if len(moves) != len(wanted):
            raise ValidationError(
                self.env._("Some of the selected invoices are not open invoices of your account: reload the page.")
            )
        return moves

    def _dunning_move_status(self, move, today):
        """Labels of the follow-up status of an invoice, as shown to the customer."""
        _ = self.env._
        status = []
        if move.dunning_dispute:
            status.append(("disputed", _("Disputed")))
        if move.dunning_promise_date and move.dunning_promise_date >= today:
            promised = format_date(self.env, move.dunning_promise_date)
            status.append(("promised", _("Payment promised for %(date)s", date=promised)))
        if move.dunning_pause_until and move.dunning_pause_until >= today:
            status.append(("announced", _("Payment announced")))
        if move.dunning_no_followup:  # taken out of the chase (the internal reason is not shown)
            status.append(("no_followup", _("Under review: no reminder")))
        return status

    def _dunning_page_lines(self, moves):
        """One row per open invoice: number, dates, amount due, days late and status."""
        today = fields.Date.context_today(self)
        return [
            {
                "move": move,
                "name": move.name,
                "invoice_date": move.invoice_date,
                "date_due": move.invoice_date_due,
                "amount_total": move.amount_total,
                "residual": move.amount_residual,
                "currency": move.currency_id,
                "days_late": max((today - move.invoice_date_due).days, 0) if move.invoice_date_due else 0,
                "status": self._dunning_move_status(move, today),
            }
            for move in moves
        ]

    def _dunning_page_totals(self, lines):
        """Amounts due per currency: a list of (currency, amount)."""
        totals = defaultdict(float)
        for line in lines:
            totals[line["currency"]] += line["residual"]
        return [(currency, currency.round(amount)) for currency, amount in totals.items()]

    def _dunning_payment_instructions(self, totals):
        """Bank transfer instructions as the letters give them: IBAN, BIC, RF reference and the SEPA QR code when
        there is one euro total; None when the company has no valid account for payments."""
        self.ensure_one()
        company = self.company_id
        try:
            bank = company._dunning_payment_bank_account()
        except UserError:
            return None
        action = self.env["account.dunning.answer"]._dunning_latest_action(self.partner_id, company)
        if not action:
            action = self.env["account.dunning.action"].sudo().new({"company_id": company.id})
        reference = action.payment_reference or company._dunning_rf_reference(f"C{self.partner_id.id}")
        return {
            "bank": bank,
            "holder": bank.acc_holder_name or company.name,
            "reference": reference,
            "reference_display": iso11649.format(reference),
            "qr": action._get_payment_qr(bank, reference, totals, "") if totals else None,
        }

    def _dunning_page_values(self):
        """Everything the follow-up page and the statement show, computed once."""
        self.ensure_one()
        company = self.company_id
        lines = self._dunning_page_lines(self._dunning_open_moves())
        totals = self._dunning_page_totals(lines)
        today = fields.Date.context_today(self)
        return {
            "access": self,
            "partner": self.partner_id,
            "company": company,
            "today": today,
            "lines": lines,
            "totals": totals,
            "instructions": self._dunning_payment_instructions(totals),
            "enabled": {
                "pay": company._dunning_page_action_enabled("pay") and self._dunning_online_payment_available(totals),
                **{kind: company._dunning_page_action_enabled(kind) for kind in ("paid", "promise", "dispute")},
            },
            "reasons": self.env["account.dunning.dispute.reason"]._dunning_for_company(company),
            "promise_max": fields.Date.add(today, days=company.dunning_promise_max_days),
            "responsible": self.partner_id.with_company(company).sudo()._dunning_get_responsible(),
            "base_path": f"/followup/{self.token}",
        }

    def _dunning_online_payment_available(self, totals):
        """Whether the company has a published payment provider for the customer's amount due (first currency)."""
        self.ensure_one()
        payer = self._dunning_payer()
        if not totals or not payer:
            return False
        currency, amount = totals[0]
        # sudo: the company's providers, as Odoo's payment form lists them for an anonymous payer
        providers = (
            self.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(self.company_id.id, payer.id, amount, currency_id=currency.id)
        )
        return bool(providers)

    def _dunning_payer(self):
        """Who pays online for the customer: the customer itself, else its invoice address, else one of its contacts,
        the first that has an email (Odoo writes to the payer when the payment is confirmed); None without any."""
        self.ensure_one()
        customer = self.partner_id
        invoice_address = customer.browse(customer.address_get(["invoice"])["invoice"])
        for partner in customer | invoice_address | customer.child_ids:
            if partner.email:
                return partner
        return None

    def _dunning_lang(self):
        """The customer's language when it is installed, else the company's partner's, else English."""
        self.ensure_one()
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        for lang in (self.partner_id.lang, self.company_id.partner_id.lang):
            if lang in installed:
                return lang
        return "en_US"
