from odoo import api, models

from .spreadsheet_dashboard import COLLECTIONS


class AccountDunningKpi(models.Model):
    _inherit = "account.dunning.kpi"

    @api.model
    def _dunning_digest_url(self, company):
        """The weekly collections email leads to the Collections dashboard."""
        dashboard = self.env.ref(COLLECTIONS, raise_if_not_found=False)
        if not dashboard:
            return super()._dunning_digest_url(company)
        return f"{company.get_base_url()}/odoo/dashboards?dashboard_id={dashboard.id}"
