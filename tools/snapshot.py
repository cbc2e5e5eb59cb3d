"""Plain snapshots read by the follow-up decision (account_dunning_run.py).

The daily run builds them from the live records, the policy simulation from the state of a past day: both then
call the same decision methods on the same kind of inputs, so the rules exist once.
"""

from dataclasses import dataclass, field
from datetime import date


@dataclass(slots=True)
class DunningLevel:
    """One level of a ladder: its rank in the ladder, trigger and interval, and the record the run acts with."""

    id: int
    rank: int
    trigger_days: int
    interval_days: int
    direct_entry: bool
    record: object  # account.dunning.level
    pre_due: bool = field(init=False)  # a negative trigger: a courtesy notice about the coming due date

    def __post_init__(self):
        self.pre_due = self.trigger_days < 0


@dataclass(slots=True)
class DunningLadder:
    """The levels of a scenario in escalation order."""

    scenario: object  # account.dunning.scenario
    levels: list

    @property
    def first_post_due_rank(self):
        """Rank of the first level sent after the due date (len(levels) when there is none)."""
        return next((level.rank for level in self.levels if not level.pre_due), len(self.levels))


@dataclass(slots=True)
class DunningItem:
    """An open customer invoice as of the decision date.

    ``move`` is the account.move record: extensions reading more of the invoice read it there (the live values,
    also in a simulation of the past).
    """

    id: int
    move: object
    due_date: date  # due date of its oldest open instalment
    residual: float  # amount still due, company currency
    amount: float  # invoice total, company currency
    level_rank: int = -1  # rank of its last follow-up level in that level's ladder (-1: none)
    settled: bool = False  # nothing left to pay, in the invoice or the company currency (tools/rules.py)
    disputed: bool = False
    litigation: bool = False
    in_payment: bool = False
    promise_date: date | None = None
    promise_broken: bool = False  # the promised date passed without the promised amount paid
    paused_until: date | None = None  # the customer announced its payment: not chased until then
    # judgment opening collective proceedings against the customer, when the invoice is dated before it: from that
    # day the invoice is no longer followed up (Code de commerce L622-21); None otherwise
    proceedings_date: date | None = None
    # first day the invoice is time-barred (Code de la consommation L218-2, Code de commerce L110-4, ...): from that
    # day it is no longer followed up; None without a date to count from
    time_barred_date: date | None = None
    # flagged "no follow-up" (a credit note under negotiation, a disputed delivery): out of the chase, still counted
    # in the statistics; as of a past day: flagged on or before that day and not lifted by then
    no_followup: bool = False


@dataclass(slots=True)
class DunningCustomer:
    """A customer as the decision sees it: its open invoices, its tolerance and the ladder that applies."""

    partner: object  # res.partner (commercial partner)
    items: list
    ladder: DunningLadder | None
    segment: str
    tolerance: int  # the customer's own tolerance (days after the due date)
    stats: dict  # payment statistics the tolerance predictor reads
    settings: dict  # tolerance settings of the policy (res.company._dunning_policy_settings())
    credit: float = 0.0  # unreconciled payments and credit notes, company currency
    excluded: bool = False
    limits: tuple = (0.0, 0.01)  # the company's minimum amount to follow up and its currency's rounding
    # calls of its latest follow-up that ended "no answer", logged on or before the day: at the company's maximum
    # of attempts the customer goes one level up at once (account.dunning.call)
    unanswered_calls: int = 0
