from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import split_every

from .dunning_security import check_billing

# Namespace of the advisory locks taken on customers by the follow-up run (first key of the two-key form).
DUNNING_LOCK_NAMESPACE = 74_240_417


class AccountDunningRun(models.AbstractModel):
    _name = "account.dunning.run"
    _description = "Customer Follow-up Run"

    _batch_size = 200

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    @api.model
    def _cron_run_followups(self):
        """Daily job: the follow-ups of every company for today, in slices of customers committed one by one, the
        companies in turn; a company that fails is recorded as a job failure and the others go on."""
        today = fields.Date.context_today(self)
        # sudo: the job works for every company, whatever the companies of the cron's user
        run = self.sudo()
        run.env["account.dunning.job.cursor"]._run_sliced(
            "run", run.env["res.company"].search([("id", "!=", False)]), run._run_followups_slice, today
        )
        # the new letters get their PDF right away, in the letters' own job
        letters_cron = self.env.ref("account_dunning.ir_cron_account_dunning_render_letters", raise_if_not_found=False)
        if letters_cron:
            letters_cron._trigger()

    @api.model
    def _run_followups_slice(self, company, cursor, memo):
        """One slice of the daily run: the next customers after the cursor (ids in order), acted on as one batch.
        The customers due are selected once per call; an already followed-up customer is skipped anyway."""
        if "partner_ids" not in memo:
            selected = self.with_company(company)._select_partner_ids(company, cursor.date)
            memo["partner_ids"] = [partner_id for partner_id in selected if partner_id > cursor.position]
        size = cursor._slice_size()
        batch, memo["partner_ids"] = memo["partner_ids"][:size], memo["partner_ids"][size:]
        if batch:
            self._run_batch(company, cursor.date, batch)
        return (batch[-1] if batch else cursor.position), len(batch), len(memo["partner_ids"])

    @api.model
    def run_followups(self, company, date, preview=False):
        """Run the follow-ups of a company at a date, or only say what would be done when previewing.

        Returns a dict: ``followups`` (one dict per customer followed up: partner, scenario, level,
        channels, moves, amount, action) and ``skipped`` (one dict per customer left out: partner, reason).
        """
        check_billing(self.env)
        if not preview and date > fields.Date.context_today(self):
            raise UserError(
                self.env._("Follow-ups cannot be run for a future date (%(date)s).", date=fields.Date.to_string(date))
            )
        self = self.with_company(company)
        result = {"followups": [], "skipped": []}
        for batch_ids in split_every(self._batch_size, self._select_partner_ids(self.env.company, date)):
            followups, skipped = self._run_batch(company, date, batch_ids, preview=preview)
            result["followups"] += followups
            result["skipped"] += skipped
        return result

    @api.model
    def _run_batch(self, company, date, partner_ids, preview=False):
        """Select, decide and (unless previewing) act for a batch of customers: (follow-ups, skipped)."""
        self = self.with_company(company)
        company = self.env.company
        moves = self._select_moves(company, date, partner_ids)
        followups, skipped = self._decide(company, date, moves)
        if preview:
            return followups, skipped
        self._flag_to_reconcile(company, moves.commercial_partner_id, skipped)
        acted = self._act(company, date, followups)
        return (
            [followup for followup in acted if followup["action"]],
            skipped + [followup for followup in acted if not followup["action"]],
        )

    # ------------------------------------------------------------------
    # Select
    # ------------------------------------------------------------------
    @api.model
    def _get_open_invoice_domain(self, company, date):
        """Posted, unpaid customer invoices of the company that may have reached a level at that date."""
        scenarios = self.env["account.dunning.scenario"].search([("company_id", "=", company.id)])
        earliest = min(scenarios.level_ids.mapped("trigger_days") or [0])
        return [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            # late from its oldest open instalment: an invoice in instalments is due before its last due date
            (
                "line_ids",
                "any",
                [
                    ("account_type", "=", "asset_receivable"),
                    ("reconciled", "=", False),
                    ("date_maturity", "<=", fields.Date.subtract(date, days=min(earliest, 0))),
                ],
            ),
        ]

    @api.model
    def _select_partner_ids(self, company, date):
        """Customers with open invoices that may be due for a follow-up, in one grouped query."""
        groups = self.env["account.move"]._read_group(
            self._get_open_invoice_domain(company, date), ["commercial_partner_id"]
        )
        return sorted(partner.id for (partner,) in groups)

    @api.model
    def _select_moves(self, company, date, partner_ids):
        """Open invoices of a batch of customers."""
        domain = [*self._get_open_invoice_domain(company, date), ("commercial_partner_id", "in", partner_ids)]
        return self.env["account.move"].search(domain, order="invoice_date_due, id")

    @api.model
    def _get_outstanding_credits(self, company, partners):
        """Unreconciled payments and credit notes per customer, in company currency (one grouped query)."""
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partners.ids),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "<", 0),
            ],
            ["partner_id"],
            ["amount_residual:sum"],
        )
        return {partner.id: -amount for partner, amount in groups}

    @api.model
    def _get_history(self, company, date, partners):
        """Per customer: date of the last follow-up, pending validation, already followed up that day, and its
        follow-ups that failed since, per level (the run retries them on the same record).

        A follow-up cancelled with a date after the run date (a run made later for an earlier day) is ignored.
        """
        groups = self.env["account.dunning.action"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partners.ids),
                "|",
                ("state", "in", ("to_validate", "done")),
                "&",
                ("state", "=", "cancelled"),
                ("date", "<=", date),
            ],
            ["partner_id", "state"],
            ["date:max"],
        )
        history = defaultdict(lambda: {"last_date": False, "pending": False, "today": False, "failed": {}})
        for partner, state, last_date in groups:
            entry = history[partner.id]
            entry["last_date"] = max(entry["last_date"] or last_date, last_date)
            if state == "to_validate":
                entry["pending"] = True
            if state in ("to_validate", "done") and last_date == date:
                entry["today"] = True
        for action in self._get_failed_actions(company, partners):
            entry = history[action.partner_id.id]
            if not entry["last_date"] or action.date >= entry["last_date"]:
                entry["failed"].setdefault(action.level_id.id, action)
        return history

    @api.model
    def _get_failed_actions(self, company, partners):
        """The latest failed follow-up of each customer and level, in one grouped query."""
        groups = self.env["account.dunning.action"]._read_group(
            [("company_id", "=", company.id), ("partner_id", "in", partners.ids), ("state", "=", "failed")],
            ["partner_id", "level_id"],
            ["id:max"],
        )
        return self.env["account.dunning.action"].browse([action_id for _partner, _level, action_id in groups])

    @api.model
    def _get_scenarios_by_segment(self, company):
        """Active scenario serving each risk segment code in the company."""
        scenarios = self.env["account.dunning.scenario"].search([("company_id", "=", company.id)])
        return {segment.code: scenario for scenario in scenarios for segment in scenario.segment_ids}

    # ------------------------------------------------------------------
    # Decide
    # ------------------------------------------------------------------
    @api.model
    def _decide(self, company, date, moves):
        """Per customer: the level due and the invoices it covers, or why nothing is sent."""
        partners = moves.commercial_partner_id.with_company(company)
        credits = self._get_outstanding_credits(company, partners)
        history = self._get_history(company, date, partners)
        scenarios_by_segment = self._get_scenarios_by_segment(company)
        moves_by_partner = defaultdict(lambda: self.env["account.move"])
        for move in moves:
            moves_by_partner[move.commercial_partner_id.id] |= move
        due_dates = moves._dunning_open_due_dates()
        followups, skipped = [], []
        for partner in partners:
            decision = self._decide_partner(
                company,
                date,
                partner,
                moves_by_partner[partner.id],
                scenario=partner.dunning_scenario_id or scenarios_by_segment.get(partner.dunning_segment or "new"),
                credit=credits.get(partner.id, 0.0),
                history=history[partner.id],
                due_dates=due_dates,
            )
            if decision.get("reason"):
                skipped.append(decision)
            elif decision.get("level"):
                followups.append(decision)
        return followups, skipped

    @api.model
    def _is_move_followed(self, move, date):
        """An invoice is followed up unless disputed, in litigation, under a running promise or paid."""
        if move.dunning_dispute or move.dunning_litigation or move.payment_state == "in_payment":
            return False
        if move.dunning_promise_date and move.dunning_promise_date >= date:
            return False
        return not (
            move.currency_id.is_zero(move.amount_residual)
            or move.company_currency_id.is_zero(move.amount_residual_signed)
        )

    @api.model
    def _get_reached_rank(self, levels, due_date, date, tolerance):
        """Highest level reached by an invoice: due date (its oldest open instalment's) + tolerance + level
        trigger <= date (-1: none)."""
        days = (date - due_date).days - tolerance
        reached = -1
        for rank, level in enumerate(levels):
            if level.trigger_days <= days:
                reached = rank
        return reached

    @api.model
    def _get_level_rank(self, level):
        """Position of a level in the ladder of its own scenario (-1 without level)."""
        if not level:
            return -1
        return level.scenario_id._get_ordered_levels().ids.index(level.id)

    @api.model
    def _get_target_rank(self, levels, previous, reached):
        """Escalate one level at a time, unless a level between allows direct entry."""
        for rank in range(reached, previous + 1, -1):
            if levels[rank].direct_entry:
                return rank
        return previous + 1

    @api.model
    def _get_tolerance(self, company, partner):
        """The customer's personal tolerance; one never classified yet (no segment) gets the new-customer one."""
        if not partner.dunning_segment:
            return company.dunning_tolerance_new_days
        return partner.dunning_tolerance_days

    @api.model
    def _decide_partner(self, company, date, partner, moves, scenario, credit, history, due_dates):
        """Decide one customer's follow-up; returns a dict with a level, a skip reason, or neither.

        due_dates: {invoice id: due date of its oldest open instalment}.
        """
        decision = {"partner": partner, "moves": self.env["account.move"], "level": False, "reason": False}
        if partner.dunning_excluded:
            return dict(decision, reason="excluded")
        if not scenario or not scenario.level_ids:
            return decision
        levels = scenario._get_ordered_levels()
        tolerance = self._get_tolerance(company, partner)
        reached_by_move = {}
        for move in moves:
            if self._is_move_followed(move, date):
                rank = self._get_reached_rank(levels, due_dates[move.id], date, tolerance)
                if rank >= 0:
                    reached_by_move[move] = rank
        if not reached_by_move:
            return decision
        followed = self.env["account.move"].union(*reached_by_move)
        amount = sum(followed.mapped("amount_residual_signed"))
        own_due_dates = {move.id: due_dates[move.id] for move in followed}
        decision.update(moves=followed, amount=amount, scenario=scenario, due_dates=own_due_dates)
        reason = self._get_blocking_reason(company, history, amount, credit)
        if reason:
            return dict(decision, reason=reason)
        return self._decide_level(company, date, decision, levels, reached_by_move, history)

    @api.model
    def _get_blocking_reason(self, company, history, amount, credit):
        """Why a customer with invoices past a level gets nothing today, or False."""
        if history["today"]:
            return "already_done"
        if history["pending"]:
            return "pending"
        if company.currency_id.compare_amounts(amount, company.dunning_min_amount) < 0:
            return "below_minimum"
        if company.currency_id.compare_amounts(credit, amount) >= 0:
            return "to_reconcile"
        return False

    @api.model
    def _decide_level(self, company, date, decision, levels, reached_by_move, history):
        """The level to send: one up from the invoices' last level (or the direct-entry level reached), once its
        interval has passed; one up at once after a broken promise. A level whose follow-up keeps failing is
        retried on the same record until the company's maximum of attempts."""
        followed = decision["moves"]
        previous = max(min(self._get_level_rank(move.dunning_level_id), len(levels) - 1) for move in followed)
        reached = max(reached_by_move.values())
        broken_promise = any(move.dunning_promise_date and not move._dunning_promise_is_kept() for move in followed)
        if broken_promise:
            target = min(previous + 1, len(levels) - 1)
        else:
            if reached <= previous:
                return decision
            target = self._get_target_rank(levels, previous, reached)
            last_date = history["last_date"]
            if last_date and (date - last_date).days < levels[target].interval_days:
                return dict(decision, reason="interval")
        failed = history["failed"].get(levels[target].id)
        if failed and failed.retry_count >= company.dunning_max_retries:
            return dict(decision, reason="failing")
        return dict(decision, level=levels[target], broken_promise=broken_promise, retry_action=failed)

    @api.model
    def _get_skip_reasons(self):
        """Labels of the reasons why a customer is not followed up."""
        return {
            "excluded": self.env._("Customer excluded from follow-ups"),
            "already_done": self.env._("Already followed up at this date"),
            "pending": self.env._("A follow-up is waiting for validation"),
            "below_minimum": self.env._("Total due below the company minimum"),
            "to_reconcile": self.env._("Unreconciled payments or credit notes cover the amount due"),
            "interval": self.env._("Too soon after the previous follow-up"),
            "locked": self.env._("Handled by another run at the same time"),
            "error": self.env._("The follow-up could not be recorded (see the server log)"),
            "failing": self.env._("Its follow-up at this level failed too many times: fix the cause, then retry it"),
        }
