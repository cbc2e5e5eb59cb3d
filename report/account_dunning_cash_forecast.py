from odoo import api, fields, models
from odoo.tools import SQL

from .account_dunning_analysis import open_receivable_items_where


class AccountDunningCashForecast(models.Model):
    _name = "account.dunning.cash.forecast"
    _description = "Cash-in Forecast"
    _auto = False
    _order = "forecast_date, partner_id"
    _rec_name = "move_id"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    move_type = fields.Selection(
        [
            ("out_invoice", "Customer Invoice"),
            ("out_receipt", "Sales Receipt"),
        ],
        string="Type",
        readonly=True,
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    payment_delay_days = fields.Integer(
        string="Usual Delay (days)",
        readonly=True,
        aggregator="avg",
        help="The customer's average payment delay in this company, rounded to whole days (0 when unknown).",
    )
    expected_date = fields.Date(
        string="Expected Payment Date",
        readonly=True,
        help="Due date + the customer's usual delay.",
    )
    forecast_date = fields.Date(
        readonly=True,
        help="Expected payment date, or today when that date is already past: overdue receipts are expected in the "
        "current week. Group by week to read the forecast.",
    )
    is_past_expected = fields.Boolean(
        string="Past Expected Date (counted this week)",
        readonly=True,
        help="The expected payment date is already past; the amount counts in the current week.",
    )
    is_overdue = fields.Boolean(string="Overdue", readonly=True, help="The due date is already past.")
    amount_residual = fields.Monetary(
        string="Expected Amount",
        currency_field="company_currency_id",
        readonly=True,
        help="Amount still open, in company currency.",
    )
    amount_residual_currency = fields.Monetary(
        string="Expected Amount in Currency",
        currency_field="currency_id",
        readonly=True,
        aggregator=None,
        help="Amount still open, in the invoice currency.",
    )

    _depends = {
        "account.move.line": [
            "move_id",
            "company_id",
            "company_currency_id",
            "currency_id",
            "partner_id",
            "account_id",
            "parent_state",
            "date_maturity",
            "balance",
            "amount_residual",
            "amount_residual_currency",
            "reconciled",
        ],
        "account.move": ["move_type"],
        "account.account": ["account_type"],
        "res.partner": ["commercial_partner_id", "payment_delay_avg"],
    }

    @property
    def _table_query(self) -> SQL:
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    @api.model
    def _select(self) -> SQL:
        """Expected date = due date + the commercial partner's rounded average delay in the line's company.

        Past expected dates count on today (the user's date), so in the current week.
        """
        today = fields.Date.context_today(self)
        delay = SQL("COALESCE(ROUND((commercial.payment_delay_avg ->> line.company_id::text)::numeric), 0)::integer")
        expected = SQL("(line.date_maturity + %s)", delay)
        return SQL(
            """
            SELECT line.id,
                   line.company_id,
                   line.company_currency_id,
                   line.currency_id,
                   line.move_id,
                   move.move_type,
                   commercial.id AS partner_id,
                   line.date_maturity,
                   %(delay)s AS payment_delay_days,
                   %(expected)s AS expected_date,
                   GREATEST(%(expected)s, %(today)s::date) AS forecast_date,
                   %(expected)s < %(today)s::date AS is_past_expected,
                   line.date_maturity < %(today)s::date AS is_overdue,
                   line.amount_residual,
                   line.amount_residual_currency
            """,
            delay=delay,
            expected=expected,
            today=today,
        )

    @api.model
    def _from(self) -> SQL:
        return SQL(
            """
            FROM account_move_line line
            JOIN account_move move ON move.id = line.move_id
            JOIN account_account account ON account.id = line.account_id
            LEFT JOIN res_partner partner ON partner.id = line.partner_id
            LEFT JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
            """
        )

    @api.model
    def _where(self) -> SQL:
        return open_receivable_items_where()
