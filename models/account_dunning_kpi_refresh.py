import calendar
import json
from collections import defaultdict
from functools import partial

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round

from .account_dunning_kpi import BASE_FIELDS, COUNTBACK_MONTHS, KPI_LOCK_KEY


class AccountDunningKpi(models.Model):
    _inherit = "account.dunning.kpi"  # pylint: disable=consider-merging-classes-inherited

    # Reading the ledger (a fixed number of set-based queries per company) and rebuilding the rows.
    @api.model
    def _dunning_fetch_amounts(self, company, months):
        """Read the additive amounts per (month, partner) for the given month starts, in seven set-based queries.

        Returns ``(base, revenue)``: ``base[(month, partner_id)]`` is a dict of BASE_FIELDS
        (revenue excepted) and ``revenue[(month, partner_id)]`` the credit sales of every month
        from COUNTBACK_MONTHS before the first one to the last one (partner_id None: no partner).
        """
        for model in ("account.move.line", "account.move", "account.partial.reconcile", "account.account"):
            self.env[model].flush_model()
        first, last = months[0], months[-1]
        last_end = last + relativedelta(months=1, days=-1)
        cte = self._dunning_receivables_cte(company, first, last)
        base = defaultdict(lambda: dict.fromkeys(BASE_FIELDS, 0.0))
        revenue = self._dunning_fetch_revenue(cte, first - relativedelta(months=COUNTBACK_MONTHS), last_end)
        self._dunning_fetch_ar(cte, months, last_end, base)
        self._dunning_fetch_current_ar(cte, base)
        self._dunning_fetch_collections(cte, base)
        self._dunning_fetch_paid(cte, first, last_end, base)
        self._dunning_fetch_overdue_long(cte, base)
        self._dunning_fetch_formal_notices(cte, company, base)
        for (month, partner), amount in revenue.items():
            if month >= first:
                base[month, partner]["revenue"] = amount
        return base, revenue

    @api.model
    def _dunning_receivables_cte(self, company, first, last):
        """The common table expressions of the queries: the company's posted receivable items with their full-payment
        date, and the months measured."""
        return SQL(
            """
            WITH paid AS (
                SELECT pr.debit_move_id AS line_id, MAX(pr.max_date) AS full_date
                  FROM account_partial_reconcile pr
                 WHERE pr.company_id = %(company)s
                 GROUP BY pr.debit_move_id
            ),
            recv AS (
                SELECT line.id,
                       line.date,
                       line.date_maturity,
                       line.balance,
                       move.move_type,
                       COALESCE(partner.commercial_partner_id, line.partner_id) AS partner_id,
                       CASE WHEN line.reconciled THEN paid.full_date END AS full_date
                  FROM account_move_line line
                  JOIN account_account account ON account.id = line.account_id
                  JOIN account_move move ON move.id = line.move_id
             LEFT JOIN res_partner partner ON partner.id = line.partner_id
             LEFT JOIN paid ON paid.line_id = line.id
                 WHERE line.company_id = %(company)s
                   AND line.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
            ),
            months AS (
                SELECT m::date AS month_start, (m + interval '1 month' - interval '1 day')::date AS month_end
                  FROM generate_series(%(first)s::date, %(last)s::date, interval '1 month') AS m
            )
            """,
            company=company.id,
            first=first,
            last=last,
        )

    @api.model
    def _dunning_fetch_revenue(self, cte, history_start, last_end):
        """Credit sales incl. VAT per (month, partner): invoices and receipts minus credit notes, by accounting
        month, from the countback history's start."""
        revenue = defaultdict(float)
        cr = self.env.cr
        cr.execute(
            SQL(
                """%s
                SELECT date_trunc('month', r.date)::date, r.partner_id, SUM(r.balance)
                  FROM recv r
                 WHERE r.move_type IN ('out_invoice', 'out_receipt', 'out_refund')
                   AND r.date BETWEEN %s AND %s
                 GROUP BY 1, 2
                """,
                cte,
                history_start,
                last_end,
            )
        )
        for month, partner, amount in cr.fetchall():
            revenue[month, partner] = amount
        return revenue

    @api.model
    def _dunning_fetch_ar(self, cte, months, last_end, base):
        """AR: the balance before the first month, then each month's movement, cumulated into opening and closing AR."""
        first = months[0]
        cr = self.env.cr
        cr.execute(
            SQL(
                """%s
                SELECT CASE WHEN r.date < %s THEN NULL ELSE date_trunc('month', r.date)::date END,
                       r.partner_id, SUM(r.balance)
                  FROM recv r
                 WHERE r.date <= %s
                 GROUP BY 1, 2
                """,
                cte,
                first,
                last_end,
            )
        )
        opening, movements = defaultdict(float), defaultdict(float)
        for month, partner, amount in cr.fetchall():
            if month is None:
                opening[partner] += amount
            else:
                movements[month, partner] += amount
        partners = set(opening) | {partner for _month, partner in movements}
        for partner in partners:
            balance = opening[partner]
            for month in months:
                amounts = base[month, partner]
                amounts["opening_ar"] = balance
                balance += movements[month, partner]
                amounts["closing_ar"] = balance

    @api.model
    def _dunning_fetch_current_ar(self, cte, base):
        """Not-yet-due AR at each month end: debit items due later, still open that day."""
        self._dunning_fetch_open_debits(cte, base, "current_ar", SQL("r.date_maturity > mo.month_end"))

    @api.model
    def _dunning_fetch_open_debits(self, cte, base, key, due):
        """The debit items still open at each month end whose due date meets `due` (an SQL condition on
        r.date_maturity and mo.month_end), per month and customer, into base[month, partner][key]: one query."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """%s
                SELECT mo.month_start, r.partner_id, SUM(r.balance - COALESCE(settled.amount, 0))
                  FROM months mo
                  JOIN recv r ON r.balance > 0
                             AND r.date <= mo.month_end
                             AND %s
                             AND (r.full_date IS NULL OR r.full_date > mo.month_end)
             LEFT JOIN LATERAL (
                        SELECT SUM(pr.amount) AS amount
                          FROM account_partial_reconcile pr
                         WHERE pr.debit_move_id = r.id AND pr.max_date <= mo.month_end
                       ) settled ON TRUE
                 GROUP BY 1, 2
                """,
                cte,
                due,
            )
        )
        for month, partner, amount in cr.fetchall():
            base[month, partner][key] = amount

    @api.model
    def _dunning_fetch_collections(self, cte, base):
        """Collection rate: the overdue items open at the month's opening, and what was collected on them in the
        month (credit notes are not collections)."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """%s
                SELECT mo.month_start, r.partner_id,
                       SUM(r.balance - COALESCE(settled.amount, 0)),
                       SUM(COALESCE(collected.amount, 0))
                  FROM months mo
                  JOIN recv r ON r.balance > 0
                             AND r.date < mo.month_start
                             AND r.date_maturity < mo.month_start
                             AND (r.full_date IS NULL OR r.full_date >= mo.month_start)
             LEFT JOIN LATERAL (
                        SELECT SUM(pr.amount) AS amount
                          FROM account_partial_reconcile pr
                         WHERE pr.debit_move_id = r.id AND pr.max_date < mo.month_start
                       ) settled ON TRUE
             LEFT JOIN LATERAL (
                        SELECT SUM(pr.amount) AS amount
                          FROM account_partial_reconcile pr
                          JOIN account_move_line counterpart ON counterpart.id = pr.credit_move_id
                          JOIN account_move counter_move ON counter_move.id = counterpart.move_id
                         WHERE pr.debit_move_id = r.id
                           AND pr.max_date BETWEEN mo.month_start AND mo.month_end
                           AND counter_move.move_type != 'out_refund'
                       ) collected ON TRUE
                 WHERE r.balance - COALESCE(settled.amount, 0) > 0
                 GROUP BY 1, 2
                """,
                cte,
            )
        )
        for month, partner, overdue, collected in cr.fetchall():
            base[month, partner]["collection_base"] = overdue
            base[month, partner]["collected_amount"] = collected

    @api.model
    def _dunning_fetch_paid(self, cte, first, last_end, base):
        """Invoice instalments fully paid in the month: their amount and amount-weighted days late."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """%s
                SELECT date_trunc('month', r.full_date)::date, r.partner_id,
                       SUM(r.balance),
                       SUM(r.balance * GREATEST(r.full_date - r.date_maturity, 0)),
                       SUM(r.balance * (r.full_date - r.date_maturity))
                  FROM recv r
                 WHERE r.balance > 0
                   AND r.move_type IN ('out_invoice', 'out_receipt')
                   AND r.full_date BETWEEN %s AND %s
                 GROUP BY 1, 2
                """,
                cte,
                first,
                last_end,
            )
        )
        for month, partner, amount, late, signed in cr.fetchall():
            amounts = base[month, partner]
            amounts["paid_amount"] = amount
            amounts["paid_days_late_sum"] = late
            amounts["paid_days_signed_sum"] = signed

    # ------------------------------------------------------------------
    # Refresh
    # ------------------------------------------------------------------
    @api.model
    def _dunning_month_starts(self, date_from, date_to):
        """First days of the months from date_from's month to date_to's month, oldest first."""
        month = fields.Date.to_date(date_from).replace(day=1)
        end = fields.Date.to_date(date_to).replace(day=1)
        if month > end:
            raise UserError(self.env._("The first month to refresh must not be after the last one."))
        months = []
        while month <= end:
            months.append(month)
            month += relativedelta(months=1)
        return months

    @api.model
    def _dunning_refresh(self, company, date_from, date_to, amounts=None):
        """Rebuild the KPI rows of a company (whole company and each customer) for a range of months.

        ``amounts``: the ``(base, revenue)`` of _dunning_fetch_amounts() when already read for these months (or a
        range of months ending with them), as the scheduled job does once for the months it has left.
        """
        months = self._dunning_month_starts(date_from, date_to)
        # one rebuild of a month at a time per company (button, cron and queue jobs alike); the second waits, then
        # redoes it
        self.env.cr.execute(
            SQL(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s || ':' || month::text)) FROM unnest(%s::date[]) AS month",
                KPI_LOCK_KEY,
                str(company.id),
                months,
            )
        )
        base, revenue = amounts or self._dunning_fetch_amounts(company, months)
        return self._dunning_store_rows(company, months, self._dunning_kpi_rows(company, months, base, revenue))

    @api.model
    def _dunning_kpi_rows(self, company, months, base, revenue):
        """The values of the rows of these months: the whole company, then each customer with an amount."""
        wanted = set(months)
        totals = defaultdict(lambda: dict.fromkeys(BASE_FIELDS, 0.0))
        for (month, _partner), amounts in base.items():
            if month in wanted:
                for name, value in amounts.items():
                    totals[month][name] += value
        company_revenue = defaultdict(float)
        for (month, _partner), amount in revenue.items():
            company_revenue[month] += amount
        # (first day, days) of each month and the COUNTBACK_MONTHS before it, newest first
        backs = {
            month: [
                (start, calendar.monthrange(start.year, start.month)[1])
                for start in (month - relativedelta(months=back) for back in range(COUNTBACK_MONTHS + 1))
            ]
            for month in months
        }
        vals_list = [
            {
                "company_id": company.id,
                "date": month,
                "partner_id": None,
                **self._dunning_kpi_values(
                    totals[month], backs[month][0][1], [(company_revenue.get(s, 0.0), d) for s, d in backs[month]]
                ),
            }
            for month in months
        ]
        for (month, partner), amounts in base.items():
            if month not in wanted or partner is None or not any(amounts.values()):
                continue
            history = [(revenue.get((start, partner), 0.0), days) for start, days in backs[month]]
            vals_list.append(
                {
                    "company_id": company.id,
                    "date": month,
                    "partner_id": partner,
                    **self._dunning_kpi_values(amounts, backs[month][0][1], history),
                }
            )
        return vals_list

    @api.model
    def _dunning_store_rows(self, company, months, vals_list):
        """Replace the company's rows of these months by these values, then return them as records.

        Raw SQL for speed: one DELETE and one INSERT of tens of thousands of rows on a large ledger, where unlink()
        and create() would take minutes. The ORM is left as they leave it: the values converted as create() stores
        them, the magic columns set in the same statement, the caches invalidated, and the rows deleted and created
        marked modified (fields computed from the KPIs follow).
        """
        self.flush_model()
        # sudo: the rows of the company and months are all replaced, whatever the caller's record rules show
        replaced = self.sudo().search([("company_id", "=", company.id), ("date", "in", months)], order="id")
        replaced.modified(self._fields, before=True)
        self.env.cr.execute(
            SQL("DELETE FROM account_dunning_kpi WHERE company_id = %s AND date = ANY(%s::date[])", company.id, months)
        )
        if not vals_list:
            self.invalidate_model()
            return self.browse()
        names = list(vals_list[0])
        self._dunning_round_rows(company, vals_list)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO account_dunning_kpi (%(columns)s, create_uid, create_date, write_uid, write_date)
                SELECT %(columns)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM jsonb_to_recordset(%(rows)s::jsonb) AS v(%(types)s)
             RETURNING id
                """,
                columns=SQL(", ").join(SQL.identifier(name) for name in names),
                uid=self.env.uid,
                now=self.env.cr.now(),
                rows=json.dumps(vals_list, default=str),
                types=SQL(", ").join(
                    SQL("%s %s", SQL.identifier(name), SQL(self._fields[name].column_type[1])) for name in names
                ),
            )
        )
        self.invalidate_model()
        rows = self.browse([row[0] for row in self.env.cr.fetchall()])
        rows.modified(self._fields, create=True)
        return rows

    @api.model
    def _dunning_round_rows(self, company, vals_list):
        """Round the values as create() stores them: the amounts with the company's currency (Monetary fields), the
        figures with Odoo's half-up rounding to their digits (Float fields), not with Python's round()."""
        rounders = {}
        for name in vals_list[0]:
            field = self._fields[name]
            if field.type == "monetary":
                rounders[name] = company.currency_id.round
            elif field.type == "float" and field.get_digits(self.env):
                rounders[name] = partial(float_round, precision_digits=field.get_digits(self.env)[1])
        for vals in vals_list:
            for name, rounder in rounders.items():
                vals[name] = rounder(vals[name])
