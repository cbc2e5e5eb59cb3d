from odoo import api, models

from ..tools.rules import compare_amounts, is_paused
from ..tools.snapshot import DunningLadder, DunningLevel


class AccountDunningRun(models.AbstractModel):
    _inherit = "account.dunning.run"  # pylint: disable=consider-merging-classes-inherited

    # Decide: the rules of the follow-ups, on plain snapshots (tools/snapshot.py). The daily run builds them from
    # the live records (account_dunning_run.py), the policy simulation from a past day (account_dunning_replay.py):
    # both call _decide_partner, so the rules exist once.
    #
    # The ladder means what it says:
    # - a pre-due level (negative trigger: courtesy notice) is reached from due date + trigger until the day before
    #   the due date, whatever the customer's tolerance; it is never sent once the invoice is due;
    # - a post-due level is reached at due date + the invoice's tolerance + trigger, at the earliest the day after
    #   the due date (a reminder is about a late invoice);
    # - the interval of a post-due level counts from the customer's previous post-due follow-up (a courtesy notice
    #   does not push the first real reminder back); that of a pre-due level from its previous follow-up of any kind;
    # - a post-due follow-up covers the invoices past a post-due level only: an invoice still before its due date
    #   is not swept into a reminder (nor a formal notice) that would then count as its own.

    @api.model
    def _get_ladder(self, scenario):
        """The levels of a scenario as a ladder snapshot (None without scenario)."""
        if not scenario:
            return None
        levels = [
            DunningLevel(level.id, rank, level.trigger_days, level.interval_days, level.direct_entry, level)
            for rank, level in enumerate(scenario._get_ordered_levels())
        ]
        return DunningLadder(scenario, levels)

    @api.model
    def _new_history(self):
        """A customer's follow-up history before any follow-up; extensions add their keys here."""
        return {
            "last_date": False,
            "last_post_due_date": False,
            "pending": False,
            "today": False,
            "failed": {},
            "awaiting_answer": False,  # an email reply of the customer waits for our answer
        }

    @api.model
    def _decide_partner(self, company, date, customer, history):
        """Decide one customer's follow-up; returns a dict with a level, a skip reason, or neither.

        customer: a DunningCustomer snapshot; history: its entry of _get_history() (see _new_history()). The
        result holds the partner, the items covered (those that reached a level), their amount, the ladder, and
        the level (a DunningLevel) or the reason.
        """
        decision = {"partner": customer.partner, "items": [], "level": False, "reason": False}
        reason = self._get_customer_reason(customer, date)
        if reason:
            return dict(decision, reason=reason)
        ladder = customer.ladder
        if not ladder or not ladder.levels:
            return decision
        reached = {}
        followed = [item for item in customer.items if self._is_move_followed(item, date)]
        for item in followed:
            tolerance = self._get_item_tolerance(date, customer, item, followed)
            rank = self._get_reached_rank(ladder.levels, item.due_date, date, tolerance)
            if rank >= 0:
                reached[item.id] = rank
        if not reached:
            return decision
        items = [item for item in followed if item.id in reached]
        amount = sum(item.residual for item in items)
        decision.update(items=items, amount=amount, ladder=ladder, unanswered_calls=customer.unanswered_calls)
        reason = self._get_blocking_reason(company, history, amount, customer.credit) or self._get_amount_reason(
            customer, amount
        )
        if reason:
            return dict(decision, reason=reason)
        return self._decide_level(company, date, decision, ladder, reached, history, customer.settings)

    @api.model
    def _get_customer_reason(self, customer, date):
        """Why a customer is not followed up at all that day, whatever it owes, or False: excluded from follow-ups.
        Extend to leave out other customers (a DunningCustomer: customer.partner is its record)."""
        return "excluded" if customer.excluded else False

    @api.model
    def _is_move_followed(self, item, date):
        """An invoice is followed up unless disputed, in litigation, flagged "no follow-up", paid, under a running
        promise, paused because the customer announced its payment (as known that day), born before collective
        proceedings of its customer (from the judgment date) or time-barred.

        item: a DunningItem (the invoice as of the date; item.move is its record).
        """
        if item.disputed or item.litigation or item.in_payment or item.no_followup:
            return False
        if item.proceedings_date and item.proceedings_date <= date:
            return False  # Code de commerce L622-21: no action for a debt born before the opening judgment
        if item.time_barred_date and item.time_barred_date <= date:
            return False  # a time-barred invoice is no longer claimed
        if item.promise_date and item.promise_date >= date:
            return False
        if is_paused(item.paused_until, date):
            return False
        return not item.settled

    @api.model
    def _get_item_tolerance(self, date, customer, item, followed):
        """Days after its due date an invoice is left alone: the customer's tolerance as the predictor adjusts it
        for this invoice (not needed before the due date: pre-due levels ignore the tolerance)."""
        if date < item.due_date:
            return 0
        return customer.partner._dunning_invoice_tolerance(
            customer.settings, customer.stats, customer.tolerance, item, followed, date
        )[0]

    @api.model
    def _get_reached_rank(self, levels, due_date, date, tolerance):
        """Highest level reached by an invoice at the date (-1: none): a pre-due level from due date + trigger to
        the day before the due date, a post-due level from due date + tolerance + trigger but never on the due date
        itself (an invoice is late from the day after)."""
        days = (date - due_date).days
        reached = -1
        for level in levels:
            if level.pre_due:
                if level.trigger_days <= days < 0:
                    reached = level.rank
            elif days > 0 and level.trigger_days + tolerance <= days:
                reached = level.rank
        return reached

    @api.model
    def _get_target_rank(self, ladder, previous, reached):
        """Escalate one level at a time, unless a level between allows direct entry; once a post-due level is
        reached, the pre-due levels are skipped (a courtesy notice never goes after the due date)."""
        floor = previous + 1
        if not ladder.levels[reached].pre_due:
            floor = max(floor, ladder.first_post_due_rank)
        for rank in range(reached, floor, -1):
            if ladder.levels[rank].direct_entry:
                return rank
        return floor

    @api.model
    def _get_blocking_reason(self, company, history, amount, credit):
        """Why a customer with invoices past a level gets nothing today, or False (a customer whose reply waits for
        our answer gets no new follow-up)."""
        if history["today"]:
            return "already_done"
        if history["pending"]:
            return "pending"
        if history["awaiting_answer"]:
            return "awaiting_answer"
        return False

    @api.model
    def _get_amount_reason(self, customer, amount):
        """Too little due for a follow-up, or unreconciled payments and credit notes that cover it, or False."""
        minimum, rounding = customer.limits
        if compare_amounts(amount, minimum, rounding) < 0:
            return "below_minimum"
        if compare_amounts(customer.credit, amount, rounding) >= 0:
            return "to_reconcile"
        return False

    @api.model
    def _decide_level(self, company, date, decision, ladder, reached, history, settings):
        """The level to send: one up from the invoices' last level (or the direct-entry level reached), once its
        interval has passed; the current level again for an invoice that never had a reminder, once the policy's
        days for a newly late invoice have passed (at most the interval); one up at once after a broken promise, or
        when the call of the last follow-up went unanswered the company's maximum of attempts. A level whose
        follow-up keeps failing is retried on the same record until the company's maximum of attempts."""
        items = decision["items"]
        top = len(ladder.levels) - 1
        previous = max(min(item.level_rank, top) for item in items)
        broken_promise = any(item.promise_broken for item in items)
        calls_exhausted = self._are_calls_exhausted(company, decision.get("unanswered_calls", 0))
        if broken_promise or calls_exhausted:
            target = min(max(previous + 1, ladder.first_post_due_rank), top)
        else:
            highest = max(reached.values())
            if highest > previous:
                target = self._get_target_rank(ladder, previous, highest)
            elif self._has_unreminded_late_item(ladder, items, reached):
                target = previous
            else:
                return decision
            level = ladder.levels[target]
            last_date = history["last_date"] if level.pre_due else history["last_post_due_date"]
            gap = level.interval_days
            if target == previous:
                # a newly late invoice waits less for its first reminder than an escalation does
                gap = min(gap, settings["new_invoice_days"])
            if last_date and (date - last_date).days < gap:
                return dict(decision, reason="interval")
        level = ladder.levels[target]
        failed = history["failed"].get(level.id)
        if failed and failed.retry_count >= company.dunning_max_retries:
            return dict(decision, reason="failing")
        if not level.pre_due:
            # a reminder is about late invoices: those still before their due date wait for their own reminders
            items = [item for item in items if reached[item.id] >= ladder.first_post_due_rank or item.promise_broken]
            decision.update(items=items, amount=sum(item.residual for item in items))
        return dict(
            decision, level=level, broken_promise=broken_promise, calls_exhausted=calls_exhausted, retry_action=failed
        )

    @api.model
    def _are_calls_exhausted(self, company, unanswered_calls):
        """Whether the calls of a customer's last follow-up went unanswered as many times as the company allows
        (0: calls never escalate by themselves)."""
        if not unanswered_calls:
            return False
        attempts = company.dunning_call_max_attempts
        return bool(attempts) and unanswered_calls >= attempts

    @api.model
    def _has_unreminded_late_item(self, ladder, items, reached):
        """Whether an invoice past a post-due level never had a reminder while its customer is already further up
        the ladder: it gets the customer's current level again (else it would wait for the older invoices)."""
        first = ladder.first_post_due_rank
        return any(reached[item.id] >= first > item.level_rank for item in items)

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
            "awaiting_answer": self.env._("The customer replied: awaiting our answer (mark the reply handled)"),
        }
