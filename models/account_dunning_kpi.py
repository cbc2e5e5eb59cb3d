from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import create_unique_index
from odoo.tools.misc import format_date

#: months of revenue history the countback method may consume before it gives up
COUNTBACK_MONTHS = 24
#: months refreshed by the button and the cron (complete months, the last one is last month)
REFRESH_MONTHS = 12
#: first key of the advisory lock taken while a company's KPIs are rebuilt
KPI_LOCK_KEY = 741_001

#: additive amounts read from the ledger; every ratio is derived from them
BASE_FIELDS = (
    "opening_ar",
    "revenue",
    "closing_ar",
    "current_ar",
    "collection_base",
    "collected_amount",
    "paid_amount",
    "paid_days_late_sum",
    "paid_days_signed_sum",
    "overdue_60_ar",
    "formal_notice_count",
)


class AccountDunningKpi(models.Model):
    _name = "account.dunning.kpi"
    _description = "Collection KPIs per Month"
    _order = "date desc, partner_id"
    _rec_name = "date"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    date = fields.Date(string="Month", required=True, readonly=True, help="First day of the month measured.")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        readonly=True,
        index="btree_not_null",
        check_company=True,
        help="Commercial partner measured; empty on the row that measures the whole company.",
    )
    period_days = fields.Integer(string="Days", readonly=True, help="Calendar days of the month.")

    # --- amounts (company currency), all taken from posted receivable journal items ---
    opening_ar = fields.Monetary(
        string="Opening AR",
        currency_field="company_currency_id",
        readonly=True,
        help="Receivables at the end of the previous month: balance of the posted receivable items dated on or "
        "before that day.",
    )
    revenue = fields.Monetary(
        string="Credit Sales incl. VAT",
        currency_field="company_currency_id",
        readonly=True,
        help="Receivable amount of the customer invoices and sales receipts posted in the month minus the "
        "customer credit notes of the month (accounting date).",
    )
    closing_ar = fields.Monetary(
        string="Closing AR",
        currency_field="company_currency_id",
        readonly=True,
        help="Receivables at the end of the month: balance of the posted receivable items dated on or before it.",
    )
    current_ar = fields.Monetary(
        string="Not Yet Due AR",
        currency_field="company_currency_id",
        readonly=True,
        help="Part of the closing receivables not yet due at the end of the month: what remained open on that day "
        "of the debit receivable items whose due date is later.",
    )
    overdue_ar = fields.Monetary(
        string="Overdue AR",
        currency_field="company_currency_id",
        readonly=True,
        help="Closing AR minus the not-yet-due AR (unapplied credits reduce it).",
    )
    overdue_60_ar = fields.Monetary(
        string="Overdue More than 60 Days",
        currency_field="company_currency_id",
        readonly=True,
        help="What remained open at the end of the month of the debit receivable items due more than 60 days "
        "before it, as the aging of the follow-up analysis counts them (unapplied credits do not reduce it).",
    )
    formal_notice_count = fields.Integer(
        string="Customers at Formal Notice",
        readonly=True,
        help="Customers with an invoice still unpaid at the end of the month that had received a formal notice "
        "(a follow-up sent at a level whose letter is a formal notice) by then; 1 or 0 on a customer's row.",
    )
    collection_base = fields.Monetary(
        string="Overdue at Opening",
        currency_field="company_currency_id",
        readonly=True,
        help="What remained open, at the end of the previous month, of the debit receivable items already due then.",
    )
    collected_amount = fields.Monetary(
        string="Collected on Overdue",
        currency_field="company_currency_id",
        readonly=True,
        help="Amount reconciled during the month on the items of 'Overdue at Opening' with payments or other "
        "entries; customer credit notes are not collections and do not count.",
    )
    paid_amount = fields.Monetary(
        string="Fully Paid in Month",
        currency_field="company_currency_id",
        readonly=True,
        help="Receivable amount of the customer invoice instalments fully paid during the month (the full-payment "
        "date is the latest reconciliation date of the instalment).",
    )
    paid_days_late_sum = fields.Float(
        string="Σ Amount x Days Late (early = 0)",
        readonly=True,
        help="Numerator of the credit-bureau DBT.",
    )
    paid_days_signed_sum = fields.Float(
        string="Σ Amount x Days Late (early < 0)",
        readonly=True,
        help="Numerator of the weighted average delay.",
    )

    # --- ratios; undefined (division by zero) is stored as 0 ---
    dso_simple = fields.Float(
        string="DSO (simple)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Closing AR / credit sales incl. VAT of the month x days of the month.",
    )
    dso_countback = fields.Float(
        string="DSO (countback)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Countback (épuisement du CA): the monthly credit sales, newest first, are taken away from the closing "
        "AR and their days added until the balance runs out; the last month counts as remaining / its sales x its "
        "days. At most 24 months are consumed.",
    )
    bpdso_simple = fields.Float(
        string="BPDSO (simple)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Best possible DSO, simple method: not-yet-due AR / credit sales of the month x days of the month.",
    )
    bpdso_countback = fields.Float(
        string="BPDSO (countback)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Best possible DSO, countback method applied to the not-yet-due AR.",
    )
    dbt_simple = fields.Float(
        string="DBT (DSO - BPDSO, simple)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Average days beyond terms: DSO (simple) - BPDSO (simple).",
    )
    dbt_countback = fields.Float(
        string="DBT (DSO - BPDSO, countback)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Average days beyond terms: DSO (countback) - BPDSO (countback).",
    )
    dbt_paid = fields.Float(
        string="DBT (paid invoices, early = 0)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Credit-bureau DBT: Σ(amount x (full-payment date - due date)) / Σ amount over the customer invoice "
        "instalments fully paid in the month; early payments count as 0 days.",
    )
    weighted_delay = fields.Float(
        string="Weighted Average Delay (early < 0)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Σ(amount x days late) / Σ amount over the customer invoice instalments fully paid in the month; "
        "early payments count negative, so a customer paying ahead of terms shows below 0.",
    )
    cei = fields.Float(
        string="CEI (%)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Collection effectiveness index: (opening AR + credit sales - closing AR) / (opening AR + credit sales "
        "- closing not-yet-due AR) x 100.",
    )
    overdue_share = fields.Float(
        string="Overdue Share (%)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Overdue AR / closing AR x 100: the share of the receivables at the end of the month that was past due.",
    )
    collection_rate = fields.Float(
        string="Collection Rate (%)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Collected on overdue / overdue at opening x 100: the share of what was already overdue when the "
        "month started that was collected during the month (credit notes excluded).",
    )

    def init(self):
        # one row per company, month and customer; the company row has no customer
        create_unique_index(
            self.env.cr,
            "account_dunning_kpi_company_date_partner_uniq",
            self._table,
            ["company_id", "date", "COALESCE(partner_id, 0)"],
        )

    @api.depends("date", "partner_id")
    def _compute_display_name(self):
        """Month in words, followed by the customer on the per-customer rows."""
        for kpi in self:
            month = format_date(self.env, kpi.date, date_format="MMMM yyyy") if kpi.date else ""
            kpi.display_name = f"{month} - {kpi.partner_id.display_name}" if kpi.partner_id else month

    # ------------------------------------------------------------------
    # Formulas
    # ------------------------------------------------------------------
    @api.model
    def _dunning_countback_days(self, balance, history):
        """Countback DSO: take each month's sales away from the balance, newest first, adding its days.

        ``history`` lists ``(revenue, days)`` newest month first. The month that exhausts the
        balance counts as remaining / revenue x days; a month without sales counts in full.
        When the history runs out first, the days consumed so far are returned.
        """
        if balance <= 0:
            return 0.0
        days = 0.0
        remaining = balance
        for revenue, month_days in history:
            if revenue <= 0:
                days += month_days
                continue
            if remaining <= revenue:
                return days + remaining / revenue * month_days
            remaining -= revenue
            days += month_days
        return days

    @api.model
    def _dunning_ratio(self, numerator, denominator, factor=1.0):
        """numerator / denominator x factor, or 0 when the denominator is not positive."""
        return numerator / denominator * factor if denominator > 0 else 0.0

    @api.model
    def _dunning_kpi_values(self, base, period_days, revenue_history):
        """Derive every KPI of one row from its additive amounts (see BASE_FIELDS).

        ``revenue_history`` lists ``(credit sales, days)`` of the month and the ones before it,
        newest first; the countback DSO and BPDSO both consume it.
        """
        ratio = self._dunning_ratio
        dso_simple = ratio(base["closing_ar"], base["revenue"], period_days)
        bpdso_simple = ratio(base["current_ar"], base["revenue"], period_days)
        dso_countback = self._dunning_countback_days(base["closing_ar"], revenue_history)
        bpdso_countback = self._dunning_countback_days(base["current_ar"], revenue_history)
        flows = base["opening_ar"] + base["revenue"]
        return {
            **base,
            # summed per customer as a float, stored as an integer
            "formal_notice_count": round(base["formal_notice_count"]),
            "period_days": period_days,
            "overdue_ar": base["closing_ar"] - base["current_ar"],
            "overdue_share": ratio(base["closing_ar"] - base["current_ar"], base["closing_ar"], 100.0),
            "dso_simple": dso_simple,
            "dso_countback": dso_countback,
            "bpdso_simple": bpdso_simple,
            "bpdso_countback": bpdso_countback,
            "dbt_simple": dso_simple - bpdso_simple,
            "dbt_countback": dso_countback - bpdso_countback,
            "dbt_paid": ratio(base["paid_days_late_sum"], base["paid_amount"]),
            "weighted_delay": ratio(base["paid_days_signed_sum"], base["paid_amount"]),
            "cei": ratio(flows - base["closing_ar"], flows - base["current_ar"], 100.0),
            "collection_rate": ratio(base["collected_amount"], base["collection_base"], 100.0),
        }

    @api.model
    def _dunning_default_range(self, today=None):
        """The REFRESH_MONTHS complete months before today's month: (first day, last month's first day)."""
        today = today or fields.Date.context_today(self)
        last = today.replace(day=1) - relativedelta(months=1)
        return last - relativedelta(months=REFRESH_MONTHS - 1), last

    def action_refresh(self):
        """Rebuild the last complete months of the selected companies, then reopen the KPIs."""
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(self.env._("Only accounting managers can refresh the collection KPIs."))
        date_from, date_to = self._dunning_default_range()
        for company in self.env.companies:
            self._dunning_refresh(company, date_from, date_to)
        return self.env["ir.actions.act_window"]._for_xml_id("account_dunning.account_dunning_kpi_action")

    @api.model
    def _cron_refresh(self):
        """Rebuild the last complete months of every active company, one month per slice, the companies in turn; a
        company that fails is recorded as a job failure and the others go on."""
        months = self._dunning_month_starts(*self._dunning_default_range())
        self.env["account.dunning.job.cursor"]._run_sliced(
            "kpi",
            self.env["res.company"].search([("active", "=", True)]),
            lambda company, cursor, memo: self._dunning_refresh_slice(company, cursor, memo, months),
            fields.Date.context_today(self),
        )

    @api.model
    def _dunning_refresh_slice(self, company, cursor, memo, months):
        """One slice of the KPI job: the next month after the cursor (the months done); the ledger of the months
        left is read once per call, in the seven queries of a whole refresh."""
        left = months[cursor.position :]
        if not left:
            return cursor.position, 0, 0
        kpi = self.with_company(company)
        if "amounts" not in memo:
            memo["amounts"] = kpi._dunning_fetch_amounts(company, left)
        kpi._dunning_refresh(company, left[0], left[0], memo["amounts"])
        return cursor.position + 1, 1, len(left) - 1

    def action_open_customers(self):
        """The per-customer rows of this company row's month, largest overdue first."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account_dunning.account_dunning_kpi_action_customers")
        action["name"] = action["display_name"] = self.env._("Customers: %(month)s", month=self.display_name)
        action["domain"] = [
            ("company_id", "=", self.company_id.id),
            ("date", "=", self.date),
            ("partner_id", "!=", False),
        ]
        return action
