"""The payment statistics of one customer from its paid invoices, on plain values.

The nightly job, the refresh when an invoice is paid and the policy simulation load the paid invoices set-based
(models/res_partner_payment_stats_sql.py) and all compute the statistics here, so that they are computed once.
"""

from dataclasses import dataclass
from datetime import date
from math import sqrt


@dataclass(slots=True, frozen=True)
class PaidInvoice:
    """A customer invoice fully paid: days from its (last) due date to its full payment (0 when early)."""

    move_id: int
    due_date: date
    paid_date: date
    days: int
    weight: float  # its amount, company currency


def percentile(values, share):
    """Percentile of sorted values by linear interpolation between the closest ranks (PostgreSQL's
    PERCENTILE_CONT)."""
    position = (len(values) - 1) * share
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def paid_stats(invoices, grace_days, late_days):
    """Statistics of the paid invoices of a window (PaidInvoice, any order), or None without any.

    count; delay_avg (weighted by the amounts, plain average when they are all zero); delay_median and delay_p75;
    delay_max; late_count (paid more than grace_days late); delay_stddev (population); delay_trend (average delay
    of the newer half minus that of the older half, by due date); amount_avg; delay_last_1..3 (newest first) and
    late_delays (each delay capped at the seriously-late delay).
    """
    if not invoices:
        return None
    newest_first = sorted(invoices, key=lambda invoice: (invoice.due_date, invoice.move_id), reverse=True)
    days = [invoice.days for invoice in newest_first]
    count = len(days)
    ordered = sorted(days)
    total_weight = sum(invoice.weight for invoice in invoices)
    mean = sum(days) / count
    half = count // 2
    trend = sum(days[:half]) / half - sum(days[count - half :]) / half if half else 0.0
    return {
        "count": count,
        "delay_avg": (
            sum(invoice.weight * invoice.days for invoice in invoices) / total_weight if total_weight else mean
        ),
        "delay_median": percentile(ordered, 0.5),
        "delay_p75": percentile(ordered, 0.75),
        "delay_max": ordered[-1],
        "late_count": sum(1 for delay in days if delay > grace_days),
        "delay_stddev": sqrt(sum((delay - mean) ** 2 for delay in days) / count),
        "delay_trend": trend,
        "amount_avg": total_weight / count,
        "delay_last_1": days[0],
        "delay_last_2": days[1] if count > 1 else None,
        "delay_last_3": days[2] if count > 2 else None,
        "late_delays": [min(delay, late_days) for delay in days],
    }
