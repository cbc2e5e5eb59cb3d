from collections import defaultdict

from stdnum import iso11649

from odoo import api, fields, models


class AccountDunningAction(models.Model):
    _inherit = "account.dunning.action"  # pylint: disable=consider-merging-classes-inherited

    rate_warning = fields.Text(
        compute="_compute_rate_warning",
        help="What is missing in the rate tables for the half-year of a formal notice that claims penalties.",
    )

    @api.depends("sent_date", "level_id.letter_variant", "partner_id")
    def _compute_rate_warning(self):
        for action in self:
            claims = action.level_id.letter_variant == "formal_notice" and action.partner_id._dunning_owes_penalties()
            warnings = action.company_id._dunning_rate_table_warnings(action._get_letter_date()) if claims else []
            action.rate_warning = "\n".join(warnings) or False

    # The figures of a letter, true for its recipient on the day it is dated: each instalment late from its own due
    # date, penalties only after what a penalty invoice already charged, each indemnity claimed once, the rate
    # applied spelled out, and nothing a consumer does not owe.

    def _get_letter_date(self):
        """The day the letter is dated and states its amounts as of ("somme arrêtée au"): the day its PDF was
        printed (the day it is posted), else the day the follow-up was sent, else today."""
        self.ensure_one()
        return self.letter_date or self.sent_date or fields.Date.context_today(self)

    def _get_notice_deadline(self):
        """Date by which a formal notice sent by email demands payment: the day it is sent plus the company's notice
        days (a letter gives the same days from its receipt)."""
        self.ensure_one()
        return fields.Date.add(
            self.sent_date or fields.Date.context_today(self), days=self.company_id.dunning_notice_days
        )

    def _get_letter_values(self):
        """Everything a letter prints, computed once: invoices, totals, penalties, indemnities, deadline, bank."""
        self.ensure_one()
        company = self.company_id
        lang = self.partner_id.lang or self.env.lang or "en_US"
        day = self._get_letter_date()
        formal = self.level_id.letter_variant == "formal_notice"
        penalties = formal and self.partner_id._dunning_owes_penalties()
        rows, periods = self._get_letter_rows(day, penalties)
        totals = self._get_letter_totals(rows)
        amounts = [(currency, values["total"]) for currency, values in totals.items()]
        bank = company._dunning_payment_bank_account()
        reference = self.payment_reference or self._get_payment_reference()
        payment_url = self._get_payment_url()
        return {
            "formal": formal,
            "registered": formal and self.notice_delivery == "registered",
            "penalties": penalties,
            "debtor_type": self.partner_id._dunning_debtor_type(),
            "lang": lang,
            "date": day,
            "lines": rows,
            "periods": periods,
            "totals": totals,
            "words": {
                currency: company._dunning_amount_in_words(amount, currency, lang) for currency, amount in amounts
            },
            "deadline": self._get_notice_deadline(),
            "notice_days": company.dunning_notice_days,
            "bank": bank,
            "reference": reference,
            "reference_display": iso11649.format(reference),
            "payment_url": payment_url,
            "qr": self._get_payment_qr(bank, reference, amounts, payment_url),
            "responsible": self._get_task_owner(),
        }

    def _get_letter_rows(self, day, penalties):
        """One row per instalment due and still owed on the letter's day (of the invoices that may still be claimed that
        day), with its own days late, and (when the
        debtor owes them) the penalty accrued since what a penalty invoice charged and the indemnity not yet
        charged (on the invoice's first row). Returns (rows, penalty periods with their invoice)."""
        moves = self.line_ids.move_id
        # no letter claims an invoice frozen by its customer's collective proceedings or time-barred on that day
        judgments, barred = moves._dunning_proceedings_dates(), moves._dunning_time_barred_dates()
        moves = moves.filtered(
            lambda m: not (judgments[m.id] and judgments[m.id] <= day) and not (barred[m.id] and barred[m.id] <= day)
        )
        instalments = moves._dunning_instalments()
        periods = moves._dunning_late_penalty_map(day, since_invoiced=True) if penalties else {}
        indemnities = moves._dunning_claimable_indemnity_map(day) if penalties else {}
        rows, details = [], []
        for move in moves.sorted(lambda move: (move.invoice_date_due, move.id)):
            move_rows = []
            for index, instalment in enumerate(instalments[move.id]):
                residual = move._dunning_instalment_residual(instalment, day)
                if instalment["due"] > day or move.currency_id.is_zero(residual):
                    continue
                own = [p for p in periods.get(move.id, []) if p["date_due"] == instalment["due"]]
                details += [dict(period, move=move) for period in own]
                move_rows.append(
                    {
                        "move": move,
                        "name": move.name if len(instalments[move.id]) == 1 else f"{move.name} ({index + 1})",
                        "invoice_date": move.invoice_date,
                        "date_due": instalment["due"],
                        "days_overdue": max((day - instalment["due"]).days, 0),
                        "amount_total": instalment["amount"],
                        "residual": residual,
                        "currency": move.currency_id,
                        "penalty": move.currency_id.round(sum(p["amount"] for p in own)),
                        "indemnity": 0.0 if move_rows else indemnities.get(move.id, 0.0),
                    }
                )
            rows += move_rows
        return rows, details

    def _get_letter_totals(self, rows):
        """Per currency: amounts due, penalties, indemnities and the total claimed, each euro counted once."""
        totals = defaultdict(lambda: {"due": 0.0, "penalties": 0.0, "indemnities": 0.0, "total": 0.0})
        for row in rows:
            values = totals[row["currency"]]
            values["due"] += row["residual"]
            values["penalties"] += row["penalty"]
            values["indemnities"] += row["indemnity"]
        for currency, values in totals.items():
            for key in ("due", "penalties", "indemnities"):
                values[key] = currency.round(values[key])
            values["total"] = currency.round(values["due"] + values["penalties"] + values["indemnities"])
        return dict(totals)
