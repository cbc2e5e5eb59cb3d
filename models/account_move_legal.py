from collections import defaultdict
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from ..tools.limitation import time_barred_date
from ..tools.security import READERS

#: months before the limitation date from which the follow-up and the customer warn of it
LIMITATION_WARNING_MONTHS = 6


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    # The dated legal facts of a customer invoice that change when it may be chased and what it bears: the day a
    # public buyer received it, collective proceedings of its customer, and its limitation.
    dunning_receipt_date = fields.Date(
        string="Received by the Customer On",
        copy=False,
        groups=READERS,
        help="Day the customer received the invoice (e.g. the date of the public e-invoicing platform). For a public "
        "buyer, the payment period and then the late-payment interest count from it, not from the date printed on "
        "the invoice (French Public Procurement Code R2192-10 and following).",
    )

    @api.constrains("dunning_receipt_date", "invoice_date")
    def _check_dunning_receipt_date(self):
        """An invoice is received on or after its date, and not in the future."""
        today = fields.Date.context_today(self)
        for move in self.filtered("dunning_receipt_date"):
            if move.invoice_date and move.dunning_receipt_date < move.invoice_date:
                raise ValidationError(
                    self.env._(
                        "%(invoice)s cannot have been received (%(received)s) before its date (%(date)s).",
                        invoice=move.display_name,
                        received=format_date(self.env, move.dunning_receipt_date),
                        date=format_date(self.env, move.invoice_date),
                    )
                )
            if move.dunning_receipt_date > today:
                raise ValidationError(
                    self.env._("The receipt date of %(invoice)s cannot be in the future.", invoice=move.display_name)
                )

    def _dunning_interest_due_date(self, due):
        """The last day before an instalment bears late-payment interest: its due date; for a public buyer whose
        receipt of the invoice is known, the end of the same payment period counted from that receipt."""
        self.ensure_one()
        receipt, issued = self.dunning_receipt_date, self.invoice_date
        if not receipt or not issued or receipt <= issued:
            return due
        if self.commercial_partner_id._dunning_debtor_type() != "public":
            return due
        return due + (receipt - issued)

    # ------------------------------------------------------------------
    # Collective proceedings
    # ------------------------------------------------------------------
    def _dunning_proceedings_dates(self):
        """Per invoice id: the date of the judgment opening collective proceedings against its customer in its
        company when the invoice is dated before it (a debt born before the judgment), else None. One search."""
        # sudo: the proceedings are read by the rules whoever computes a penalty or runs the follow-ups
        proceedings = (
            self.env["account.dunning.proceeding"]
            .sudo()
            .search([("partner_id", "in", self.commercial_partner_id.ids), ("company_id", "in", self.company_id.ids)])
        )
        judgments = {(p.partner_id.id, p.company_id.id): p.judgment_date for p in proceedings}
        result = {}
        for move in self:
            judgment = judgments.get((move.commercial_partner_id.id, move.company_id.id))
            born = move.invoice_date or move.date
            result[move.id] = judgment if judgment and born and born < judgment else None
        return result

    def _dunning_indemnities_claimed_before(self, judgments):
        """The ids of the invoices whose 40 EUR indemnity was claimed before the judgment of their customer's
        proceedings (judgments: {invoice id: date}), by a penalty invoice or a formal notice sent before it."""
        claimed = set()
        for move in self.filtered(lambda m: judgments.get(m.id)):
            penalty_moves = move.dunning_penalty_move_ids.filtered(lambda m: m.state != "cancel")
            if any(day and day < judgments[move.id] for day in penalty_moves.mapped("invoice_date")):
                claimed.add(move.id)
        notices = (
            self.env["account.dunning.action"]
            .sudo()
            .search(
                [
                    ("move_ids", "in", [move_id for move_id, day in judgments.items() if day]),
                    ("state", "=", "done"),
                    ("level_id.letter_variant", "=", "formal_notice"),
                ]
            )
        )
        for notice in notices:
            for move in notice.move_ids:
                if judgments.get(move.id) and notice.sent_date and notice.sent_date < judgments[move.id]:
                    claimed.add(move.id)
        return claimed

    def _dunning_legal_interest_map(self, date_from, to_date):
        """Per invoice id: interest at the legal rate (other cases, the rate a company claims) from date_from to
        to_date inclusive on what the invoice still owes, per half-year, rounded once (Code civil 1231-6, 1344-1).
        What it owes today is the base of every day: a payment made since lowers the claim, never raises it."""
        legal_model = self.env["account.dunning.legal.rate"]
        table = legal_model._dunning_rate_table()
        result = {}
        for move in self:
            total, start = 0.0, date_from
            while date_from and start <= to_date:
                end = min(date(start.year, 6, 30) if start.month <= 6 else date(start.year, 12, 31), to_date)
                rate = legal_model._dunning_rate_at(start, table=table) or 0.0
                total += move.amount_residual * rate / 100.0 * ((end - start).days + 1) / 365.0
                start = end + timedelta(days=1)
            result[move.id] = move.currency_id.round(total)
        return result

    # ------------------------------------------------------------------
    # Limitation
    # ------------------------------------------------------------------
    def _dunning_last_payment_dates(self):
        """Per invoice id: the day of the last payment received on it (credit notes left out), in one query."""
        lines = self.line_ids.filtered(lambda line: line.account_type == "asset_receivable" and line.balance > 0)
        move_of = {line.id: line.move_id.id for line in lines}
        result = {}
        for line_id, day, _amount, is_credit_note in self._dunning_fetch_line_settlements(lines):
            if not is_credit_note and day:
                move_id = move_of[line_id]
                result[move_id] = max(result.get(move_id, day), day)
        return result

    def _dunning_time_barred_dates(self):
        """Per invoice id: the first day it is time-barred (None without a date to count from), from its last
        payment and, for a public buyer, its last follow-up sent (tools/limitation.py)."""
        payments = self._dunning_last_payment_dates()
        return {move.id: move._dunning_time_barred_date(payments.get(move.id)) for move in self}

    def _dunning_time_barred_date(self, last_payment, last_claim=None):
        """The first day the invoice is time-barred, given its last payment and last written claim (default: its
        last follow-up)."""
        self.ensure_one()
        return time_barred_date(
            self.commercial_partner_id._dunning_debtor_type(),
            self.invoice_date or self.date,
            self.invoice_date_due or self.date,
            last_payment=last_payment,
            last_claim=last_claim or self.dunning_last_date or None,
        )

    def _dunning_limitation_rule(self):
        """The limitation that applies to the invoice's customer, with its article."""
        self.ensure_one()
        debtor = self.commercial_partner_id._dunning_debtor_type()
        return {
            "consumer": self.env._("2 years, Code de la consommation L218-2"),
            "public": self.env._("4 years from 1 January after the due date, loi n° 68-1250 du 31 décembre 1968"),
            "professional": self.env._("5 years, Code de commerce L110-4"),
        }.get(debtor) or self.env._("5 years, Code civil 2224")

    def _dunning_limitation_warnings(self, today):
        """The sentences warning of the invoices time-barred within six months, or already (a list)."""
        barred = self._dunning_time_barred_dates()
        warnings = []
        for move in self.sorted(lambda move: (barred[move.id] or date.max, move.id)):
            day = barred[move.id]
            if not day or today < day - relativedelta(months=LIMITATION_WARNING_MONTHS):
                continue
            values = {"invoice": move.name, "date": format_date(self.env, day), "rule": move._dunning_limitation_rule()}
            if day <= today:
                warnings.append(
                    self.env._(
                        "%(invoice)s is time-barred since %(date)s (%(rule)s): it is no longer claimed.", **values
                    )
                )
            else:
                warnings.append(
                    self.env._(
                        "%(invoice)s becomes time-barred on %(date)s (%(rule)s): before then, apply for an order to "
                        "pay or obtain a payment or a written acknowledgment of the debt.",
                        **values,
                    )
                )
        return warnings

    @api.model
    def _dunning_open_invoices_by_partner(self, partners, company):
        """The open customer invoices of these customers in a company, per commercial partner id (one search)."""
        moves = self.search(
            [
                ("company_id", "=", company.id),
                ("commercial_partner_id", "in", partners.ids),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        )
        result = defaultdict(lambda: self.browse())
        for move in moves:
            result[move.commercial_partner_id.id] |= move
        return result
