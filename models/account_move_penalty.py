from datetime import timedelta
from itertools import pairwise

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.amounts import allocate_rounded
from ..tools.security import READERS

DUNNING_RECOVERY_INDEMNITY_EUR = 40.0


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    # Late-payment penalties (L441-10) and recovery indemnity (D441-5), and their invoicing.
    dunning_penalty_move_ids = fields.Many2many(
        comodel_name="account.move",
        relation="account_dunning_penalty_move_rel",
        column1="source_move_id",
        column2="penalty_move_id",
        string="Penalty Invoices",
        copy=False,
        readonly=True,
        help="Invoices that charged the late-payment penalties and indemnity of this invoice.",
        groups=READERS,
    )
    dunning_penalty_source_ids = fields.Many2many(
        comodel_name="account.move",
        relation="account_dunning_penalty_move_rel",
        column1="penalty_move_id",
        column2="source_move_id",
        string="Late Invoices Charged",
        copy=False,
        readonly=True,
        help="Late invoices whose penalties and indemnity this invoice charges.",
        groups=READERS,
    )
    dunning_penalty_date_to = fields.Date(
        string="Penalties Charged Until",
        copy=False,
        readonly=True,
        help="On a penalty invoice: last day of the penalty periods it charges.",
        groups=READERS,
    )
    dunning_penalty_invoiced_until = fields.Date(
        string="Penalties Invoiced Until",
        compute="_compute_dunning_penalty_invoiced_until",
        store=True,
        help="Last day whose late-payment penalties are already charged by a penalty invoice that is not cancelled.",
        groups=READERS,
    )
    dunning_penalty_amount = fields.Monetary(
        string="Late-Payment Penalty to Date",
        compute="_compute_dunning_late_payment",
        currency_field="currency_id",
        help="Penalties accrued from the day after each instalment's due date until today (L441-10, or the public "
        "procurement rate for a public buyer), in the invoice currency.",
        groups=READERS,
    )
    dunning_indemnity_amount = fields.Monetary(
        string="Recovery Indemnity",
        compute="_compute_dunning_late_payment",
        currency_field="currency_id",
        help="Fixed recovery indemnity of 40 EUR per late invoice (D441-5; D2192-35 for public buyers), "
        "professionals and public buyers only, in the invoice currency.",
        groups=READERS,
    )
    dunning_show_late_payment = fields.Boolean(compute="_compute_dunning_late_payment", groups=READERS)

    @api.depends("dunning_penalty_move_ids.state", "dunning_penalty_move_ids.dunning_penalty_date_to")
    def _compute_dunning_penalty_invoiced_until(self):
        """Penalties are invoiced until the latest end date of the penalty invoices that are not cancelled."""
        for move in self:
            dates = move.dunning_penalty_move_ids.filtered(lambda m: m.state != "cancel").mapped(
                "dunning_penalty_date_to"
            )
            move.dunning_penalty_invoiced_until = max(dates, default=False)

    @api.depends(
        "state",
        "move_type",
        "invoice_date_due",
        "amount_residual",
        "matched_payment_ids.state",
        "commercial_partner_id.is_company",
        "commercial_partner_id.dunning_debtor_type",
        "commercial_partner_id.dunning_public_body",
        "dunning_dispute",
        "dunning_receipt_date",
    )
    def _compute_dunning_late_payment(self):
        """Today's penalty and indemnity of the late customer invoices of debtors who owe them."""
        today = fields.Date.context_today(self)
        eligible = self.filtered(lambda m: m.id and m._dunning_is_penalty_eligible(today))
        penalties = eligible._dunning_late_penalty_amounts(today)
        indemnities = eligible._dunning_recovery_indemnity_map(today, strict=False)
        for move in self:
            move.dunning_show_late_payment = move in eligible and bool(penalties[move.id] or indemnities[move.id])
            move.dunning_penalty_amount = penalties.get(move.id, 0.0)
            move.dunning_indemnity_amount = indemnities.get(move.id, 0.0)

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    def _dunning_is_penalty_eligible(self, to_date):
        """Penalties apply to posted customer invoices of professionals and public buyers, with an instalment due
        before to_date, that were not reversed (a fully credited invoice owes nothing).

        Penalty invoices themselves are left out: no interest on interest (Code civil 1343-2).
        """
        self.ensure_one()
        return (
            self.move_type == "out_invoice"
            and self.state == "posted"
            and self.payment_state != "reversed"
            and not self.dunning_penalty_source_ids
            and bool(self.invoice_date_due)
            and min(self.line_ids.filtered("date_maturity").mapped("date_maturity") or [self.invoice_date_due])
            < to_date
            and self.commercial_partner_id._dunning_owes_penalties()
        )

    def _dunning_dispute_interval(self, to_date):
        """Days (first, last) during which a dispute of the invoice stopped penalties, or None."""
        self.ensure_one()
        if not self.dunning_dispute_date or self.company_id.dunning_penalty_during_dispute:
            return None
        resolved = self.dunning_dispute_resolved_date
        if not self.dunning_dispute and resolved:
            return self.dunning_dispute_date, resolved - timedelta(days=1)
        if self.dunning_dispute:
            return self.dunning_dispute_date, to_date
        return None

    def _dunning_late_penalty_map(self, to_date, since_invoiced=False):
        """Per invoice id, its penalty periods until to_date (inclusive); see _dunning_late_penalty_periods."""
        result = {move.id: [] for move in self}
        moves = self.filtered(lambda m: m._dunning_is_penalty_eligible(to_date))
        if not moves:
            return result
        instalments = moves._dunning_instalments()
        ecb_table = self.env["account.dunning.ecb.rate"]._dunning_rate_table()
        legal_table = self.env["account.dunning.legal.rate"]._dunning_rate_table()
        judgments = moves._dunning_proceedings_dates()
        for move in moves:
            floor = False
            if since_invoiced and move.dunning_penalty_invoiced_until:
                floor = move.dunning_penalty_invoiced_until + timedelta(days=1)
            # collective proceedings: no penalty accrues on an earlier invoice from the judgment (L622-28)
            end = min(to_date, judgments[move.id] - timedelta(days=1)) if judgments[move.id] else to_date
            dispute = move._dunning_dispute_interval(end)
            for instalment in instalments[move.id]:
                start = instalment["late_after"] + timedelta(days=1)
                result[move.id] += move._dunning_instalment_periods(
                    instalment, max(start, floor or start), end, dispute, ecb_table, legal_table
                )
        return result

    def _dunning_instalment_periods(self, instalment, start, to_date, dispute, ecb_table, legal_table=None):
        """Periods of constant base and rate of one instalment: the amount paid on a day still accrues that day;
        credit notes lower the base from the start; days of a standing dispute accrue nothing. The instalment's
        penalty is rounded once, its periods' amounts share that rounded total (tools/amounts.py)."""
        self.ensure_one()
        currency = self.currency_id
        payments = instalment["payments"]
        change_days = {day + timedelta(days=1) for day, _amount in payments}
        if dispute:
            change_days |= {dispute[0], dispute[1] + timedelta(days=1)}
        bounds = [start, *sorted(day for day in change_days if start < day <= to_date), to_date + timedelta(days=1)]
        periods = []
        for interval_start, next_start in pairwise(bounds):
            interval_end = next_start - timedelta(days=1)
            if interval_start > interval_end or (dispute and dispute[0] <= interval_start <= dispute[1]):
                continue
            paid = sum(amount for day, amount in payments if day < interval_start)
            base = currency.round(instalment["amount"] - instalment["credits"] - paid)
            if currency.compare_amounts(base, 0.0) <= 0:
                continue
            segments = self._dunning_rate_segments(interval_start, interval_end, instalment, ecb_table, legal_table)
            for segment in segments:
                self._dunning_add_period(periods, dict(segment, base=base, date_due=instalment["due"]))
        for period in periods:
            period["days"] = (period["date_to"] - period["date_from"]).days + 1
            period["exact"] = period["base"] * period["rate"] / 100.0 * period["days"] / 365.0
        # rounded once per instalment: its periods' amounts add up to the rounded sum of their exact amounts
        amounts = allocate_rounded([period["exact"] for period in periods], currency.rounding)
        for period, amount in zip(periods, amounts, strict=True):
            period["amount"] = currency.round(amount)
        return [period for period in periods if not currency.is_zero(period["amount"])]

    def _dunning_rate_segments(self, date_from, date_to, instalment, ecb_table, legal_table=None):
        """The rate of a stretch of days: L441-10 per half-year for a professional (a contractual rate never below
        the legal floor of each half-year); for a public buyer, ECB + 8 points fixed at the half-year in which the
        instalment's interest started (R2192-31)."""
        company = self.company_id
        if self.commercial_partner_id._dunning_debtor_type() == "public":
            start = instalment["late_after"] + timedelta(days=1)
            rate = company._dunning_public_buyer_rate(start, ecb_table=ecb_table)
            return [dict(rate, date_from=date_from, date_to=date_to)]
        return company._dunning_penalty_rate_segments(date_from, date_to, ecb_table=ecb_table, legal_table=legal_table)

    def _dunning_add_period(self, periods, period):
        """Append a period, or lengthen the last one when it goes on with the same base and rate."""
        last = periods[-1] if periods else None
        if (
            last
            and last["date_to"] + timedelta(days=1) == period["date_from"]
            and not self.currency_id.compare_amounts(last["base"], period["base"])
            and last["rate"] == period["rate"]
            and last.get("legal") == period.get("legal")
            and last["date_due"] == period["date_due"]
        ):
            last["date_to"] = period["date_to"]
        else:
            periods.append(period)

    def _dunning_late_penalty_periods(self, to_date, since_invoiced=False):
        """Late-payment penalty periods until to_date, in the invoice currency:
        [{date_due, date_from, date_to, days, base, rate, ecb, margin, legal, exact, amount}].

        Each instalment accrues from the day after its own due date, pro rata days/365, on its amount incl. VAT
        still owed; each period has a constant base and rate; an instalment's penalty is rounded once (its periods
        share it). Consumers and non-professional legal persons owe nothing. With since_invoiced, days already
        charged by a penalty invoice are left out.
        """
        self.ensure_one()
        return self._dunning_late_penalty_map(to_date, since_invoiced=since_invoiced)[self.id]

    def _dunning_late_penalty_amounts(self, to_date, since_invoiced=False):
        """Per invoice id, its penalty accrued until to_date, in the invoice currency (sum of rounded periods)."""
        periods_by_move = self._dunning_late_penalty_map(to_date, since_invoiced=since_invoiced)
        return {
            move.id: move.currency_id.round(sum(period["amount"] for period in periods_by_move[move.id]))
            for move in self
        }

    def _dunning_late_penalty(self, to_date, since_invoiced=False):
        """Penalty accrued until to_date, in the invoice currency (sum of the rounded periods)."""
        self.ensure_one()
        return self._dunning_late_penalty_amounts(to_date, since_invoiced=since_invoiced)[self.id]

    def _dunning_recovery_indemnity_map(self, to_date, strict=True):
        """Per invoice id: 40 EUR converted to the invoice currency at to_date, when an instalment of the invoice
        of a professional or public buyer was still owed after its due date (D441-5, D2192-35); nothing while a
        dispute stands (unless the company says otherwise), nor for an invoice dated before its customer's
        collective proceedings unless claimed before the judgment. Without strict, a missing exchange rate gives 0
        instead of an error (for display)."""
        result = {move.id: 0.0 for move in self}
        moves = self.filtered(lambda m: m._dunning_is_penalty_eligible(to_date))
        if not moves:
            return result
        instalments = moves._dunning_instalments()
        judgments = moves._dunning_proceedings_dates()
        frozen = {move_id: day for move_id, day in judgments.items() if day and day <= to_date}
        claimed_before = moves._dunning_indemnities_claimed_before(frozen) if frozen else set()
        for move in moves:
            dispute = move._dunning_dispute_interval(to_date)
            if (dispute and dispute[1] >= to_date) or not move._dunning_was_late(instalments[move.id], to_date):
                continue
            # collective proceedings: an earlier invoice's indemnity only if it was claimed before the judgment
            if move.id in frozen and move.id not in claimed_before:
                continue
            try:
                day = min(to_date, frozen[move.id] - timedelta(days=1)) if move.id in frozen else to_date
                result[move.id] = move._dunning_indemnity_in_currency(day)
            except UserError:
                if strict:
                    raise
        return result

    def _dunning_indemnity_in_currency(self, day):
        """The 40 EUR indemnity in the invoice currency at the rate of the day; a missing rate is an error."""
        self.ensure_one()
        eur = self.env.ref("base.EUR")
        currency, company = self.currency_id, self.company_id
        if currency == eur:
            return DUNNING_RECOVERY_INDEMNITY_EUR
        for needed in (eur, currency):
            if needed == company.currency_id:
                continue
            rates = (
                self.env["res.currency.rate"]
                .sudo()
                .search_count(
                    [
                        ("currency_id", "=", needed.id),
                        ("name", "<=", day),
                        ("company_id", "in", [False, company.root_id.id]),
                    ],
                    limit=1,
                )
            )
            if not rates:
                raise UserError(
                    self.env._(
                        "No exchange rate of %(currency)s on or before %(date)s: the 40 EUR recovery indemnity of "
                        "%(invoice)s cannot be converted. Enter the rate (Invoicing > Configuration > Accounting > "
                        "Currencies).",
                        currency=needed.name,
                        date=fields.Date.to_string(day),
                        invoice=self.name,
                    )
                )
        return eur._convert(DUNNING_RECOVERY_INDEMNITY_EUR, currency, company, day)

    def _dunning_claimable_indemnity_map(self, to_date):
        """The indemnities that may still be claimed at to_date: not for an invoice whose indemnity a penalty
        invoice (not cancelled) already charged."""
        indemnities = self._dunning_recovery_indemnity_map(to_date)
        for move in self:
            if move.dunning_penalty_move_ids.filtered(lambda m: m.state != "cancel"):
                indemnities[move.id] = 0.0
        return indemnities

    def _dunning_recovery_indemnity(self, to_date=None):
        """D441-5: 40 EUR per late invoice of a professional or public buyer, no VAT, not reduced by partial
        payments, in the invoice currency."""
        self.ensure_one()
        to_date = to_date or fields.Date.context_today(self)
        return self._dunning_recovery_indemnity_map(to_date)[self.id]
