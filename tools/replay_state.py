"""The state of a policy replay, day by day (account_dunning_replay.py): invoices, customers and the figures.

Plain Python on purpose: a year of days times thousands of customers must stay fast. The decisions themselves are
made by account.dunning.run._decide_partner on the snapshots (DunningItem) kept here.
"""

from collections import Counter
from datetime import timedelta

from .limitation import time_barred_date
from .rules import is_settled, latest_pause, promise_broken, promise_ended_by_followup
from .snapshot import DunningItem
from .tolerance import risk_curve

ONE_DAY = timedelta(days=1)
WASTED_DAYS = 3  # a reminder followed by the payment within these days was not needed
LATE_DAYS = 15  # the invoices ending this late or later are those a policy must chase early
NO_INCIDENT = {"dispute_count": 0, "formal_notice_count": 0, "last_dispute_date": None}
#: an invoice younger than this cannot be time-barred yet (the shortest limitation is 2 years: tools/limitation.py)
LIMITATION_CHECK = timedelta(days=700)


class ReplayInvoice:
    """An invoice of the replay: its instalments' residuals, its real events and outcome, and its snapshot."""

    __slots__ = (
        "born",
        "dispute",
        "due",
        "item",
        "last_claim",
        "last_due",
        "last_payment",
        "lines",
        "litigation",
        "no_followup",
        "paid_date",
        "partner_id",
        "pauses",
        "promise",
        "rounding",
    )

    def __init__(self, row, move):
        self.partner_id = row.partner_id
        self.lines = []  # [maturity, residual (company currency), residual (invoice currency)]
        self.rounding = (row.company_digits, row.currency_digits)
        self.due = None  # due date of its first instalment
        self.paid_date = None  # day it was fully paid, if it was by the end of the period
        self.dispute = None  # (first day out of the follow-ups, first day back) as recorded
        self.no_followup = None  # (first day flagged "no follow-up", first day back) as recorded
        self.promise = None  # (first day it counts, promised date, promised amount, amount due at the promise)
        self.pauses = []  # (first day known, last day paused) of the payments the customer announced
        self.born = row.invoice_date or row.date  # the day the debt was born
        self.last_due = row.invoice_date_due or self.born  # its last instalment's due date
        self.last_payment = None  # day of the last payment received on it (credit notes left out)
        self.last_claim = None  # day of its last follow-up in the replay
        self.litigation = bool(row.dunning_litigation)  # in litigation today: the real outcome
        self.item = DunningItem(id=row.move_id, move=move, due_date=None, residual=0.0, amount=float(row.amount))

    def add_line(self, maturity, balance, amount_currency):
        self.lines.append([maturity, balance, amount_currency])
        self.due = min(self.due or maturity, maturity)

    def settle(self, index, amount, amount_currency, payment_day=None):
        """A partial reconciliation of one instalment (payment_day: the day of a payment, None for a credit note)."""
        if payment_day:
            self.last_payment = max(self.last_payment or payment_day, payment_day)
        line = self.lines[index]
        line[1] = round(line[1] - amount, self.rounding[0])
        line[2] = round(line[2] - amount_currency, self.rounding[1])

    def refresh(self):
        """Bring the snapshot up to date with the instalments: amount due, oldest open due date, settled."""
        item = self.item
        open_lines = [line for line in self.lines if line[1] or line[2]]
        item.residual = round(sum(line[1] for line in self.lines), self.rounding[0])
        item.settled = is_settled(item.residual, sum(line[2] for line in self.lines), *self.rounding)
        item.due_date = min((line[0] for line in open_lines), default=self.due)

    def as_of(self, day, customer):
        """The snapshot as of the morning of a day: disputed, flagged "no follow-up", promised and paused as recorded
        before that day; born before the customer's collective proceedings known that day; its limitation from the
        payments and follow-ups of the days before."""
        item = self.item
        proceedings = customer.proceedings
        if proceedings and proceedings[0] <= day and self.born < proceedings[1]:
            item.proceedings_date = proceedings[1]
        if day >= self.born + LIMITATION_CHECK:
            item.time_barred_date = time_barred_date(
                customer.debtor_type, self.born, self.last_due, self.last_payment, self.last_claim
            )
        if self.dispute:
            item.disputed = self.dispute[0] <= day and (self.dispute[1] is None or day < self.dispute[1])
        if self.no_followup:
            start, end = self.no_followup
            item.no_followup = start <= day and (end is None or day < end)
        if self.promise and self.promise[0] <= day:
            _start, promised, amount, due_then = self.promise
            item.promise_date = promised
            residual = sum(line[2] for line in self.lines)
            item.promise_broken = promise_broken(promised, day, amount, due_then, residual, self.rounding[1])
        if self.pauses:
            item.paused_until = latest_pause(self.pauses, day)
        return item

    def clear_promise(self, day):
        """A follow-up sent after the promised date ends the promise (as account.dunning.run._record_sent)."""
        if self.promise and self.promise[0] <= day and promise_ended_by_followup(self.promise[1], day):
            self.promise = None
            self.item.promise_date = None
            self.item.promise_broken = False


