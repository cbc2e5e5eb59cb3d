from collections import defaultdict
from datetime import timedelta
from itertools import pairwise

from odoo import api, fields, models

from .dunning_security import READERS

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
        currency_field="company_currency_id",
        help="Penalties accrued from the day after the due date until today (L441-10), in company currency.",
        groups=READERS,
    )
    dunning_indemnity_amount = fields.Monetary(
        string="Recovery Indemnity",
        compute="_compute_dunning_late_payment",
        currency_field="company_currency_id",
        help="Fixed recovery indemnity of 40 EUR per late invoice (D441-5), business customers only.",
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
    )
    def _compute_dunning_late_payment(self):
        """Today's penalty and indemnity of the late customer invoices of business customers."""
        today = fields.Date.context_today(self)
        eligible = self.filtered(lambda m: m.id and m._dunning_is_penalty_eligible(today))
        penalties = eligible._dunning_late_penalty_amounts(today)
        indemnities = eligible._dunning_recovery_indemnity_map(today)
        for move in self:
            move.dunning_show_late_payment = move in eligible and bool(penalties[move.id] or indemnities[move.id])
            move.dunning_penalty_amount = penalties.get(move.id, 0.0)
            move.dunning_indemnity_amount = indemnities.get(move.id, 0.0)

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    def _dunning_is_penalty_eligible(self, to_date):
        """Penalties apply to posted customer invoices of business customers, due before to_date.

        Penalty invoices themselves are left out: no interest on interest (Code civil 1343-2).
        """
        self.ensure_one()
        return (
            self.move_type == "out_invoice"
            and self.state == "posted"
            and not self.dunning_penalty_source_ids
            and bool(self.invoice_date_due)
            and self.invoice_date_due < to_date
            and self.commercial_partner_id.is_company
        )

    def _dunning_receivable_timeline(self):
        """Per invoice: receivable total and its reductions [(reconciliation date, amount)], company currency.

        One grouped query on the partial reconciliations of the receivable lines (payments, credit notes and
        exchange differences all reduce what is owed).
        """
        lines = self.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        groups = self.env["account.partial.reconcile"]._read_group(
            [("debit_move_id", "in", lines.ids)],
            ["debit_move_id", "max_date:day"],
            ["amount:sum"],
        )
        reductions = self._dunning_unmatched_payment_reductions()
        for line, day, amount in groups:
            reductions[line.move_id.id].append((day, amount))
        totals = defaultdict(float)
        for line in lines:
            totals[line.move_id.id] += line.balance
        return {move.id: (totals[move.id], sorted(reductions[move.id])) for move in self}

    def _dunning_unmatched_payment_reductions(self):
        """Registered payments without journal entry reduce what is owed from their date, oldest invoice first.

        Without an outstanding account, Odoo 18 registers a payment without any journal entry: the invoice is
        "in payment" but its receivable is not reconciled until the bank statement is matched. Each such payment
        covers its invoices (credit notes it nets add to it) in due-date order, at most what each still owes
        unreconciled. Returns {invoice id: [(payment date, amount in company currency)]}, one search.
        """
        reductions = defaultdict(list)
        payments = self.env["account.payment"].search(
            [
                ("invoice_ids", "in", self.ids),
                ("move_id", "=", False),
                ("payment_type", "=", "inbound"),
                ("state", "in", ("in_process", "paid")),
            ],
            order="date, id",
        )
        left = {}  # invoice id -> company-currency amount still owed and not yet covered
        for payment in payments:
            documents = payment.invoice_ids.filtered(lambda m: m.state == "posted")
            invoices = documents.filtered(lambda m: m.move_type == "out_invoice").sorted(
                lambda m: (m.invoice_date_due or m.date, m.id)
            )
            available = abs(payment.amount_company_currency_signed) + sum(
                abs(refund.amount_residual_signed) for refund in documents if refund.move_type == "out_refund"
            )
            for invoice in invoices:
                left.setdefault(invoice.id, invoice.amount_residual_signed)
                used = min(available, left[invoice.id])
                if invoice.company_currency_id.compare_amounts(used, 0.0) <= 0:
                    continue
                reductions[invoice.id].append((payment.date, used))
                left[invoice.id] -= used
                available -= used
        return reductions

    def _dunning_late_penalty_map(self, to_date, since_invoiced=False):
        """Per invoice id, its penalty periods until to_date (inclusive); see _dunning_late_penalty_periods."""
        result = {move.id: [] for move in self}
        moves = self.filtered(lambda m: m._dunning_is_penalty_eligible(to_date))
        if not moves:
            return result
        timelines = moves._dunning_receivable_timeline()
        ecb_table = self.env["account.dunning.ecb.rate"]._dunning_rate_table()
        for move in moves:
            start = move.invoice_date_due + timedelta(days=1)
            if since_invoiced and move.dunning_penalty_invoiced_until:
                start = max(start, move.dunning_penalty_invoiced_until + timedelta(days=1))
            total, reductions = timelines[move.id]
            result[move.id] = move._dunning_penalty_periods_from(start, to_date, total, reductions, ecb_table)
        return result

    def _dunning_penalty_periods_from(self, start, to_date, total, reductions, ecb_table):
        """Periods of constant base and rate: the amount paid on a day still accrues that day."""
        self.ensure_one()
        company = self.company_id
        currency = company.currency_id
        # the base changes the day after each reconciliation
        change_days = sorted(
            {day + timedelta(days=1) for day, _amount in reductions if start < day + timedelta(days=1) <= to_date}
        )
        bounds = [start, *change_days, to_date + timedelta(days=1)]
        periods = []
        for interval_start, next_start in pairwise(bounds):
            interval_end = next_start - timedelta(days=1)
            base = currency.round(total - sum(amount for day, amount in reductions if day < interval_start))
            if currency.compare_amounts(base, 0.0) <= 0 or interval_start > interval_end:
                continue
            for date_from, date_to, rate in company._dunning_penalty_rate_segments(
                interval_start, interval_end, ecb_table=ecb_table
            ):
                last = periods[-1] if periods else None
                if (
                    last
                    and last["date_to"] + timedelta(days=1) == date_from
                    and not currency.compare_amounts(last["base"], base)
                    and last["rate"] == rate
                ):
                    last["date_to"] = date_to
                else:
                    periods.append({"date_from": date_from, "date_to": date_to, "base": base, "rate": rate})
        for period in periods:
            period["days"] = (period["date_to"] - period["date_from"]).days + 1
            period["amount"] = currency.round(period["base"] * period["rate"] / 100.0 * period["days"] / 365.0)
        return [period for period in periods if not currency.is_zero(period["amount"])]

    def _dunning_late_penalty_periods(self, to_date, since_invoiced=False):
        """L441-10 penalty periods until to_date: [{date_from, date_to, days, base, rate, amount}], company currency.

        From the day after the due date, pro rata days/365, on the amount incl. VAT still owed; each period has a
        constant base and rate. Consumers owe nothing. With since_invoiced, days already invoiced are left out.
        """
        self.ensure_one()
        return self._dunning_late_penalty_map(to_date, since_invoiced=since_invoiced)[self.id]

    def _dunning_late_penalty_amounts(self, to_date, since_invoiced=False):
        """Per invoice id, its L441-10 penalty accrued until to_date, in company currency (sum of rounded periods)."""
        periods_by_move = self._dunning_late_penalty_map(to_date, since_invoiced=since_invoiced)
        return {
            move.id: move.company_id.currency_id.round(sum(period["amount"] for period in periods_by_move[move.id]))
            for move in self
        }

    def _dunning_late_penalty(self, to_date, since_invoiced=False):
        """L441-10 penalty accrued until to_date, in company currency (sum of the rounded periods)."""
        self.ensure_one()
        return self._dunning_late_penalty_amounts(to_date, since_invoiced=since_invoiced)[self.id]

    def _dunning_recovery_indemnity_map(self, to_date):
        """Per invoice id: 40 EUR (in company currency) when the invoice of a business customer is late."""
        result = {move.id: 0.0 for move in self}
        moves = self.filtered(lambda m: m._dunning_is_penalty_eligible(to_date))
        if not moves:
            return result
        timelines = moves._dunning_receivable_timeline()
        eur = self.env.ref("base.EUR")
        for move in moves:
            total, reductions = timelines[move.id]
            currency = move.company_id.currency_id
            owed_after_due = total - sum(amount for day, amount in reductions if day <= move.invoice_date_due)
            if currency.compare_amounts(owed_after_due, 0.0) > 0:
                result[move.id] = eur._convert(DUNNING_RECOVERY_INDEMNITY_EUR, currency, move.company_id, to_date)
        return result

    def _dunning_recovery_indemnity(self, to_date=None):
        """D441-5: 40 EUR per late invoice of a business customer, no VAT, not reduced by partial payments."""
        self.ensure_one()
        to_date = to_date or fields.Date.context_today(self)
        return self._dunning_recovery_indemnity_map(to_date)[self.id]
