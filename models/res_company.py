from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # Follow-up run settings (issue 4: scenarios, levels and the daily run).
    dunning_min_amount = fields.Monetary(
        string="Follow-up Minimum Amount",
        currency_field="currency_id",
        help="Customers owing less than this amount (company currency) are not followed up.",
    )
    dunning_send_enabled = fields.Boolean(
        string="Send Follow-ups Automatically",
        default=False,
        help="Safety switch: while off, every follow-up waits in 'To validate' until an accountant sends it.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._dunning_create_default_scenarios()
        return companies

    def _dunning_create_default_scenarios(self):
        """A new company starts with a copy of the default follow-up scenarios, one per risk segment."""
        defaults = self.env["account.dunning.scenario"]
        for segment in ("new", "good", "occasional", "risky", "bad"):
            defaults |= (
                self.env.ref(f"account_dunning.account_dunning_scenario_{segment}", raise_if_not_found=False)
                or defaults
            )
        defaults = defaults.sudo().filtered("active")
        for company in self:
            for scenario in defaults.filtered(lambda scenario, company=company: scenario.company_id != company):
                scenario.copy({"company_id": company.id, "name": scenario.name})

    @api.model
    def _dunning_init_default_scenarios(self):
        """At installation, companies other than the main one get the default scenarios too."""
        with_scenarios = (
            self.env["account.dunning.scenario"].with_context(active_test=False)._read_group([], ["company_id"])
        )
        done = {company.id for (company,) in with_scenarios}
        self.search([("id", "not in", list(done))])._dunning_create_default_scenarios()