class ReplayCustomer:
    """A customer of the replay: its open invoices, outstanding credit, follow-up history and formal notices."""

    __slots__ = (
        "credit",
        "debtor_type",
        "disputes",
        "earliest",
        "excluded",
        "history",
        "memo",
        "notices",
        "open",
        "override",
        "paid",
        "paid_in",
        "paid_out",
        "paid_stats",
        "partner",
        "partner_id",
        "proceedings",
        "replies",
        "scenario_id",
    )

    def __init__(self, partner, history, info):
        self.partner = partner
        self.partner_id = partner.id
        self.open = {}  # invoice id -> ReplayInvoice
        self.credit = 0.0
        self.history = history
        self.notices = []  # days of its formal notices
        self.disputes = []  # days it disputed an invoice
        self.replies = []  # (day received, day handled or None) of its email replies
        self.paid = []  # its paid invoices (tools/stats.py, PaidInvoice), in payment order
        self.paid_in = self.paid_out = 0  # first paid invoice not yet known, first still in the window
        self.paid_stats = None  # the figures of the paid invoices of its window (set on its first day)
        self.memo = {}  # what res.partner._dunning_classify() keeps from one day to the next
        self.proceedings = None  # (first day known, judgment date) of its collective proceedings
        self.debtor_type = False
        self.excluded, self.scenario_id, self.override = info
        self.earliest = None  # oldest due date of its open invoices (None: none open)

    def advance_paid(self, day, window):
        """Move the window of its paid invoices to the morning of a day (the statistics as of the day before);
        True when it changed."""
        paid, changed = self.paid, False
        while self.paid_in < len(paid) and paid[self.paid_in].paid_date < day:
            self.paid_in += 1
            changed = True
        while self.paid_out < self.paid_in and paid[self.paid_out].paid_date + window < day:
            self.paid_out += 1
            changed = True
        return changed

    def paid_window(self):
        return self.paid[self.paid_out : self.paid_in]

    def refresh_earliest(self):
        """Keep the oldest due date of the open invoices (they change only with the day's events)."""
        self.earliest = min((invoice.item.due_date for invoice in self.open.values()), default=None)

    def overdue(self, day):
        """Open amount past due and age of the oldest overdue instalment on the morning of a day."""
        amount, oldest = 0.0, None
        for invoice in self.open.values():
            for maturity, residual, _residual_currency in invoice.lines:
                if maturity < day and residual > 0:
                    amount += residual
                    oldest = min(oldest or maturity, maturity)
        return round(amount, 2), (day - oldest).days if oldest else 0

    def incidents(self, day, window):
        """Disputes and formal notices of the window as of the day before (what is known on the morning)."""
        if not self.disputes and not self.notices:
            return NO_INCIDENT
        as_of = day - ONE_DAY
        start = as_of - timedelta(days=window)
        disputes = [when for when in self.disputes if start < when <= as_of]
        return {
            "dispute_count": len(disputes),
            "formal_notice_count": sum(1 for when in self.notices if start < when <= as_of),
            "last_dispute_date": max(disputes, default=None),
        }


