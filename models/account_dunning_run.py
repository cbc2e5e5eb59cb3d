import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import split_every

from ..tools.rules import is_settled, promise_broken
from ..tools.security import check_billing
from ..tools.snapshot import DunningCustomer, DunningItem

_logger = logging.getLogger(__name__)

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
        companies = run.env["res.company"].search([("id", "!=", False)])
        run._lift_settled_holds(companies)
        run.env["account.dunning.job.cursor"]._run_sliced("run", companies, run._run_followups_slice, today)
        # the new letters get their PDF right away, in the letters' own job
        letters_cron = self.env.ref("account_dunning.ir_cron_account_dunning_render_letters", raise_if_not_found=False)
        if letters_cron:
            letters_cron._trigger()

    @api.model
    def _lift_settled_holds(self, companies):
        """Lift the credit hold of the customers who owe nothing overdue any more (a payment whose hook failed, an
        invoice cancelled); each company in a savepoint, a failure logged and left for the next night."""
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    self.env["res.partner"]._dunning_lift_settled_holds(company)
            except Exception:  # the run goes on; the next night tries again
                _logger.exception("Credit holds of company %s not lifted", company.id)

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
        partner_ids = self._select_partner_ids(self.env.company, date)
        if preview:
            # nothing is written: one pass over every customer, in a fixed number of queries
            followups, skipped = self._run_batch(company, date, partner_ids, preview=True)
            return {"followups": followups, "skipped": skipped}
        result = {"followups": [], "skipped": []}
        for batch_ids in split_every(self._batch_size, partner_ids):
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
        scenarios = self.env["account.dunning.scenario"].search(
            [("company_id", "=", company.id), ("policy_id", "=", False)]
        )
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
        """Per customer (see _new_history()): date of its last follow-up and of its last post-due one, pending
        validation, already followed up that day, its follow-ups that failed since, per level (the run retries
        them on the same record), and whether its reply to a follow-up waits for our answer.

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
            ["partner_id", "state", "level_id"],
            ["date:max"],
        )
        history = defaultdict(self._new_history)
        for partner, state, level, last_date in groups:
            entry = history[partner.id]
            entry["last_date"] = max(entry["last_date"] or last_date, last_date)
            if level.trigger_days >= 0:
                entry["last_post_due_date"] = max(entry["last_post_due_date"] or last_date, last_date)
            if state == "to_validate":
                entry["pending"] = True
            if state in ("to_validate", "done") and last_date == date:
                entry["today"] = True
        for action in self._get_failed_actions(company, partners):
            entry = history[action.partner_id.id]
            if not entry["last_date"] or action.date >= entry["last_date"]:
                entry["failed"].setdefault(action.level_id.id, action)
        for partner_id in self.env["account.dunning.answer"]._dunning_awaiting_partner_ids(company, date, partners):
            history[partner_id]["awaiting_answer"] = True
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
        scenarios = self.env["account.dunning.scenario"].search(
            [("company_id", "=", company.id), ("policy_id", "=", False)]
        )
        return {segment.code: scenario for scenario in scenarios for segment in scenario.segment_ids}

    # ------------------------------------------------------------------
    # Decide (the rules: account_dunning_run_decide.py), from snapshots of the live records
    # ------------------------------------------------------------------
    @api.model
    def _decide(self, company, date, moves):
        """Per customer: the level due and the invoices it covers, or why nothing is sent."""
        customers = self._get_live_customers(company, date, moves)
        history = self._get_history(company, date, moves.commercial_partner_id)
        followups, skipped = [], []
        for customer in customers:
            decision = self._decide_partner(company, date, customer, history[customer.partner.id])
            decision = self._get_run_decision(decision)
            if decision.get("reason"):
                skipped.append(decision)
            elif decision.get("level"):
                followups.append(decision)
        return followups, skipped

    @api.model
    def _get_run_decision(self, decision):
        """A decision on snapshots in the run's terms: the invoices as a recordset, the level and scenario records,
        and the due date of each invoice's oldest open instalment."""
        items = decision.pop("items")
        ladder = decision.pop("ladder", None)
        level = decision["level"]
        decision.update(moves=self.env["account.move"].union(*(item.move for item in items)))
        decision["level"] = level.record if level else False
        if ladder:
            decision.update(scenario=ladder.scenario, due_dates={item.id: item.due_date for item in items})
        return decision

    @api.model
    def _get_live_customers(self, company, date, moves):
        """Snapshots of the customers of these open invoices, from their current records (one grouped read each)."""
        partners = moves.commercial_partner_id.with_company(company)
        credits = self._get_outstanding_credits(company, partners)
        scenarios_by_segment = self._get_scenarios_by_segment(company)
        settings = company._dunning_policy_settings()
        limits = self._get_amount_limits(company)
        unanswered = self.env["account.dunning.call"]._dunning_unanswered_counts(company, date, partners)
        items_by_partner = defaultdict(list)
        for item in self._get_live_items(date, moves).values():
            items_by_partner[item.move.commercial_partner_id.id].append(item)
        ladders = {}
        customers = []
        for partner in partners:
            scenario = partner.dunning_scenario_id or scenarios_by_segment.get(partner.dunning_segment or "new")
            if scenario.id not in ladders:
                ladders[scenario.id] = self._get_ladder(scenario)
            customers.append(
                DunningCustomer(
                    partner=partner,
                    items=items_by_partner[partner.id],
                    ladder=ladders[scenario.id],
                    segment=partner.dunning_segment or "new",
                    tolerance=self._get_tolerance(settings, partner),
                    stats=partner._dunning_stored_stats(),
                    settings=settings,
                    credit=credits.get(partner.id, 0.0),
                    excluded=partner.dunning_excluded,
                    limits=limits,
                    unanswered_calls=unanswered.get(partner.id, 0),
                )
            )
        return customers

    @api.model
    def _get_live_items(self, date, moves):
        """Snapshots of open invoices as they are now: {invoice id: DunningItem}."""
        due_dates = moves._dunning_open_due_dates()
        ranks = {level.id: self._get_level_rank(level) for level in moves.dunning_level_id}
        judgments = moves._dunning_proceedings_dates()
        time_barred = moves._dunning_time_barred_dates()
        return {
            move.id: self._get_live_item(
                date,
                move,
                due_dates[move.id],
                ranks,
                proceedings_date=judgments[move.id],
                time_barred_date=time_barred[move.id],
            )
            for move in moves
        }

    @api.model
    def _get_live_item(self, date, move, due_date, ranks, **values):
        """The snapshot of one open invoice as it is now (the rules on plain values: tools/rules.py)."""
        digits = move.currency_id.decimal_places
        # a promise ended by a follow-up is over (it stays on the invoice for the simulation)
        promise = not move.dunning_promise_ended_date and move.dunning_promise_date
        return DunningItem(
            id=move.id,
            move=move,
            due_date=due_date,
            residual=move.amount_residual_signed,
            amount=abs(move.amount_total_signed),
            level_rank=ranks.get(move.dunning_level_id.id, -1),
            settled=is_settled(
                move.amount_residual_signed, move.amount_residual, move.company_currency_id.decimal_places, digits
            ),
            disputed=move.dunning_dispute,
            litigation=move.dunning_litigation,
            in_payment=move.payment_state == "in_payment",
            promise_date=promise or None,
            promise_broken=promise_broken(
                promise,
                date,
                move.dunning_promise_amount,
                move.dunning_promise_residual,
                move.amount_residual,
                digits,
            ),
            paused_until=move.dunning_pause_until or None,
            no_followup=move.dunning_no_followup,
            **values,
        )

    @api.model
    def _get_amount_limits(self, company):
        """(minimum amount to follow up, rounding of the company currency) that the decision compares amounts with."""
        return company.dunning_min_amount, company.currency_id.rounding

    @api.model
    def _get_level_rank(self, level):
        """Position of a level in the ladder of its own scenario (-1 without level)."""
        if not level:
            return -1
        return level.scenario_id._get_ordered_levels().ids.index(level.id)

    @api.model
    def _get_tolerance(self, settings, partner):
        """The customer's personal tolerance; one never classified yet (no segment) gets the new-customer one."""
        if not partner.dunning_segment:
            return settings["new_days"]
        return partner.dunning_tolerance_days
