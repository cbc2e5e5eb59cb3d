from odoo import fields, models
from odoo.tools import SQL

from ..report.account_dunning_analysis import dunning_segment_default_sql, dunning_segment_sql
from ..tools.desk import AGE_DAYS, BROKEN_PROMISE_WEIGHT, BROKEN_PROMISE_WINDOW, RISK_WEIGHTS

#: first part of each task's id: its kind (the second part is its source's id, or customer and company)
KIND_IDS = {"failure": 1, "call": 2, "answer": 3, "promise": 4, "dispute": 5, "validate": 6, "letter": 7, "contact": 8}
ID_BASE = 10**12


def promise_kept_sql(move):
    """SQL: the promise of an invoice was kept (the promised amount, or the whole amount due then, was paid)."""
    return SQL(
        "ROUND(%(m)s.dunning_promise_residual - %(m)s.amount_residual"
        " - COALESCE(NULLIF(%(m)s.dunning_promise_amount, 0), %(m)s.dunning_promise_residual), 6) >= -0.000001",
        m=SQL.identifier(move),
    )


def promise_task_sql(move, today):
    """SQL: a broken promise of an invoice waits for its collector: its date passed without the amount paid (still
    set, or cleared by the follow-up it triggered), and nobody dealt with it yet."""
    return SQL(
        """((%(m)s.dunning_promise_date < %(today)s AND NOT %(kept)s
             AND NOT (%(m)s.dunning_promise_broken_date = %(m)s.dunning_promise_date
                      AND %(m)s.dunning_promise_broken_handled IS TRUE))
            OR (%(m)s.dunning_promise_date IS NULL AND %(m)s.dunning_promise_broken_date IS NOT NULL
                AND %(m)s.dunning_promise_broken_handled IS NOT TRUE))""",
        m=SQL.identifier(move),
        today=today,
        kept=promise_kept_sql(move),
    )


