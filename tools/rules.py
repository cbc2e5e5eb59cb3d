"""Rules of the follow-up run on plain values, called by the daily run (on the live records) and by the policy
simulation (on the state of a past day), so that each exists once.

Days: an event recorded on a day (a dispute, a promise, a customer's answer, a payment) is known from the morning
after; the run of a day decides on what was known that morning.
"""

from datetime import timedelta

ONE_DAY = timedelta(days=1)


def is_settled(residual, residual_currency, company_digits, currency_digits):
    """An invoice is settled when nothing is left to pay in its own currency or in the company's (an exchange
    difference not yet booked leaves a residual in one of them only)."""
    return round(residual_currency, currency_digits) == 0 or round(residual, company_digits) == 0


def compare_amounts(amount, other, rounding):
    """-1, 0 or 1 as an amount is below, equal to or above another to the currency's rounding: Odoo's float_compare
    for amounts already at the currency's precision (sums of them), at a fraction of its cost (the simulation
    compares them for every customer and day)."""
    steps = round((amount - other) / rounding)
    return (steps > 0) - (steps < 0)


def promise_broken(promise_date, date, promised_amount, due_at_promise, residual_now, digits):
    """A promise is broken once its date has passed without the promised amount (or, without amount, everything
    due when it was made) paid since."""
    if not promise_date or promise_date >= date:
        return False
    paid = due_at_promise - residual_now
    expected = promised_amount or due_at_promise
    return round(paid - expected, digits) < 0


def promise_ended_by_followup(promise_date, date):
    """A follow-up sent after the promised date ends the promise (a broken promise is answered by the follow-up)."""
    return bool(promise_date) and promise_date < date


def latest_pause(pauses, day):
    """The end of the pause known on a day (None without pause): pauses are (first day known, last day paused) of
    the payments the customer announced, in the order they were announced."""
    known = [until for start, until in pauses if start <= day]
    return known[-1] if known else None


def is_paused(paused_until, date):
    """An invoice whose payment the customer announced is not chased until the end of the pause."""
    return bool(paused_until) and paused_until >= date


def awaiting_answer(replies, day, pause_days):
    """Whether a customer's email reply waits for our answer on a day: one received in the last pause_days days
    (that day included) and not handled before that day. replies: (day received, day handled or None)."""
    start = day - timedelta(days=pause_days - 1)
    return any(start <= received <= day and (handled is None or handled >= day) for received, handled in replies)
