"""The collections desk (issue 20): the rank of a collector's tasks and the next working day of a call.

Plain Python shared by the task list (its SQL reads the weights from here) and the tests, which check the rule on
hand-computed figures.
"""

from datetime import date, timedelta

#: the kinds of a collector's tasks (My Work), in the order the desk lists them
TASK_KINDS = [
    ("failure", "Job failure"),
    ("call", "Call due"),
    ("answer", "Customer answer"),
    ("promise", "Broken promise"),
    ("dispute", "Dispute to decide"),
    ("validate", "Follow-up to validate"),
    ("letter", "Letter to post"),
    ("contact", "Contact to fix"),
]
#: how a collections call ended (the call form offers them)
CALL_OUTCOMES = [
    ("promise", "Reached: promise to pay"),
    ("dispute", "Reached: dispute"),
    ("no_answer", "No answer"),
    ("wrong_number", "Wrong number"),
]

#: risk weight of a customer's segment in the rank of its tasks (a segment not listed weighs 1)
RISK_WEIGHTS = {"good": 1.0, "new": 1.5, "occasional": 1.5, "risky": 2.0, "bad": 3.0}
#: the age of the oldest overdue invoice adds its days / AGE_DAYS to the age factor (30: a month late doubles it)
AGE_DAYS = 30.0
#: each promise the customer broke in the last BROKEN_PROMISE_WINDOW days adds BROKEN_PROMISE_WEIGHT to its factor
BROKEN_PROMISE_WEIGHT = 0.5
BROKEN_PROMISE_WINDOW = 365


def task_score(amount_overdue, segment, oldest_days, broken_promises):
    """Rank of a task: what is at stake for its customer.

    score = amount overdue (company currency) x risk weight of the segment x (1 + days of the oldest overdue
    invoice / 30) x (1 + 0.5 x promises broken in the last year). A customer owing nothing overdue scores 0; a
    job failure, which stops the run of a whole company, is ranked above every customer's task (see the view).
    """
    weight = RISK_WEIGHTS.get(segment or "new", 1.0)
    age = 1.0 + max(oldest_days or 0, 0) / AGE_DAYS
    promises = 1.0 + BROKEN_PROMISE_WEIGHT * (broken_promises or 0)
    return round(max(amount_overdue or 0.0, 0.0) * weight * age * promises, 2)


def next_working_day(day, works_on=None):
    """The first working day after `day`: Monday to Friday, or the days `works_on(day)` says (a company calendar
    with its public holidays); at most a year ahead."""
    works_on = works_on or (lambda candidate: candidate.weekday() < 5)
    candidate = day + timedelta(days=1)
    for _index in range(366):
        if works_on(candidate):
            return candidate
        candidate += timedelta(days=1)
    return day + timedelta(days=1)


def week_start(day):
    """Monday of the week of `day` (the workload counts the tasks done since then)."""
    return day - timedelta(days=day.weekday()) if isinstance(day, date) else day
