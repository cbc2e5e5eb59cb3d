from collections import defaultdict
from datetime import timedelta

from odoo import fields, models


class AccountDunningProceeding(models.Model):
    _inherit = "account.dunning.proceeding"  # pylint: disable=consider-merging-classes-inherited

    # The declaration of claim (déclaration de créance, Code de commerce L622-24, R622-23): what was owed at the
    # opening judgment, invoice by invoice, the amounts to fall due, the penalties accrued until the judgment, the
    # indemnity claimed before it, in euros at the judgment's exchange rate (L622-25), and the documents to attach.

    def _get_declared_moves(self):
        """The company's posted customer invoices of the customer dated before the judgment and still owed."""
        self.ensure_one()
        moves = self.env["account.move"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("commercial_partner_id", "=", self.partner_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial", "in_payment")),
                ("invoice_date", "<", self.judgment_date),
            ],
            order="invoice_date, id",
        )
        return moves.filtered(lambda move: not move.currency_id.is_zero(move.amount_residual))

    def _get_declaration_values(self):
        """Everything the declaration prints, computed once."""
        self.ensure_one()
        company = self.company_id
        currency = company.currency_id
        moves = self._get_declared_moves()
        last_day = self.judgment_date - timedelta(days=1)
        penalties = moves._dunning_late_penalty_amounts(last_day, since_invoiced=True)
        indemnities = moves._dunning_claimable_indemnity_map(self.judgment_date)
        instalments = moves._dunning_instalments()
        rows = [self._get_declaration_row(move, instalments[move.id], penalties, indemnities) for move in moves]
        totals = defaultdict(float)
        for row in rows:
            for key in ("owed", "to_fall_due", "penalty", "indemnity"):
                totals[key] += row[key]
        totals = {key: currency.round(value) for key, value in totals.items()}
        totals["total"] = currency.round(sum(totals.get(key, 0.0) for key in ("owed", "penalty", "indemnity")))
        return {
            "date": fields.Date.context_today(self),
            "company": company,
            "currency": currency,
            "debtor": self.partner_id,
            "lines": rows,
            "totals": totals,
            "penalties_owed": self.partner_id._dunning_owes_penalties(),
            "public": self.partner_id._dunning_debtor_type() == "public",
            "foreign": any(row["currency"] != currency for row in rows),
            "responsible": self.user_id or self.env.user,
            "kind_label": dict(self._fields["kind"]._description_selection(self.env)).get(self.kind),
        }

    def _get_declaration_row(self, move, instalments, penalties, indemnities):
        """One invoice of the declaration: what it still owes today and, of that, what was not yet due at the judgment,
        its penalties until the judgment not invoiced yet and its indemnity claimed before it (company currency,
        converted at the judgment's rate)."""
        company_currency = self.company_id.currency_id
        currency = move.currency_id

        def to_company(amount):
            return currency._convert(amount, company_currency, self.company_id, self.judgment_date)

        today = fields.Date.context_today(self)
        owed = to_fall_due = 0.0
        for instalment in instalments:
            residual = move._dunning_instalment_residual(instalment, today)
            owed += residual
            if instalment["due"] >= self.judgment_date:
                to_fall_due += residual
        return {
            "move": move,
            "currency": currency,
            "amount_total": move.amount_total,
            "owed_currency": currency.round(owed),
            "owed": company_currency.round(to_company(owed)),
            "to_fall_due": company_currency.round(to_company(to_fall_due)),
            "penalty": company_currency.round(to_company(penalties.get(move.id, 0.0))),
            "indemnity": company_currency.round(to_company(indemnities.get(move.id, 0.0))),
        }
