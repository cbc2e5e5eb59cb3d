"""Limitation of a customer invoice (prescription), as a pure function: the daily run and a replay of the past both
call it, the replay with the payments and follow-ups known on the day it replays."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


def time_barred_date(debtor_type, invoice_date, due_date, last_payment=None, last_claim=None):
    """The first day an invoice is time-barred, or None without a date to count from.

    - consumer: 2 years from the invoice date (Code de la consommation L218-2);
    - public buyer: 4 years from 1 January of the year after its due date, a payment or a written claim (a follow-up
      sent) starting them again (loi n° 68-1250 du 31 décembre 1968, articles 1 and 2);
    - any other debtor: 5 years from its due date (Code de commerce L110-4, Code civil 2224).
    A payment received acknowledges the debt and starts the period again (Code civil 2240). A period of N years
    from day D ends with the day D + N years: the invoice is time-barred from the day after.
    """
    start = invoice_date if debtor_type == "consumer" else due_date
    if not start:
        return None
    start = max(start, last_payment or start)
    if debtor_type == "public":
        return date(max(start, last_claim or start).year + 5, 1, 1)
    return start + relativedelta(years=2 if debtor_type == "consumer" else 5) + timedelta(days=1)