class CompanyDelays:
    """The company's paid invoices counted by delay as of the day before each replayed day (what the nightly job
    reads that morning), kept day by day from every payment of the company, and its risk curve."""

    def __init__(self, paid, window, late_days):
        self.paid = [(day, min(delay, late_days)) for day, delay in paid]  # [(payment day, capped delay)], in order
        self.window = timedelta(days=window)
        self.late_days = late_days
        self.histogram = [0] * (late_days + 1)
        self.next_in = self.next_out = 0  # first payment not yet counted, first not yet out of the window
        self.curve = risk_curve(self.histogram, late_days)

    def advance(self, day):
        """Move to the morning of a day: payments up to the day before counted, those out of the window removed
        (the replay moves it to the first day of each month: tools/tolerance.py, company_history_day())."""
        changed = False
        while self.next_in < len(self.paid) and self.paid[self.next_in][0] < day:
            self.histogram[self.paid[self.next_in][1]] += 1
            self.next_in += 1
            changed = True
        while self.next_out < self.next_in and self.paid[self.next_out][0] + self.window < day:
            self.histogram[self.paid[self.next_out][1]] -= 1
            self.next_out += 1
            changed = True
        if changed:
            self.curve = risk_curve(self.histogram, self.late_days)
        return self.curve


class ReplayWatch:
    """What a caller follows during a replay: its progress day by day, and the decisions about some customers.

    progress(done_days, total_days) is called every `every` days and on the last one. For the customers of
    `partner_ids` (all of them when None), record() keeps each day's snapshot and decision in `trace`.
    """

    def __init__(self, partner_ids=None, progress=None, every=30, trace=False):
        self.partner_ids = set(partner_ids) if partner_ids is not None else None
        self.progress = progress
        self.every = every
        self.trace = [] if trace else None

    def only(self, customers):
        """The customers to replay: those watched when the replay is limited to them."""
        if self.partner_ids is None:
            return customers
        return {partner_id: customer for partner_id, customer in customers.items() if partner_id in self.partner_ids}

    def day_done(self, done, total):
        if self.progress and (done % self.every == 0 or done == total):
            self.progress(done, total)

    def record(self, day, policy_key, snapshot, decision, tolerances):
        """One customer on one day: its segment and tolerance, each open invoice (its own tolerance and why), and
        what was decided (a level, a reason to wait, or nothing yet)."""
        if self.trace is not None:
            self.trace.append(
                {
                    "day": day,
                    "policy": policy_key,
                    "partner_id": snapshot.partner.id,
                    "segment": snapshot.segment,
                    "tolerance": snapshot.tolerance,
                    "invoices": [
                        (item.id, item.due_date, (day - item.due_date).days, *tolerances.get(item.id, (None, "")))
                        for item in snapshot.items
                    ],
                    "level_id": decision["level"].id if decision.get("level") else False,
                    "covered": [item.id for item in decision.get("items", ())] if decision.get("level") else [],
                    "reason": decision.get("reason") or "",
                }
            )