class AccountDunningTask(models.Model):
    _inherit = "account.dunning.task"  # pylint: disable=consider-merging-classes-inherited

    # The query of My Work: one row per open task, from the live records (evaluated at each read, for today).

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        return SQL(
            """
            WITH tasks AS (%(sources)s),
            overdue AS (%(overdue)s),
            broken AS (%(broken)s),
            defaults AS (%(defaults)s)
            SELECT %(id_base)s * t.kind_id + t.source_id AS id, t.kind, t.detail, t.date, t.partner_id, t.company_id,
                   co.currency_id AS company_currency_id, t.action_id, t.answer_id, t.activity_id, t.failure_id,
                   t.move_count, t.kind = 'failure' AS blocking,
                   COALESCE(t.user_id, ru.id, su.id, co.dunning_responsible_id) AS user_id,
                   COALESCE(o.amount, 0) AS amount_overdue,
                   CASE WHEN t.partner_id IS NULL THEN NULL ELSE %(segment)s END AS segment,
                   COALESCE(%(today)s - o.oldest, 0) AS oldest_days,
                   COALESCE(b.count, 0) AS broken_promise_count,
                   ROUND((COALESCE(o.amount, 0) * %(weight)s
                          * (1 + GREATEST(COALESCE(%(today)s - o.oldest, 0), 0) / %(age_days)s)
                          * (1 + %(promise_weight)s * COALESCE(b.count, 0)))::numeric, 2) AS score
              FROM tasks t
              JOIN res_company co ON co.id = t.company_id
              LEFT JOIN defaults def ON def.company_id = t.company_id
              LEFT JOIN res_partner p ON p.id = t.partner_id
              LEFT JOIN res_users ru ON ru.id = (p.dunning_responsible_id ->> t.company_id::text)::int AND ru.active
              LEFT JOIN res_users su ON su.id = p.user_id AND su.active
              LEFT JOIN overdue o ON o.company_id = t.company_id AND o.partner_id = t.partner_id
              LEFT JOIN broken b ON b.company_id = t.company_id AND b.partner_id = t.partner_id
            """,
            sources=self._task_sources_sql(today),
            overdue=self._overdue_sql(today),
            broken=self._broken_promises_sql(today),
            defaults=dunning_segment_default_sql(),
            id_base=ID_BASE,
            segment=dunning_segment_sql("p", SQL("t.company_id"), "def"),
            weight=self._risk_weight_sql(dunning_segment_sql("p", SQL("t.company_id"), "def")),
            today=today,
            age_days=AGE_DAYS,
            promise_weight=BROKEN_PROMISE_WEIGHT,
        )

    def _risk_weight_sql(self, segment):
        """SQL: the risk weight of a segment (tools/desk.py: RISK_WEIGHTS; 1 for a segment not listed)."""
        cases = SQL(" ").join(SQL("WHEN %s THEN %s", code, weight) for code, weight in RISK_WEIGHTS.items())
        return SQL("(CASE %s %s ELSE 1.0 END)", segment, cases)

    def _overdue_sql(self, today):
        """Per company and customer: the amount past its due dates (company currency) and the oldest due date."""
        return SQL(
            """
            SELECT line.company_id, move.commercial_partner_id AS partner_id, SUM(line.amount_residual) AS amount,
                   MIN(line.date_maturity) AS oldest
              FROM account_move_line line
              JOIN account_move move ON move.id = line.move_id
              JOIN account_account account ON account.id = line.account_id
             WHERE line.parent_state = 'posted' AND account.account_type = 'asset_receivable' AND NOT line.reconciled
               AND line.amount_residual > 0 AND line.date_maturity < %(today)s
               AND move.move_type IN ('out_invoice', 'out_receipt')
               AND move.commercial_partner_id IN (SELECT partner_id FROM tasks)
             GROUP BY line.company_id, move.commercial_partner_id
            """,
            today=today,
        )

    def _broken_promises_sql(self, today):
        """Per company and customer: its invoices whose promise was broken in the last year, or is broken now."""
        return SQL(
            """
            SELECT m.company_id, m.commercial_partner_id AS partner_id, COUNT(*) AS count
              FROM account_move m
             WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
               AND (m.dunning_promise_broken_date >= %(since)s
                    OR (m.dunning_promise_date < %(today)s AND NOT %(kept)s))
               AND m.commercial_partner_id IN (SELECT partner_id FROM tasks)
             GROUP BY m.company_id, m.commercial_partner_id
            """,
            since=fields.Date.subtract(today, days=BROKEN_PROMISE_WINDOW),
            today=today,
            kept=promise_kept_sql("m"),
        )

    def _task_sources_sql(self, today):
        """The open tasks, one SELECT per kind with the same columns: kind, kind_id, source_id, detail, date,
        partner_id, company_id, user_id (the task's own owner, else the customer's collector), action_id, answer_id,
        activity_id, failure_id, move_count."""
        return SQL(" UNION ALL ").join(
            [
                self._failure_tasks_sql(),
                self._call_tasks_sql(today),
                self._answer_tasks_sql(),
                self._invoice_tasks_sql(today),
                self._followup_tasks_sql(),
                self._contact_tasks_sql(today),
            ]
        )

    def _failure_tasks_sql(self):
        return SQL(
            """
            SELECT 'failure' AS kind, %(kind_id)s AS kind_id, f.id AS source_id, f.message AS detail,
                   f.first_date::date AS date, NULL::int AS partner_id, f.company_id, NULL::int AS user_id,
                   NULL::int AS action_id, NULL::int AS answer_id, NULL::int AS activity_id, f.id AS failure_id,
                   0 AS move_count
              FROM account_dunning_job_failure f
             WHERE f.state = 'open'
            """,
            kind_id=KIND_IDS["failure"],
        )

    def _call_tasks_sql(self, today):
        return SQL(
            """
            SELECT 'call', %(kind_id)s, act.id, COALESCE(act.summary, a.name), act.date_deadline, a.partner_id,
                   a.company_id, act.user_id, a.id, NULL, act.id, NULL,
                   (SELECT COUNT(*) FROM account_dunning_action_account_move_rel r WHERE r.action_id = a.id)
              FROM mail_activity act
              JOIN account_dunning_action a ON a.id = act.res_id
             WHERE act.res_model = 'account.dunning.action' AND act.active
               AND act.activity_type_id = %(call_type)s AND act.date_deadline <= %(today)s
            """,
            kind_id=KIND_IDS["call"],
            call_type=self.env.ref("mail.mail_activity_data_call").id,
            today=today,
        )

    def _answer_tasks_sql(self):
        return SQL(
            """
            SELECT 'answer', %(kind_id)s, ans.id, COALESCE(ans.comment, ans.payment_reference, ans.email_from),
                   ans.date::date, ans.partner_id, ans.company_id, ans.user_id, ans.action_id, ans.id,
                   ans.activity_id, NULL,
                   (SELECT COUNT(*) FROM account_dunning_answer_account_move_rel r WHERE r.answer_id = ans.id)
              FROM account_dunning_answer ans
             WHERE ans.state = 'open'
            """,
            kind_id=KIND_IDS["answer"],
        )

    def _invoice_tasks_sql(self, today):
        """Broken promises and disputes: one task per customer and company, over its open invoices."""
        per_customer = SQL("m.commercial_partner_id * 10000 + m.company_id")
        is_open = SQL(
            "m.move_type = 'out_invoice' AND m.state = 'posted' AND m.payment_state IN ('not_paid', 'partial')"
        )
        return SQL(
            """
            SELECT 'promise', %(promise_id)s, MIN(%(per_customer)s), STRING_AGG(m.name, ', ' ORDER BY m.name),
                   MIN(COALESCE(m.dunning_promise_date, m.dunning_promise_broken_date)) + 1, m.commercial_partner_id,
                   m.company_id, NULL, NULL, NULL, NULL, NULL, COUNT(*)
              FROM account_move m
             WHERE %(is_open)s AND %(promise_task)s
             GROUP BY m.commercial_partner_id, m.company_id
             UNION ALL
            SELECT 'dispute', %(dispute_id)s, MIN(%(per_customer)s), STRING_AGG(m.name, ', ' ORDER BY m.name),
                   MIN(m.dunning_dispute_date), m.commercial_partner_id, m.company_id, NULL, NULL, NULL, NULL, NULL,
                   COUNT(*)
              FROM account_move m
             WHERE %(is_open)s AND m.dunning_dispute
             GROUP BY m.commercial_partner_id, m.company_id
            """,
            promise_id=KIND_IDS["promise"],
            dispute_id=KIND_IDS["dispute"],
            per_customer=per_customer,
            is_open=is_open,
            promise_task=promise_task_sql("m", today),
        )

    def _followup_tasks_sql(self):
        """Follow-ups waiting for validation, and sent letters to post."""
        moves = SQL("(SELECT COUNT(*) FROM account_dunning_action_account_move_rel r WHERE r.action_id = a.id)")
        return SQL(
            """
            SELECT 'validate', %(validate_id)s, a.id, a.name, a.date, a.partner_id, a.company_id, a.user_id, a.id,
                   NULL, NULL, NULL, %(moves)s
              FROM account_dunning_action a
             WHERE a.state = 'to_validate'
             UNION ALL
            SELECT 'letter', %(letter_id)s, a.id, a.name, COALESCE(a.sent_date, a.date), a.partner_id, a.company_id,
                   a.user_id, a.id, NULL, NULL, NULL, %(moves)s
              FROM account_dunning_action a
             WHERE a.state = 'done' AND a.letter_state IN ('to_print', 'printed')
            """,
            validate_id=KIND_IDS["validate"],
            letter_id=KIND_IDS["letter"],
            moves=moves,
        )

    def _contact_tasks_sql(self, today):
        """Customers whose number was found wrong on a call and not changed since, where they owe something late."""
        return SQL(
            """
            SELECT 'contact', %(kind_id)s, p.id * 10000 + late.company_id, p.dunning_wrong_phone, %(today)s, p.id,
                   late.company_id, NULL, NULL, NULL, NULL, NULL, 0
              FROM res_partner p
              JOIN (SELECT DISTINCT m.commercial_partner_id AS partner_id, m.company_id
                      FROM account_move m
                     WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
                       AND m.payment_state IN ('not_paid', 'partial') AND m.invoice_date_due < %(today)s) late
                ON late.partner_id = p.id
             WHERE p.dunning_wrong_phone IS NOT NULL
               AND (p.dunning_wrong_phone = p.phone OR p.dunning_wrong_phone = p.mobile
                    OR (p.phone IS NULL AND p.mobile IS NULL))
            """,
            kind_id=KIND_IDS["contact"],
            today=today,
        )
