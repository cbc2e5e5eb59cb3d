from odoo import api, fields, models
from odoo.tools import SQL

from .account_dunning_analysis import AccountDunningAnalysis

#: aging buckets of what is overdue: (field, first day late, last day late)
OVERDUE_BUCKETS = (
    ("amount_1_30", 1, 30),
    ("amount_31_60", 31, 60),
    ("amount_61_90", 61, 90),
    ("amount_91_more", 91, None),
)


class AccountDunningDebtor(models.Model):
    _name = "account.dunning.debtor"
    _inherit = "account.dunning.report.mixin"
    _description = "Overdue Customers"
    _auto = False
    _order = "amount_overdue desc, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    segment = fields.Selection(
        selection=lambda self: self.env["res.partner"]._dunning_segment_selection(),
        string="Risk Segment",
        readonly=True,
        help="The customer's current risk segment in the company (New when none is set).",
    )
    segment_id = fields.Many2one("account.dunning.segment", string="Risk Segment (record)", readonly=True)
    responsible_id = fields.Many2one(
        "res.users",
        string="Collections Responsible",
        readonly=True,
        help="The customer's collections responsible in the company, else its salesperson.",
    )
    amount_overdue = fields.Monetary(
        string="Overdue",
        currency_field="company_currency_id",
        readonly=True,
        help="What the customer owes today past the due dates, in company currency.",
    )
    amount_1_30 = fields.Monetary(string="1-30 Days", currency_field="company_currency_id", readonly=True)
    amount_31_60 = fields.Monetary(string="31-60 Days", currency_field="company_currency_id", readonly=True)
    amount_61_90 = fields.Monetary(string="61-90 Days", currency_field="company_currency_id", readonly=True)
    amount_91_more = fields.Monetary(string="Over 90 Days", currency_field="company_currency_id", readonly=True)
    amount_over_60 = fields.Monetary(
        string="Over 60 Days",
        currency_field="company_currency_id",
        readonly=True,
        help="The part of the overdue amount more than 60 days past its due date.",
    )
    item_count = fields.Integer(string="Overdue Items", readonly=True, help="Open receivable items past due.")
    days_overdue_max = fields.Integer(
        string="Days Late (max)", readonly=True, aggregator="max", help="Days past the due date of the oldest item."
    )
    last_followup_date = fields.Date(
        string="Last Follow-up",
        readonly=True,
        aggregator="max",
        help="The latest follow-up of the customer's overdue invoices.",
    )

    # what the follow-up analysis reads (its view is read here)
    _depends = AccountDunningAnalysis._depends

    @property
    def _table_query(self) -> SQL:
        """One row per company and customer owing something past its due date today (the user's today), from the
        date-independent view of the follow-up analysis."""
        today = fields.Date.context_today(self)
        buckets = SQL(", ").join(
            SQL(
                "COALESCE(SUM(item.amount_residual) FILTER (WHERE item.days BETWEEN %s AND %s), 0) AS %s",
                first,
                last or 2_000_000_000,
                SQL.identifier(name),
            )
            for name, first, last in OVERDUE_BUCKETS
        )
        return SQL(
            """
            SELECT MIN(item.id) AS id,
                   item.company_id,
                   item.company_currency_id,
                   item.partner_id,
                   item.segment,
                   item.segment_id,
                   item.responsible_id,
                   SUM(item.amount_residual) AS amount_overdue,
                   %(buckets)s,
                   COALESCE(SUM(item.amount_residual) FILTER (WHERE item.days > 60), 0) AS amount_over_60,
                   COUNT(*) AS item_count,
                   MAX(item.days) AS days_overdue_max,
                   MAX(item.dunning_last_date) AS last_followup_date
              FROM (
                    SELECT analysis.*, %(today)s::date - analysis.date_maturity AS days
                      FROM %(view)s analysis
                     WHERE analysis.date_maturity < %(today)s::date
                   ) item
          GROUP BY item.company_id, item.company_currency_id, item.partner_id, item.segment, item.segment_id,
                   item.responsible_id
            """,
            buckets=buckets,
            today=today,
            view=SQL.identifier(self.env["account.dunning.analysis"]._table),
        )

    @api.model
    def _dunning_top(self, company, limit):
        """The customers of a company who owe the most past the due date today, largest first (one query)."""
        return self.search_fetch(
            [("company_id", "=", company.id)],
            ["partner_id", "segment", "amount_overdue", "days_overdue_max", "last_followup_date"],
            limit=limit,
        )
