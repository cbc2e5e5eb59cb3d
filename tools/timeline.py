"""One customer's timeline in a policy replay: the days where something happens, from the replay's trace.

Plain Python: the model (wizards/account_dunning_simulation_timeline.py) turns these events into lines with texts.
"""

from .replay_state import ONE_DAY, ReplayWatch

#: order of the events of one day
KIND_ORDER = ("payment", "late", "tolerance", "invoice_tolerance", "followup", "held", "real_followup")


class TimelineWatch(ReplayWatch):
    """A ReplayWatch that keeps with each day of the trace the statistics and settings the customer's tolerance was
    decided from, so that the timeline can tell why."""

    def record(self, day, policy_key, snapshot, decision, tolerances):
        result = super().record(day, policy_key, snapshot, decision, tolerances)
        if self.trace is not None:
            self.trace[-1]["stats"] = snapshot.stats
            self.trace[-1]["settings"] = snapshot.settings
        return result


def timeline_events(trace):
    """The events of one customer under one policy, from its trace (ReplayWatch.trace, in day order):

    - "tolerance": its segment or tolerance changed (the first day it is considered included);
    - "late": an invoice (its oldest open instalment) became late, dated the day after that due date;
    - "invoice_tolerance": a late invoice got a tolerance of its own (or back the customer's), with the reason code;
    - "followup": a follow-up sent (level id, invoices covered);
    - "held": a level reached but the follow-up held back (skip reason code), for how many days in a row.
    """
    events = []
    tolerance = held = None
    late, reasons = set(), {}
    for entry in trace:
        day = entry["day"]
        if (entry["segment"], entry["tolerance"]) != tolerance:
            tolerance = (entry["segment"], entry["tolerance"])
            events.append(dict(_base(entry, "tolerance"), stats=entry.get("stats"), settings=entry.get("settings")))
        for invoice_id, due, days_late, invoice_tolerance, reason in entry["invoices"]:
            if days_late <= 0:
                continue
            if (invoice_id, due) not in late:
                late.add((invoice_id, due))
                events.append(dict(_base(entry, "late"), day=due + ONE_DAY, invoice_ids=[invoice_id], due=due))
            if invoice_tolerance is not None and reasons.get(invoice_id, "") != reason:
                reasons[invoice_id] = reason
                event = dict(_base(entry, "invoice_tolerance"), invoice_ids=[invoice_id], code=reason)
                events.append(dict(event, days=invoice_tolerance))
        if entry["level_id"]:
            events.append(dict(_base(entry, "followup"), level_id=entry["level_id"], invoice_ids=entry["covered"]))
            held = None
        elif entry["reason"]:
            if held and held["code"] == entry["reason"] and held["until"] == day - ONE_DAY:
                held["until"] = day
            else:
                held = dict(_base(entry, "held"), code=entry["reason"], until=day)
                events.append(held)
        else:
            held = None
    return sorted(events, key=lambda event: (event["day"], KIND_ORDER.index(event["kind"])))


def _base(entry, kind):
    return {"day": entry["day"], "kind": kind, "segment": entry["segment"], "tolerance": entry["tolerance"]}
