from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.stats import PaidInvoice, paid_stats


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
        """Statistics of the out_invoices fully paid inside the window as of a date, per partner (tools/stats.py).

        An invoice is paid as of D when the partials dated up to D clear each of its receivable lines in the
        line's currency (exchange-difference partials, which move no foreign amount, neither clear nor date it).
        Its full-payment date is the latest such partial; its due date is its last instalment's due date.
        """
        since = as_of - timedelta(days=settings["window_days"])
        paid = self._dunning_paid_invoices(company, as_of, partner_ids, since)
        return {
            partner_id: paid_stats(invoices, settings["grace_days"], settings["late_days"])
            for partner_id, invoices in paid.items()
        }

    @api.model
    def _dunning_paid_invoices(self, company, until, partner_ids=None, since=None):
        """The customer invoices fully paid by partials dated up to `until` (and after `since`), in one query:
        {commercial partner id: [PaidInvoice]} in the order of their payment."""
        query = SQL(
            """
            WITH %(paid_invoices)s
            SELECT partner_id, move_id, due_date, paid_date, days, weight FROM paid_invoice
             WHERE paid_date <= %(until)s AND (%(since)s::date IS NULL OR paid_date > %(since)s::date)
             ORDER BY paid_date, move_id
            """,
            paid_invoices=self._dunning_paid_invoices_sql(company, until, partner_ids),
            until=until,
            since=since,
        )
        paid = defaultdict(list)
        for partner_id, move_id, due_date, paid_date, days, weight in self.env.execute_query(query):
            paid[partner_id].append(PaidInvoice(move_id, due_date, paid_date, days, float(weight)))
        return paid

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
