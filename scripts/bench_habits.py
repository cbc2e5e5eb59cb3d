"""Payment habits of the benchmark customers (scripts/bench_data.py): who pays when, invoice by invoice.

Each customer gets 24 invoices: 20 paid ones, about one a month over the past two years, then 4 open ones, two weeks
apart (terms: 60 days). A customer's habit decides each delay (days from the due date to the payment):

- punctual (30 %): on time or a few days early, now and then 1 to 3 days late;
- steady (22 %): always late by its own number of days (3 to 15), give or take a day;
- slow (8 %): always very late (20 to 45 days);
- erratic (15 %): anything from on time to 40 days late;
- occasional (10 %): on time, but one invoice in five 20 to 35 days late;
- going bad (8 %): on time, then later and later from some invoice on, and then no more payment: its 4 open
  invoices are long overdue, and half of these customers end in litigation (their oldest open invoice);
- seasonal (7 %): 2 days late, but 25 to 35 days late on the invoices due in July, August and December.

One invoice in eight is large (3 to 5 times the customer's usual amount); the customers who pay late anyway pay
their large invoices later still (approval takes longer). The open invoices are those the habit has not paid yet:
the first one falls due so that its planned payment comes after today.
"""

import random
from datetime import timedelta

HABITS = [
    ("punctual", 30),
    ("steady", 22),
    ("slow", 8),
    ("erratic", 15),
    ("occasional", 10),
    ("going_bad", 8),
    ("seasonal", 7),
]
PAID, OPEN = 20, 4
LATE_ANYWAY = {"steady", "slow", "seasonal"}


def habit_of(customer_index):
    """The habit of a customer, spread by the shares of HABITS over every block of 100 customers."""
    slot = (customer_index * 37) % 100
    for habit, share in HABITS:
        if slot < share:
            return habit
        slot -= share
    return HABITS[0][0]


class Customer:
    """The invoices of one benchmark customer: (due date, payment date or None, amount factor)."""

    def __init__(self, index, today, seed=7):
        self.rng = random.Random(seed * 100_003 + index)
        self.habit = habit_of(index)
        self.today = today
        self.base = self.rng.randint(3, 15) if self.habit == "steady" else self.rng.randint(20, 45)
        self.turn = self.rng.randint(8, 15)  # going bad: the first late invoice
        self.size = self.rng.uniform(0.5, 2.0)

    def delay(self, index, due, large):
        """Days late of the invoice `index` (negative: early)."""
        rng, habit = self.rng, self.habit
        if habit == "punctual":
            days = rng.randint(1, 3) if rng.random() < 0.1 else -rng.randint(0, 5)
        elif habit in ("steady", "slow"):
            days = self.base + rng.randint(-1, 1) if habit == "steady" else self.base + rng.randint(-3, 3)
        elif habit == "erratic":
            days = rng.randint(0, 40)
        elif habit == "occasional":
            days = rng.randint(20, 35) if rng.random() < 0.2 else -rng.randint(0, 3)
        elif habit == "going_bad":
            days = (index - self.turn + 1) * rng.randint(6, 10) if index >= self.turn else -rng.randint(0, 3)
        else:
            days = rng.randint(25, 35) if due.month in (7, 8, 12) else 2
        return days + rng.randint(8, 20) if large and habit in LATE_ANYWAY else days

    def invoices(self):
        """The 20 paid then 4 open invoices: [(due, pay or None, amount factor)], oldest first."""
        rng, today = self.rng, self.today
        large = [rng.random() < 0.125 for _index in range(PAID + OPEN)]
        factors = [self.size * (rng.uniform(3, 5) if big else rng.uniform(0.7, 1.3)) for big in large]
        if self.habit == "going_bad":
            first_open = today - timedelta(days=rng.randint(80, 100))
            open_dues = [first_open + timedelta(days=30 * step) for step in range(OPEN)]
        else:
            planned = self.delay(PAID, today, large[PAID])
            first_open = today - timedelta(days=planned - rng.randint(1, 15))
            open_dues = [first_open + timedelta(days=15 * step) for step in range(OPEN)]
        dues, due = [], first_open
        for _index in range(PAID):
            due -= timedelta(days=rng.randint(26, 34))
            dues.insert(0, due)
        rows = []
        for index, due in enumerate(dues):
            pay = due + timedelta(days=self.delay(index, due, large[index]))
            rows.append((due, min(pay, today - timedelta(days=1)), factors[index]))
        rows += [(due, None, factors[PAID + step]) for step, due in enumerate(open_dues)]
        return rows

    def litigation(self):
        """Whether the customer ends in litigation (half of those going bad)."""
        return self.habit == "going_bad" and self.rng.random() < 0.5
