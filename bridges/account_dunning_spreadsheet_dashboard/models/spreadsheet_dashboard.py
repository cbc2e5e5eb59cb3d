from dateutil.relativedelta import relativedelta

from odoo import fields, models

COLLECTIONS = "account_dunning_spreadsheet_dashboard.spreadsheet_dashboard_collections"
#: the ids of the dashboard's global filters (scripts/dashboard_sources.py)
PERIOD_FILTER = "5d0b6a41-7a3c-4f0e-9d7e-2a9c1e6b3f10"
COMPANY_FILTER = "8a1f3c52-4e6d-4b7a-8c9e-0f1a2b3c4d50"
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


class SpreadsheetDashboard(models.Model):
    _inherit = "spreadsheet.dashboard"

    def get_readonly_dashboard(self):
        """The Collections dashboard opens on the current company and its latest month measured."""
        result = super().get_readonly_dashboard()
        collections = self.env.ref(COLLECTIONS, raise_if_not_found=False)
        if collections and self == collections and not result.get("is_sample"):
            self._dunning_set_filter_defaults(result["snapshot"])
        return result

    def _dunning_set_filter_defaults(self, snapshot):
        """Default values of the Period and Company filters: the month of the current company's latest KPI row
        (else last month, which the nightly job measures next) and the current company."""
        company = self.env.company
        today = fields.Date.context_today(self)
        latest = self.env["account.dunning.kpi"].search(
            [("company_id", "=", company.id), ("partner_id", "=", False)], order="date desc", limit=1
        )
        month = latest.date or today.replace(day=1) - relativedelta(months=1)
        defaults = {
            PERIOD_FILTER: {"defaultValue": {"yearOffset": month.year - today.year, "period": MONTHS[month.month - 1]}},
            COMPANY_FILTER: {"defaultValue": [company.id], "defaultValueDisplayNames": [company.display_name]},
        }
        for global_filter in snapshot.get("globalFilters", []):
            global_filter.update(defaults.get(global_filter["id"], {}))
