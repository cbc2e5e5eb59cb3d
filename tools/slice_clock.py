"""The time budget of a run of a sliced job (models/account_dunning_job_slice.py)."""

import time
import weakref
from contextlib import contextmanager

#: per cursor of Odoo's cron runner: the start of the run and the slices done. The runner calls a job up to ten
#: times in a row on one cursor, all within one worker's time limit, so the time budget counts from the first call.
_RUNS = weakref.WeakKeyDictionary()


class SliceClock:
    """The time budget of a run of a job: spent once the time used plus the longest slice seen would exceed it.
    Without a budget (direct calls) it is never spent; a run always does at least one slice."""

    def __init__(self, budget, run):
        self.budget = budget
        self.run = run
        run.setdefault("start", time.monotonic())
        run.setdefault("slices", 0)
        run.setdefault("longest", 0.0)

    def spent(self):
        if self.budget is None or not self.run["slices"]:
            return False
        return time.monotonic() - self.run["start"] + self.run["longest"] > self.budget

    @contextmanager
    def measure(self):
        started = time.monotonic()
        try:
            yield
        finally:
            self.run["slices"] += 1
            self.run["longest"] = max(self.run["longest"], time.monotonic() - started)


def run_of(cr):
    """The run (start, slices done, longest slice) of the job called on this cursor by the cron runner."""
    return _RUNS.setdefault(cr, {})
