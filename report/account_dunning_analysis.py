from odoo import api, fields, models, tools
from odoo.tools import SQL, create_index

from ..tools.segment_sql import dunning_segment_default_sql, dunning_segment_sql

AGING_BUCKETS = [
    ("0_not_due", "Not Due"),
    ("1_30", "1-30 Days"),
    ("31_60", "31-60 Days"),
    ("61_90", "61-90 Days"),
    ("91_more", "Over 90 Days"),
]


#: partial index of the open items of invoices, read through the condition of open_receivable_items_where()
OPEN_ITEMS_INDEX = "account_move_line_dunning_open_item_index"
OPEN_ITEMS_PREDICATE = (
    "display_type = 'payment_term' AND NOT reconciled AND amount_residual > 0 AND parent_state = 'posted'"
)


def open_receivable_items_where():
    """SQL condition on ``line`` (account.move.line), ``move`` and ``account``: the open receivable items of
    posted customer invoices and sales receipts (the follow-up analysis and the cash-in forecast read them).

    An invoice's receivable items are its payment-term lines: saying so lets PostgreSQL read the few open ones
    through OPEN_ITEMS_INDEX instead of every journal item."""
    return SQL(
        """
        WHERE line.display_type = 'payment_term'
          AND NOT line.reconciled
          AND line.amount_residual > 0
          AND line.parent_state = 'posted'
          AND account.account_type = 'asset_receivable'
          AND move.move_type IN ('out_invoice', 'out_receipt')
        """
    )


class AccountDunningAnalysis(models.Model):
    _name = "account.dunning.analysis"
    _inherit = "account.dunning.report.mixin"
    _description = "Follow-up Analysis"
    _auto = False
    _order = "date_maturity, id"
    _rec_name = "move_id"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
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
    level_id = fields.Many2one(
        "account.dunning.level",
        string="Follow-up Level",
        readonly=True,
        help="Last follow-up level sent for the invoice (empty: never followed up).",
    )
    invoice_user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    responsible_id = fields.Many2one(
        "res.users",
        string="Collections Responsible",
        readonly=True,
        help="The customer's collections responsible in the company, else its salesperson.",
    )
    invoice_date = fields.Date(readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    dunning_last_date = fields.Date(string="Last Follow-up", readonly=True)
    is_disputed = fields.Boolean(string="Disputed", readonly=True)
    is_litigation = fields.Boolean(string="In Litigation", readonly=True)
    amount_residual = fields.Monetary(
        string="Amount Due",
        currency_field="company_currency_id",
        readonly=True,
        help="Amount still open, in company currency.",
    )
    amount_residual_currency = fields.Monetary(
        string="Amount Due in Currency",
        currency_field="currency_id",
        readonly=True,
        help="Amount still open, in the invoice currency: add it up only grouped by currency.",
    )
    # Depend on today (the user's date): computed per query, see _table_query.
    days_overdue = fields.Integer(
        readonly=True,
        aggregator="avg",
        help="Days past the due date today (0 when not yet due); the pivot shows the average per item.",
    )
    aging_bucket = fields.Selection(AGING_BUCKETS, string="Aging", readonly=True)
    is_overdue = fields.Boolean(string="Overdue", readonly=True)

    _depends = {
        "account.move.line": [
            "move_id",
            "company_id",
            "company_currency_id",
            "currency_id",
            "partner_id",
            "account_id",
            "parent_state",
            "display_type",
            "date_maturity",
            "amount_residual",
            "amount_residual_currency",
            "reconciled",
        ],
        "account.move": [
            "move_type",
            "invoice_user_id",
            "invoice_date",
            "dunning_level_id",
            "dunning_last_date",
            "dunning_dispute",
            "dunning_litigation",
        ],
        "account.account": ["account_type"],
        "res.partner": ["commercial_partner_id", "dunning_segment", "dunning_responsible_id", "user_id"],
        "account.dunning.segment": ["code"],
    }

    def init(self):
        """The date-independent view: one row per open receivable item of a posted customer invoice; the index of
        those items (a few thousand among millions of journal items)."""
        create_index(
            self.env.cr,
            OPEN_ITEMS_INDEX,
            "account_move_line",
            ["company_id", "date_maturity"],
            where=OPEN_ITEMS_PREDICATE,
        )
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s %s %s)",
                SQL.identifier(self._table),
                self._select(),
                self._from(),
                self._where(),
            )
        )

    @property
    def _table_query(self) -> SQL:
        """The view plus the aging as of today in the user's timezone (freezegun and tests included)."""
        today = fields.Date.context_today(self)
        days = SQL("GREATEST(%s::date - item.date_maturity, 0)", today)
        return SQL(
            """
            SELECT item.*,
                   %(days)s AS days_overdue,
                   CASE WHEN %(days)s = 0 THEN '0_not_due'
                        WHEN %(days)s <= 30 THEN '1_30'
                        WHEN %(days)s <= 60 THEN '31_60'
                        WHEN %(days)s <= 90 THEN '61_90'
                        ELSE '91_more'
                   END AS aging_bucket,
                   %(days)s > 0 AS is_overdue
              FROM %(view)s item
            """,
            days=days,
            view=SQL.identifier(self._table),
        )

    @api.model
    def _select(self) -> SQL:
        responsible = SQL("(commercial.dunning_responsible_id ->> line.company_id::text)::integer")
        return SQL(
            """
            SELECT line.id,
                   line.company_id,
                   line.company_currency_id,
                   line.currency_id,
                   line.move_id,
                   commercial.id AS partner_id,
                   %(segment)s AS segment,
                   segment_record.id AS segment_id,
                   move.dunning_level_id AS level_id,
                   move.invoice_user_id,
                   COALESCE(
                       (SELECT responsible.id FROM res_users responsible WHERE responsible.id = %(responsible)s),
                       commercial.user_id
                   ) AS responsible_id,
                   move.invoice_date,
                   line.date_maturity,
                   move.dunning_last_date,
                   COALESCE(move.dunning_dispute, FALSE) AS is_disputed,
                   COALESCE(move.dunning_litigation, FALSE) AS is_litigation,
                   line.amount_residual,
                   line.amount_residual_currency
            """,
            segment=dunning_segment_sql("commercial", SQL("line.company_id"), "segment_default"),
            responsible=responsible,
        )

    @api.model
    def _from(self) -> SQL:
        return SQL(
            """
            FROM account_move_line line
            JOIN account_move move ON move.id = line.move_id
            JOIN account_account account ON account.id = line.account_id
            JOIN res_partner partner ON partner.id = line.partner_id
            JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
            LEFT JOIN (%s) segment_default ON segment_default.company_id = line.company_id
            LEFT JOIN account_dunning_segment segment_record ON segment_record.code = %s
            """,
            dunning_segment_default_sql(),
            dunning_segment_sql("commercial", SQL("line.company_id"), "segment_default"),
        )

    @api.model
    def _where(self) -> SQL:
        return open_receivable_items_where()
