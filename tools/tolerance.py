"""The risk curve of the personal tolerance (models/res_partner_tolerance.py), on plain lists.

A customer's paid invoices are counted by delay, capped at the "seriously late" delay L: ``histogram[d]`` invoices
were paid d days after their due date (``histogram[L]``: L days or later). Of its invoices still unpaid k days
after their due date (those paid later than k), the share that ended seriously late is its risk at day k. The
tolerance is the first day k whose risk reaches the policy's threshold, the company's own invoices standing in,
with a weight of a few invoices, where the customer's history is thin.
"""

from datetime import timedelta

#: risk of a day on which the company's history has no invoice still unpaid: chase (nothing says to wait)
NO_HISTORY_RISK = 1.0


def company_history_day(day):
    """The company's history weighs in as of the end of the previous month (the same prior for a whole month)."""
    return day.replace(day=1) - timedelta(days=1)


def delay_histogram(delays):
    """Counts of invoices by delay (the delays already capped at the seriously-late delay; negative ones as 0)."""
    histogram = []
    for delay in delays or ():
        delay = max(int(delay), 0)
        if delay >= len(histogram):
            histogram.extend([0] * (delay + 1 - len(histogram)))
        histogram[delay] += 1
    return histogram


def histogram_text(histogram):
    """A histogram as stored in a text field: "4,0,2,1"."""
    return ",".join(str(count) for count in histogram)


def parse_histogram(text):
    return [int(count) for count in text.split(",")] if text else []


def still_unpaid(histogram, late_days):
    """[invoices paid later than k days for k in 0..late_days - 1] and the invoices seriously late."""
    counts = [histogram[d] if d < len(histogram) else 0 for d in range(late_days + 1)]
    counts[late_days] += sum(histogram[late_days + 1 :])
    unpaid, later = [], 0
    for day in range(late_days, 0, -1):
        later += counts[day]
        unpaid.append(later)
    unpaid.reverse()
    return unpaid, counts[late_days]


def risk_curve(histogram, late_days):
    """The risk at each day k in 0..late_days - 1 from a history alone: seriously late / still unpaid (None where
    no invoice was still unpaid)."""
    unpaid, late = still_unpaid(histogram, late_days)
    return [late / count if count else None for count in unpaid]


def risk_tolerance(histogram, prior_curve, late_days, threshold, weight, cap):
    """The first day k (0 to the cap, and before the seriously-late delay) whose risk reaches the threshold, with
    the figures behind it: (k, seriously late, still unpaid, risk). The risk of day k is (late + weight x prior) /
    (unpaid + weight), where prior is the company's risk at k (prior_curve, NO_HISTORY_RISK where unknown)."""
    unpaid, late = still_unpaid(histogram, late_days)
    last = min(cap, late_days - 1)
    risk = 0.0
    for day in range(last + 1):
        prior = prior_curve[day] if day < len(prior_curve) and prior_curve[day] is not None else NO_HISTORY_RISK
        risk = (late + weight * prior) / (unpaid[day] + weight) if unpaid[day] + weight else prior
        if risk >= threshold:
            return day, late, unpaid[day], risk
    return max(last, 0), late, unpaid[max(last, 0)], risk
