from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..tools.segment_sql import dunning_segment_default_sql, dunning_segment_sql

COLLECTION_WINDOWS = (7, 15, 30)


class AccountDunningEffectiveness(models.Model):
    _name = "account.dunning.effectiveness"
    _inherit = "account.dunning.report.mixin"
    _description = "Follow-up Effectiveness"
    _auto = False
    _order = "date desc, action_id desc, channel"
    _rec_name = "action_id"
    _check_company_auto = True

    action_id = fields.Many2one("account.dunning.action", string="Follow-up", readonly=True)
    date = fields.Date(string="Follow-up Date", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    level_id = fields.Many2one("account.dunning.level", string="Follow-up Level", readonly=True)
    scenario_id = fields.Many2one("account.dunning.scenario", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    channel = fields.Selection(
        [
            ("email", "Email"),
            ("sms", "SMS"),
            ("letter", "Letter"),
            ("phone", "Phone Call"),
            ("none", "No Channel"),
        ],
        readonly=True,
        help="One row per channel of the follow-up: totals over several channels count a follow-up once per channel.",
    )
    segment = fields.Selection(
        selection=lambda self: self.env["res.partner"]._dunning_segment_selection(),
        string="Risk Segment",
        readonly=True,
        help="The customer's current risk segment in the company (New when none is set).",
    )
    segment_id = fields.Many2one(
        "account.dunning.segment",
        string="Risk Segment (record)",
        readonly=True,
        help="The risk segment's record, for filters by segment (a dashboard's segment filter).",
    )
    followup_count = fields.Integer(
        string="Follow-ups",
        readonly=True,
        help="Number of follow-ups (1 per row); a follow-up sent on several channels counts once per channel.",
    )
    amount_reminded = fields.Monetary(
        currency_field="company_currency_id",
        readonly=True,
        help="Amount due on the followed-up invoices on the follow-up date, in company currency.",
    )
    amount_collected_7 = fields.Monetary(
        string="Collected within 7 Days",
        currency_field="company_currency_id",
        readonly=True,
        help="Payments and credit notes reconciled with the followed-up invoices in the 7 days after the follow-up "
        "(at most the amount reminded per invoice), in company currency.",
    )
    amount_collected_15 = fields.Monetary(
        string="Collected within 15 Days",
        currency_field="company_currency_id",
        readonly=True,
        help="Payments and credit notes reconciled with the followed-up invoices in the 15 days after the "
        "follow-up (at most the amount reminded per invoice), in company currency.",
    )
    amount_collected_30 = fields.Monetary(
        string="Collected within 30 Days",
        currency_field="company_currency_id",
        readonly=True,
        help="Payments and credit notes reconciled with the followed-up invoices in the 30 days after the "
        "follow-up (at most the amount reminded per invoice), in company currency.",
    )
    collection_rate = fields.Float(
        string="Collection Rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Collected within 30 days / amount reminded x 100. Grouped, it is the total collected divided by "
        "the total reminded (not an average of the follow-ups' rates).",
    )
    days_to_payment = fields.Float(
        string="Days to Payment",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days from the follow-up to the full payment of its invoices (the last reconciliation); empty while "
        "an invoice of the follow-up is still open. Grouped: average over the paid follow-ups.",
    )
    is_paid = fields.Boolean(string="Fully Paid", readonly=True, help="Every followed-up invoice is paid.")

    _depends = {
        "account.dunning.action": [
            "date",
            "state",
            "company_id",
            "partner_id",
            "level_id",
            "scenario_id",
            "user_id",
            "channel_email",
            "channel_sms",
            "channel_letter",
            "channel_phone",
        ],
        "account.dunning.action.line": ["action_id", "move_id", "amount_residual_company"],
        "account.move.line": ["move_id", "display_type", "reconciled"],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id", "amount", "max_date", "exchange_move_id"],
        "res.partner": ["commercial_partner_id", "dunning_segment"],
        "account.dunning.segment": ["code"],
    }

    def init(self):
        """One row per done follow-up and channel, with what its invoices collected afterwards."""
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._view_query()))

    @api.model
    def _view_query(self) -> SQL:
        """The collections of each follow-up and channel, with the customer's answers to that follow-up
        (account_dunning_effectiveness_answers.py)."""
        return SQL(
            """
            SELECT base.*,
                   COALESCE(answer.answered, 0) AS answered_count,
                   COALESCE(answer.promised, 0) AS promised_count,
                   COALESCE(answer.disputed, 0) AS disputed_count,
                   COALESCE(online.paid, 0) AS paid_online_7_count
              FROM (%(base)s) base
         LEFT JOIN (%(answers)s) answer ON answer.action_id = base.action_id
         LEFT JOIN (%(online)s) online ON online.action_id = base.action_id
            """,
            base=self._collections_query(),
            answers=self._answers_query(),
            online=self._online_payments_query(),
        )

    @api.model
    def _collections_query(self) -> SQL:
        """One row per done follow-up and channel: the amounts reminded and collected after it."""
        return SQL(
            """
            WITH invoice_collection AS (%(invoice_collection)s),
                 action_collection AS (
                    -- the follow-up's date and company are grouping columns here, and the view's own: a filter on
                    -- them (a period, the company rules) reaches the follow-ups before their collections are summed
                    SELECT action_id,
                           action_date,
                           action_company_id,
                           SUM(reminded) AS amount_reminded,
                           SUM(collected_7) AS amount_collected_7,
                           SUM(collected_15) AS amount_collected_15,
                           SUM(collected_30) AS amount_collected_30,
                           CASE WHEN COUNT(*) = COUNT(paid_date) THEN MAX(paid_date) END AS paid_date
                      FROM invoice_collection
                  GROUP BY action_id, action_date, action_company_id
                 )
            SELECT action.id * 5 + channel.seq AS id,
                   action.id AS action_id,
                   collection.action_date AS date,
                   collection.action_company_id AS company_id,
                   company.currency_id AS company_currency_id,
                   action.partner_id,
                   action.level_id,
                   action.scenario_id,
                   action.user_id,
                   channel.code AS channel,
                   %(segment)s AS segment,
                   segment_record.id AS segment_id,
                   1 AS followup_count,
                   collection.amount_reminded,
                   collection.amount_collected_7,
                   collection.amount_collected_15,
                   collection.amount_collected_30,
                   CASE WHEN collection.amount_reminded > 0
                        THEN 100.0 * collection.amount_collected_30 / collection.amount_reminded
                        ELSE 0
                   END AS collection_rate,
                   CASE WHEN collection.paid_date IS NOT NULL  -- GREATEST() would turn NULL into 0
                        THEN GREATEST(collection.paid_date - collection.action_date, 0)
                   END AS days_to_payment,
                   collection.paid_date IS NOT NULL AS is_paid
              FROM account_dunning_action action
              JOIN action_collection collection ON collection.action_id = action.id
              JOIN res_company company ON company.id = action.company_id
              JOIN res_partner partner ON partner.id = action.partner_id
              JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
         LEFT JOIN (%(segment_defaults)s) segment_default ON segment_default.company_id = action.company_id
         LEFT JOIN account_dunning_segment segment_record ON segment_record.code = %(segment)s
        CROSS JOIN LATERAL (
                    VALUES (0, 'email', action.channel_email),
                           (1, 'sms', action.channel_sms),
                           (2, 'letter', action.channel_letter),
                           (3, 'phone', action.channel_phone),
                           (4, 'none', NOT (COALESCE(action.channel_email, FALSE) OR COALESCE(action.channel_sms, FALSE)
                                            OR COALESCE(action.channel_letter, FALSE)
                                            OR COALESCE(action.channel_phone, FALSE)))
                   ) AS channel(seq, code, used)
             WHERE action.state = 'done'
               AND channel.used
            """,
            invoice_collection=self._invoice_collection_query(),
            segment=dunning_segment_sql("commercial", SQL("action.company_id"), "segment_default"),
            segment_defaults=dunning_segment_default_sql(),
        )

    @api.model
    def _invoice_collection_query(self) -> SQL:
        """Per follow-up and invoice: the amount reminded, what was collected in each window, the payment date.

        Collected within N days = partial reconciliations of the invoice's receivable items with a payment or
        credit note (exchange-difference entries excluded) dated in (follow-up date, follow-up date + N], in
        company currency, capped at the amount reminded for that invoice. Paid date = the last reconciliation
        date (exchange differences aside, they are
        dated at the end of the month) once all the invoice's receivable items are reconciled.
        """
        collected = SQL(", ").join(
            SQL(
                "COALESCE(SUM(part.amount) FILTER (WHERE part.max_date <= action.date + %s), 0) AS %s",
                days,
                SQL.identifier(f"collected_{days}"),
            )
            for days in COLLECTION_WINDOWS
        )
        capped = SQL(", ").join(
            SQL(
                "LEAST(COALESCE(line.amount_residual_company, 0), collection.%s) AS %s",
                SQL.identifier(f"collected_{days}"),
                SQL.identifier(f"collected_{days}"),
            )
            for days in COLLECTION_WINDOWS
        )
        return SQL(
            """
            SELECT line.action_id,
                   action.date AS action_date,
                   action.company_id AS action_company_id,
                   COALESCE(line.amount_residual_company, 0) AS reminded,
                   %(capped)s,
                   paid.paid_date
              FROM account_dunning_action_line line
              JOIN account_dunning_action action ON action.id = line.action_id
        CROSS JOIN LATERAL (
                    SELECT %(collected)s
                      FROM account_move_line item
                      JOIN account_partial_reconcile part ON part.debit_move_id = item.id
                     WHERE item.move_id = line.move_id
                       AND item.display_type = 'payment_term'
                       AND part.max_date > action.date
                       AND part.max_date <= action.date + %(max_days)s
                       AND NOT %(is_exchange)s
                   ) collection
        CROSS JOIN LATERAL (
                    SELECT CASE WHEN BOOL_AND(paid_item.reconciled)
                                THEN COALESCE(MAX(paid_part.max_date) FILTER (WHERE NOT %(is_paid_exchange)s),
                                              MAX(paid_part.max_date))
                           END AS paid_date
                      FROM account_move_line paid_item
                 LEFT JOIN account_partial_reconcile paid_part ON paid_part.debit_move_id = paid_item.id
                     WHERE paid_item.move_id = line.move_id
                       AND paid_item.display_type = 'payment_term'
                   ) paid
             WHERE action.state = 'done'
            """,
            capped=capped,
            collected=collected,
            is_exchange=self._is_exchange_difference_sql("part"),
            is_paid_exchange=self._is_exchange_difference_sql("paid_part"),
            max_days=max(COLLECTION_WINDOWS),
        )

    @api.model
    def _is_exchange_difference_sql(self, partial_alias) -> SQL:
        """The partial reconciliation's credit side is an exchange-difference entry (not a collection)."""
        return SQL(
            """EXISTS (
                SELECT 1
                  FROM account_move_line counterpart
                  JOIN account_partial_reconcile exchange ON exchange.exchange_move_id = counterpart.move_id
                 WHERE counterpart.id = %s.credit_move_id
            )""",
            SQL.identifier(partial_alias),
        )

    def _read_group_select(self, aggregate_spec, query):
        """Grouped, the collection rate is the sum collected within 30 days over the sum reminded."""
        if aggregate_spec.split(":")[0] == "collection_rate":
            return SQL(
                "COALESCE(100.0 * SUM(%s) / NULLIF(SUM(%s), 0), 0)",
                self._field_to_sql(self._table, "amount_collected_30", query),
                self._field_to_sql(self._table, "amount_reminded", query),
            )
        return super()._read_group_select(aggregate_spec, query)