class ReplayFigures:
    """What a policy did during the period: follow-ups per level and channel, invoices reminded, wasted reminders,
    wait of the invoices that ended late, formal notices."""

    def __init__(self, date_from, date_to, levels):
        self.date_from, self.date_to = date_from, date_to
        self.levels = levels  # level id -> {label, channels, formal, to_litigation}
        self.by_level = Counter()
        self.lines = Counter()  # (month, level id, channel) -> follow-ups
        self.first_reminder = {}  # invoice id -> day of its first follow-up on or after its due date
        self.wasted = Counter()  # invoice id -> its follow-ups followed by its full payment within WASTED_DAYS
        self.invoices = []  # the replay's invoices (ReplayInvoice), set by the replay
        self.notices = Counter()  # partner id -> formal notices
        self.first_notice = {}  # invoice id -> day of the first formal notice covering it
        self.log = []  # (day, partner id, level id, invoice ids) of each follow-up of the period

    def record(self, day, partner_id, level_id, invoices):
        """One follow-up sent (counted from the first day of the period)."""
        if day < self.date_from:
            return
        info = self.levels[level_id]
        self.log.append((day, partner_id, level_id, tuple(invoice.item.id for invoice in invoices)))
        self.by_level[level_id] += 1
        for channel in info["channels"] or ("none",):
            self.lines[(day.replace(day=1), level_id, channel)] += 1
        if info["formal"]:
            self.notices[partner_id] += 1
        for invoice in invoices:
            if info["formal"]:
                self.first_notice.setdefault(invoice.item.id, day)
            if day < invoice.due:
                continue
            self.first_reminder.setdefault(invoice.item.id, day)
            if invoice.paid_date and 0 <= (invoice.paid_date - day).days <= WASTED_DAYS:
                self.wasted[invoice.item.id] += 1

    def result(self, invoices):
        """The figures as a dict (doc/simulation.md); the figures of invoices count these invoices only."""
        invoices = list(invoices)
        ids = {invoice.item.id for invoice in invoices}
        waits = sorted(self._waits(invoices))
        by_channel = Counter()
        for (_month, _level, channel), count in self.lines.items():
            by_channel[channel] += count
        litigation = self._litigation(invoices)
        return {
            "followups": sum(self.by_level.values()),
            "by_level": {self.levels[level]["label"]: count for level, count in sorted(self.by_level.items())},
            "by_channel": {channel: by_channel[channel] for channel in ("email", "sms", "letter", "phone")},
            "formal_notices": sum(self.notices.values()),
            "invoices_reminded": len(ids & self.first_reminder.keys()),
            "wasted_reminders": sum(count for invoice_id, count in self.wasted.items() if invoice_id in ids),
            "late_invoices": len(waits),
            "wait_mean": round(sum(waits) / len(waits), 2) if waits else None,
            "wait_p90": round(percentile(waits, 0.9), 2) if waits else None,
            **litigation,
        }

    def _waits(self, invoices):
        """Days from the due date to the first follow-up of the invoices due in the period that ended 15 days late
        or more (paid that late, or still open that late at the end); never followed up: the whole delay."""
        for invoice in invoices:
            if not self.date_from <= invoice.due <= self.date_to:
                continue
            end = invoice.paid_date if invoice.paid_date else self.date_to
            if (end - invoice.due).days < LATE_DAYS:
                continue
            reminded = self.first_reminder.get(invoice.item.id)
            yield ((reminded or end) - invoice.due).days

    def _litigation(self, invoices):
        """Customers ending in litigation (an invoice in litigation today): days from the due date of their oldest
        such invoice to the first formal notice covering it."""
        oldest = {}
        for invoice in sorted((invoice for invoice in invoices if invoice.litigation), key=lambda inv: inv.due):
            oldest.setdefault(invoice.partner_id, invoice)
        delays = [
            (self.first_notice[invoice.item.id] - invoice.due).days
            for invoice in oldest.values()
            if invoice.item.id in self.first_notice
        ]
        return {
            "litigation_customers": len(oldest),
            "litigation_notified": len(delays),
            "litigation_notice_days": round(sum(delays) / len(delays), 2) if delays else None,
        }


def percentile(values, share):
    """Percentile of sorted values by linear interpolation between the closest ranks (PostgreSQL's
    PERCENTILE_CONT)."""
    position = (len(values) - 1) * share
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)
