from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # The SQL queries of the payment statistics: one pass per company, no query per customer.

    def _dunning_flush_accounting(self):
        """The statistics read invoices, journal items and reconciliations with SQL: flush them first."""
        self.env["account.move"].flush_model(
            [
                "company_id",
                "move_type",
                "state",
                "commercial_partner_id",
                "amount_total_signed",
                "date",
                "payment_state",
                "dunning_dispute_date",
            ]
        )
        self.env["account.move.line"].flush_model(
            ["move_id", "account_id", "currency_id", "amount_currency", "balance", "date_maturity"]
        )
        self.env["account.partial.reconcile"].flush_model(
            [
                "debit_move_id",
                "credit_move_id",
                "amount",
                "debit_amount_currency",
                "credit_amount_currency",
                "max_date",
            ]
        )

    @api.model
    def _dunning_partner_filter(self, column, partner_ids):
        """SQL condition restricting a statistics query to some customers (None: every customer)."""
        if partner_ids is None:
            return SQL("TRUE")
        return SQL("%s = ANY(%s)", column, list(partner_ids))

    @api.model
    def _dunning_paid_invoice_stats(self, company, as_of, partner_ids, settings):
        """Statistics of the out_invoices fully paid (by partials dated <= as_of) inside the window, per partner.

        An invoice is paid as of D when the partials dated up to D clear each of its receivable lines in the
        line's currency (exchange-difference partials, which move no foreign amount, neither clear nor date it).
        Its full-payment date is the latest such partial; its due date is its last instalment's due date.
        """
        points = SQL(
            "SELECT DISTINCT partner_id, %(as_of)s::date AS as_of FROM paid_invoice "
            "WHERE paid_date > %(as_of)s::date - %(window)s AND paid_date <= %(as_of)s",
            as_of=as_of,
            window=settings["window_days"],
        )
        query = self._dunning_paid_stats_query(company, as_of, partner_ids, settings, points)
        return {row["partner_id"]: row for row in self.env.execute_query_dict(query)}

    @api.model
    def _dunning_paid_invoice_stats_series(self, company, date_from, date_to, settings, partner_ids=None):
        """The same statistics for every customer of the company as of each day from date_from to date_to, in one
        query: {date: {partner id: row}} at the days they change (an invoice paid, or leaving the window), plus
        date_from; between two such days they stay the same. A customer left with nothing in its window gets a
        row with count 0. The policy simulation reads each day's statistics from it.
        """
        points = SQL(
            """
            SELECT DISTINCT partner_id, GREATEST(change, %(date_from)s::date) AS as_of
              FROM (SELECT partner_id, paid_date AS change FROM paid_invoice
                     UNION ALL
                    SELECT partner_id, paid_date + %(window)s FROM paid_invoice) changes
             WHERE change <= %(date_to)s
            """,
            date_from=date_from,
            date_to=date_to,
            window=settings["window_days"],
        )
        query = self._dunning_paid_stats_query(company, date_to, partner_ids, settings, points)
        series = defaultdict(dict)
        for row in self.env.execute_query_dict(query):
            series[row["as_of"]][row["partner_id"]] = row
        return series

    @api.model
    def _dunning_paid_invoices_sql(self, company, until, partner_ids):
        """WITH clauses ending in paid_invoice(partner_id, move_id, weight, days, due_date, paid_date): the invoices
        fully paid by partials dated up to `until`, with their delay."""
        return SQL(
            """
            inv_line AS (
                SELECT aml.id, aml.move_id, aml.amount_currency, aml.date_maturity, cur.decimal_places
                  FROM account_move m
                  JOIN account_move_line aml ON aml.move_id = m.id
                  JOIN account_account acc ON acc.id = aml.account_id
                  JOIN res_currency cur ON cur.id = aml.currency_id
                 WHERE m.company_id = %(company)s
                   AND m.move_type = 'out_invoice'
                   AND m.state = 'posted'
                   AND %(partner_filter)s
                   AND m.date <= %(until)s
                   AND acc.account_type = 'asset_receivable'
            ),
            matched AS (
                SELECT l.id AS line_id, p.debit_amount_currency AS amount_currency, p.max_date,
                       p.debit_amount_currency != 0 AS moves_currency
                  FROM inv_line l
                  JOIN account_partial_reconcile p ON p.debit_move_id = l.id
                 WHERE p.max_date <= %(until)s
                 UNION ALL
                SELECT l.id, -p.credit_amount_currency, p.max_date, p.credit_amount_currency != 0
                  FROM inv_line l
                  JOIN account_partial_reconcile p ON p.credit_move_id = l.id
                 WHERE p.max_date <= %(until)s
            ),
            line_state AS (
                SELECT l.move_id, l.date_maturity,
                       ROUND(l.amount_currency - COALESCE(SUM(mt.amount_currency), 0), l.decimal_places) AS residual,
                       MAX(mt.max_date) FILTER (WHERE mt.moves_currency) AS paid_date
                  FROM inv_line l
                  LEFT JOIN matched mt ON mt.line_id = l.id
                 GROUP BY l.id, l.move_id, l.date_maturity, l.amount_currency, l.decimal_places
            ),
            paid AS (
                SELECT move_id, MAX(date_maturity) AS due_date, MAX(paid_date) AS paid_date
                  FROM line_state
                 GROUP BY move_id
                HAVING BOOL_AND(residual = 0)
            ),
            paid_invoice AS (
                SELECT m.commercial_partner_id AS partner_id, m.id AS move_id, ABS(m.amount_total_signed) AS weight,
                       GREATEST(p.paid_date - p.due_date, 0) AS days, p.due_date, p.paid_date
                  FROM paid p
                  JOIN account_move m ON m.id = p.move_id
            )
            """,
            company=company.id,
            partner_filter=self._dunning_partner_filter(SQL("m.commercial_partner_id"), partner_ids),
            until=until,
        )

    @api.model
    def _dunning_paid_stats_query(self, company, until, partner_ids, settings, points):
        """The statistics of the paid invoices at each (partner_id, as_of) row of the SQL `points`, which reads
        paid_invoice (_dunning_paid_invoices_sql)."""
        return SQL(
            """
            WITH %(paid_invoices)s,
            point AS (%(points)s),
            delays AS (
                SELECT pt.as_of, pt.partner_id, i.move_id, i.weight, i.days,
                       ROW_NUMBER() OVER (
                           PARTITION BY pt.as_of, pt.partner_id ORDER BY i.due_date DESC, i.move_id DESC
                       ) AS rn,
                       COUNT(i.move_id) OVER (PARTITION BY pt.as_of, pt.partner_id) AS cnt
                  FROM point pt
                  LEFT JOIN paid_invoice i
                    ON i.partner_id = pt.partner_id
                   AND i.paid_date > pt.as_of - %(window)s
                   AND i.paid_date <= pt.as_of
            )
            SELECT as_of, partner_id,
                   COUNT(move_id) AS count,
                   COALESCE(SUM(weight * days) / NULLIF(SUM(weight), 0), AVG(days)) AS delay_avg,
                   PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days) AS delay_median,
                   PERCENTILE_CONT(0.75) WITHIN GROUP (ORDER BY days) AS delay_p75,
                   MAX(days) AS delay_max,
                   COUNT(*) FILTER (WHERE days > %(grace)s) AS late_count,
                   STDDEV_POP(days) AS delay_stddev,
                   COALESCE(
                       AVG(days) FILTER (WHERE rn <= cnt / 2) - AVG(days) FILTER (WHERE rn > cnt - cnt / 2), 0
                   ) AS delay_trend,
                   AVG(weight) AS amount_avg,
                   MAX(days) FILTER (WHERE rn = 1) AS delay_last_1,
                   MAX(days) FILTER (WHERE rn = 2) AS delay_last_2,
                   MAX(days) FILTER (WHERE rn = 3) AS delay_last_3,
                   ARRAY_AGG(LEAST(days, %(late)s)) FILTER (WHERE move_id IS NOT NULL) AS late_delays
              FROM delays
             GROUP BY as_of, partner_id
            """,
            paid_invoices=self._dunning_paid_invoices_sql(company, until, partner_ids),
            points=points,
            window=settings["window_days"],
            grace=settings["grace_days"],
            late=settings["late_days"],
        )

    @api.model
    def _dunning_company_delay_histogram(self, company, as_of, settings):
        """The delays of all the company's invoices paid in the window as of a date, counted by delay capped at the
        seriously-late delay (tools/tolerance.py), in one query: the company's history behind every tolerance."""
        query = SQL(
            """
            WITH %(paid_invoices)s
            SELECT LEAST(days, %(late)s), COUNT(*) FROM paid_invoice
             WHERE paid_date > %(as_of)s::date - %(window)s AND paid_date <= %(as_of)s
             GROUP BY 1
            """,
            paid_invoices=self._dunning_paid_invoices_sql(company, as_of, None),
            late=settings["late_days"],
            as_of=as_of,
            window=settings["window_days"],
        )
        histogram = [0] * (settings["late_days"] + 1)
        for delay, count in self.env.execute_query(query):
            histogram[delay] += count
        return histogram

    @api.model
    def _dunning_company_paid_delays(self, company, until, settings):
        """Every invoice of the company paid by a date: [(payment day, delay capped at the seriously-late delay)]
        in day order, from which a replay keeps the company's histogram day by day."""
        query = SQL(
            "WITH %(paid_invoices)s SELECT paid_date, LEAST(days, %(late)s) FROM paid_invoice ORDER BY paid_date",
            paid_invoices=self._dunning_paid_invoices_sql(company, until, None),
            late=settings["late_days"],
        )
        return self.env.execute_query(query)

    @api.model
    def _dunning_overdue_by_partner(self, company, as_of, partner_ids):
        """Open amount (company currency) of out_invoices past due as of a date, and the age of the oldest one.

        Open as of D means the receivable line's balance minus the partials dated up to D; as of today an
        invoice whose payment waits for its bank matching ('in_payment') is not overdue.
        Returns {commercial partner id: (amount, days)}.
        """
        if partner_ids is not None and not partner_ids:
            return {}
        self._dunning_flush_accounting()
        today = fields.Date.context_today(self)
        query = SQL(
            """
            WITH open_line AS (
                SELECT m.commercial_partner_id AS partner_id, aml.date_maturity,
                       aml.balance
                       - COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                                    WHERE p.debit_move_id = aml.id AND p.max_date <= %(as_of)s), 0)
                       + COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                                    WHERE p.credit_move_id = aml.id AND p.max_date <= %(as_of)s), 0) AS residual
                  FROM account_move m
                  JOIN account_move_line aml ON aml.move_id = m.id
                  JOIN account_account acc ON acc.id = aml.account_id
                 WHERE m.company_id = %(company)s
                   AND m.move_type = 'out_invoice'
                   AND m.state = 'posted'
                   AND %(partner_filter)s
                   AND m.date <= %(as_of)s
                   AND acc.account_type = 'asset_receivable'
                   AND aml.date_maturity < %(as_of)s
                   AND (%(past)s OR m.payment_state != 'in_payment')
            )
            SELECT partner_id, SUM(residual) AS amount, MIN(date_maturity) AS oldest
              FROM open_line
             WHERE residual > 0
             GROUP BY partner_id
            """,
            company=company.id,
            partner_filter=self._dunning_partner_filter(SQL("m.commercial_partner_id"), partner_ids),
            as_of=as_of,
            past=as_of < today,
        )
        return {
            row["partner_id"]: (company.currency_id.round(float(row["amount"])), (as_of - row["oldest"]).days)
            for row in self.env.execute_query_dict(query)
        }

    @api.model
    def _dunning_incident_stats(self, company, as_of, partner_ids, settings):
        """Incidents per customer inside the window as of a date: disputed invoices and formal notices sent.

        A dispute counts on the day it was raised, resolved or not; a formal notice is a follow-up done at a
        level whose letter is a formal notice. Returns {commercial partner id: row}.
        """
        self.env["account.dunning.action"].flush_model(["partner_id", "company_id", "date", "state", "level_id"])
        self.env["account.dunning.level"].flush_model(["letter_variant"])
        window_start = as_of - timedelta(days=settings["window_days"])
        query = SQL(
            """
            SELECT partner_id, SUM(disputes) AS dispute_count, SUM(notices) AS formal_notice_count,
                   MAX(last_dispute) AS last_dispute_date
              FROM (
                    SELECT m.commercial_partner_id AS partner_id, COUNT(*) AS disputes, 0 AS notices,
                           MAX(m.dunning_dispute_date) AS last_dispute
                      FROM account_move m
                     WHERE m.company_id = %(company)s
                       AND m.move_type = 'out_invoice'
                       AND %(partner_filter)s
                       AND m.dunning_dispute_date > %(window_start)s
                       AND m.dunning_dispute_date <= %(as_of)s
                     GROUP BY m.commercial_partner_id
                     UNION ALL
                    SELECT a.partner_id, 0, COUNT(*), NULL::date
                      FROM account_dunning_action a
                      JOIN account_dunning_level l ON l.id = a.level_id
                     WHERE a.company_id = %(company)s
                       AND %(action_partner_filter)s
                       AND a.state = 'done'
                       AND l.letter_variant = 'formal_notice'
                       AND a.date > %(window_start)s
                       AND a.date <= %(as_of)s
                     GROUP BY a.partner_id
                   ) incidents
             GROUP BY partner_id
            """,
            company=company.id,
            partner_filter=self._dunning_partner_filter(SQL("m.commercial_partner_id"), partner_ids),
            action_partner_filter=self._dunning_partner_filter(SQL("a.partner_id"), partner_ids),
            as_of=as_of,
            window_start=window_start,
        )
        return {row["partner_id"]: row for row in self.env.execute_query_dict(query)}
