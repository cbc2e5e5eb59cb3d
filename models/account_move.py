from collections import defaultdict
from datetime import timedelta
from itertools import pairwise

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import create_index, format_date, formatLang

DUNNING_RECOVERY_INDEMNITY_EUR = 40.0


class AccountMove(models.Model):
    _inherit = "account.move"

    # Follow-up state of a customer invoice (issue 4: scenarios, levels and the daily run).
    dunning_level_id = fields.Many2one(
        "account.dunning.level",
        string="Follow-up Level",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Last follow-up level sent for this invoice.",
    )
    dunning_last_date = fields.Date(string="Last Follow-up", copy=False, readonly=True)
    dunning_dispute = fields.Boolean(
        string="Disputed", copy=False, tracking=True, help="Disputed invoices are left out of follow-ups."
    )
    dunning_dispute_reason = fields.Text(string="Dispute Reason", copy=False)
    dunning_dispute_date = fields.Date(
        string="Disputed On",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Day the invoice was last disputed; kept after the dispute is resolved, as an incident of the "
        "customer's payment behaviour.",
    )
    dunning_promise_date = fields.Date(
        string="Promised Payment Date",
        copy=False,
        tracking=True,
        help="Follow-ups pause until this date; if the promise is broken they resume one level up.",
    )
    dunning_promise_amount = fields.Monetary(
        string="Promised Amount",
        copy=False,
        help="Amount the customer promised to pay by the promised date; empty means the whole amount due.",
    )
    dunning_promise_residual = fields.Monetary(
        string="Amount Due at Promise", copy=False, readonly=True, help="Amount due when the promise was recorded."
    )
    dunning_litigation = fields.Boolean(
        string="In Litigation", copy=False, tracking=True, help="Invoices in litigation get no more follow-ups."
    )
    dunning_action_ids = fields.Many2many(
        "account.dunning.action",
        "account_dunning_action_account_move_rel",
        "move_id",
        "action_id",
        string="Follow-ups",
        copy=False,
        readonly=True,
    )
    dunning_action_count = fields.Integer(compute="_compute_dunning_action_count", string="Follow-up Count")

    def _compute_dunning_action_count(self):
        counts = dict(
            self.env["account.dunning.action"]._read_group([("move_ids", "in", self.ids)], ["move_ids"], ["__count"])
        )
        for move in self:
            move.dunning_action_count = counts.get(move._origin, 0)

    def _dunning_promise_is_kept(self):
        """A promise is kept when the promised amount (or the whole amount due) has been paid."""
        self.ensure_one()
        paid = self.dunning_promise_residual - self.amount_residual
        expected = self.dunning_promise_amount or self.dunning_promise_residual
        return self.currency_id.compare_amounts(paid, expected) >= 0

    def action_dunning_dispute(self):
        """Open the wizard recording a dispute or a promise to pay."""
        return self._dunning_open_wizard("dispute")

    def action_dunning_promise(self):
        """Open the wizard recording a promise to pay."""
        return self._dunning_open_wizard("promise")

    def _dunning_open_wizard(self, mode):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Follow-up Status"),
            "res_model": "account.move.dunning.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "account.move", "active_ids": self.ids, "default_mode": mode},
        }

    def action_dunning_resolve_dispute(self):
        """End the dispute: the invoices are followed up again."""
        for move in self.filtered("dunning_dispute"):
            move.message_post(body=self.env._("Dispute resolved: follow-ups resume."))
        self.write({"dunning_dispute": False, "dunning_dispute_reason": False})
        return True

    def action_view_dunning_actions(self):
        """Follow-ups of these invoices."""
        action = self.env["ir.actions.act_window"]._for_xml_id("account_dunning.account_dunning_action_action")
        action["domain"] = [("move_ids", "in", self.ids)]
        action["context"] = {"create": False}
        return action

    def _dunning_set_dispute(self, reason):
        """A disputed invoice is out of the follow-ups until the dispute is resolved."""
        if not reason:
            raise UserError(self.env._("Give the reason of the dispute."))
        self.write(
            {
                "dunning_dispute": True,
                "dunning_dispute_reason": reason,
                "dunning_dispute_date": fields.Date.context_today(self),
            }
        )
        for move in self:
            move.message_post(body=self.env._("Disputed: %(reason)s", reason=reason))

    def _dunning_set_promise(self, date, amount=0.0):
        """A promise to pay pauses the follow-ups until its date; it is kept when the amount is paid."""
        if not date:
            raise UserError(self.env._("Give the date the customer promised to pay."))
        if amount < 0:
            raise UserError(self.env._("The promised amount cannot be negative."))
        for move in self:
            move.write(
                {
                    "dunning_promise_date": date,
                    "dunning_promise_amount": amount,
                    "dunning_promise_residual": move.amount_residual,
                }
            )
            move.message_post(body=self.env._("Promise to pay by %(date)s.", date=fields.Date.to_string(date)))

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
    )
    dunning_penalty_date_to = fields.Date(
        string="Penalties Charged Until",
        copy=False,
        readonly=True,
        help="On a penalty invoice: last day of the penalty periods it charges.",
    )
    dunning_penalty_invoiced_until = fields.Date(
        string="Penalties Invoiced Until",
        compute="_compute_dunning_penalty_invoiced_until",
        store=True,
        help="Last day whose late-payment penalties are already charged by a penalty invoice that is not cancelled.",
    )
    dunning_penalty_amount = fields.Monetary(
        string="Late-Payment Penalty to Date",
        compute="_compute_dunning_late_payment",
        currency_field="company_currency_id",
        help="Penalties accrued from the day after the due date until today (L441-10), in company currency.",
    )
    dunning_indemnity_amount = fields.Monetary(
        string="Recovery Indemnity",
        compute="_compute_dunning_late_payment",
        currency_field="company_currency_id",
        help="Fixed recovery indemnity of 40 EUR per late invoice (D441-5), business customers only.",
    )
    dunning_show_late_payment = fields.Boolean(compute="_compute_dunning_late_payment")

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

    # ------------------------------------------------------------------
    # Invoicing the penalties
    # ------------------------------------------------------------------
    def _dunning_check_penalty_sources(self):
        """Penalties are invoiced from posted customer invoices of one customer and one company."""
        if not self:
            raise UserError(self.env._("Select the late invoices whose penalties you want to invoice."))
        wrong = self.filtered(lambda m: m.move_type != "out_invoice" or m.state != "posted")
        if wrong:
            raise UserError(
                self.env._(
                    "Penalties are only invoiced from posted customer invoices; not from: %(moves)s.",
                    moves=", ".join(wrong.mapped("display_name")),
                )
            )
        if len(self.commercial_partner_id) > 1 or len(self.company_id) > 1:
            raise UserError(
                self.env._(
                    "Select invoices of a single customer and company to invoice their penalties (got: %(partners)s).",
                    partners=", ".join(self.commercial_partner_id.mapped("display_name")),
                )
            )

    def _dunning_penalty_account(self):
        """Income account of penalty lines: the one of the settings, else the sales journal's default account."""
        self.ensure_one()
        account = self.company_id.dunning_penalty_account_id or self.journal_id.default_account_id
        if not account:
            raise UserError(
                self.env._(
                    "Set the penalty income account in the Accounting settings (Follow-up letters) "
                    "or a default account on the journal %(journal)s.",
                    journal=self.journal_id.display_name,
                )
            )
        return account

    def _dunning_prepare_penalty_move_vals(self, to_date, periods, indemnities):
        """Values of the draft penalty invoice: one penalty line and one indemnity line, without taxes."""
        first = self[:1]
        partner = first.commercial_partner_id
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        env = self.with_context(lang=partner.lang if partner.lang in installed else self.env.lang).env
        currency = first.company_id.currency_id
        account = first._dunning_penalty_account()
        lines = []
        penalty = currency.round(sum(p["amount"] for move in self for p in periods[move.id]))
        if not currency.is_zero(penalty):
            details = [
                env._(
                    "%(invoice)s: %(date_from)s to %(date_to)s, %(days)s days on %(base)s at %(rate)s %%",
                    invoice=move.name,
                    date_from=format_date(env, period["date_from"]),
                    date_to=format_date(env, period["date_to"]),
                    days=period["days"],
                    base=formatLang(env, period["base"], currency_obj=currency),
                    rate=formatLang(env, period["rate"]),
                )
                for move in self
                for period in periods[move.id]
            ]
            name = "\n".join([env._("Late-payment penalties (French Commercial Code, art. L441-10)"), *details])
            lines.append(
                Command.create(
                    {
                        "name": name,
                        "quantity": 1,
                        "price_unit": penalty,
                        "account_id": account.id,
                        "tax_ids": [Command.clear()],
                    }
                )
            )
        indemnified = self.filtered(lambda m: not currency.is_zero(indemnities[m.id]))
        if indemnified:
            name = env._(
                "Fixed recovery indemnity (French Commercial Code, art. D441-5), %(count)s late invoice(s): "
                "%(invoices)s",
                count=len(indemnified),
                invoices=", ".join(indemnified.mapped("name")),
            )
            lines.append(
                Command.create(
                    {
                        "name": name,
                        "quantity": 1,
                        "price_unit": currency.round(sum(indemnities[m.id] for m in indemnified)),
                        "account_id": account.id,
                        "tax_ids": [Command.clear()],
                    }
                )
            )
        return {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "company_id": first.company_id.id,
            "journal_id": first.journal_id.id,
            "currency_id": currency.id,
            "invoice_date": to_date,
            "dunning_penalty_date_to": to_date,
            "dunning_penalty_source_ids": [Command.set(self.ids)],
            "invoice_line_ids": lines,
        }

    def _dunning_create_penalty_move(self, to_date):
        """Draft invoice charging the penalties not yet invoiced and the indemnities not yet charged."""
        self._dunning_check_penalty_sources()
        periods = self._dunning_late_penalty_map(to_date, since_invoiced=True)
        indemnities = self._dunning_recovery_indemnity_map(to_date)
        for move in self:
            if move.dunning_penalty_move_ids.filtered(lambda m: m.state != "cancel"):
                indemnities[move.id] = 0.0  # already charged by an earlier penalty invoice
        currency = self.company_id.currency_id
        charged = self.filtered(lambda m: periods[m.id] or not currency.is_zero(indemnities[m.id]))
        if not charged:
            raise UserError(
                self.env._(
                    "Nothing to invoice on %(invoices)s: no late-payment penalty or recovery indemnity is due "
                    "(paid on time, consumer customer, or already invoiced).",
                    invoices=", ".join(self.mapped("name")),
                )
            )
        return self.env["account.move"].create(
            charged._dunning_prepare_penalty_move_vals(to_date, periods, indemnities)
        )

    def action_dunning_invoice_penalties(self):
        """Create the draft penalty invoice of the selected late invoices and open it."""
        penalty_move = self._dunning_create_penalty_move(fields.Date.context_today(self))
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": penalty_move.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {"default_move_type": "out_invoice"},
        }

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

    def init(self):
        res = super().init()
        # The payment behaviour reads one customer's posted invoices (e.g. when one becomes paid) by index.
        create_index(
            self.env.cr,
            "account_move_dunning_customer_index",
            self._table,
            ["company_id", "commercial_partner_id"],
            where="move_type = 'out_invoice' AND state = 'posted'",
        )
        return res
