from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.settings import check_setting_bounds
from .res_company_answers import DUNNING_ANSWER_SETTING_BOUNDS


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
    dunning_responsible_id = fields.Many2one(
        "res.users",
        string="Default Collections Responsible",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Owns the follow-up tasks (calls, litigation, failures) and signs the letters of customers without a "
        "responsible or salesperson of their own. Required once follow-ups are sent automatically.",
    )
    dunning_max_retries = fields.Integer(
        string="Attempts per Failing Follow-up",
        default=3,
        help="A follow-up that fails (e.g. a broken template) is retried by the daily run on the same record up to "
        "this number of attempts; then its responsible gets a task and the run waits for a fix.",
    )
    dunning_weekly_digest = fields.Boolean(
        string="Weekly Collections Email",
        default=False,
        help="Every Monday the accounting managers of the company receive the collections headline (DSO, CEI, "
        "overdue and its change on the month before), the five largest debtors and a link to the dashboard.",
    )

    @api.constrains("dunning_send_enabled", "dunning_responsible_id")
    def _check_dunning_responsible(self):
        """Follow-ups sent automatically need someone real to own their tasks."""
        for company in self:
            if company.dunning_send_enabled and not company.dunning_responsible_id.active:
                raise ValidationError(
                    self.env._(
                        "Choose an active default collections responsible for %(company)s before sending follow-ups "
                        "automatically: calls, litigation and failures need an owner.",
                        company=company.display_name,
                    )
                )

    def _dunning_manager(self):
        """Who is told when a follow-up job fails for the company: its default collections responsible, else its
        first active accounting manager (None when it has neither)."""
        self.ensure_one()
        if self.dunning_responsible_id.active:
            return self.dunning_responsible_id
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("share", "=", False),
                    ("company_ids", "in", self.id),
                    ("groups_id", "in", self.env.ref("account.group_account_manager").id),
                ],
                order="id",
                limit=1,
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._dunning_create_default_scenarios()
        for company in companies:
            self.env["account.dunning.policy"]._dunning_live_policy(company)
        self.env["account.dunning.segment.rule"]._dunning_create_default_rules(companies)
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

    dunning_policy_id = fields.Many2one(
        "account.dunning.policy",
        string="Current Follow-up Policy",
        readonly=True,
        copy=False,
        help="The settings of the payment statistics, segments and tolerances in use (with the live scenarios and "
        "segment rules, what a simulation calls the current policy).",
    )

    @api.model
    def _dunning_setting_bounds(self):
        """Sane range of each numeric follow-up setting: {field: (minimum, maximum)}."""
        return {
            "dunning_notice_days": (1, 60),
            "dunning_max_retries": (1, 10),
            **DUNNING_ANSWER_SETTING_BOUNDS,
        }

    @api.constrains(
        "dunning_notice_days",
        "dunning_max_retries",
        "dunning_min_amount",
    )
    def _check_dunning_setting_bounds(self):
        """Each follow-up setting stays within its sane range; the minimum amount is not negative."""
        check_setting_bounds(self, self._dunning_setting_bounds())
        for company in self:
            if company.currency_id.compare_amounts(company.dunning_min_amount, 0.0) < 0:
                raise ValidationError(self.env._("The follow-up minimum amount cannot be negative."))

    def _dunning_policy_settings(self):
        """The payment-behaviour and tolerance settings in use, as a plain dict (account.dunning.policy
        ._dunning_settings()): what the statistics, segments and tolerances read."""
        self.ensure_one()
        # sudo: the settings in use are read by every user whose work computes statistics or runs follow-ups
        return self.env["account.dunning.policy"].sudo()._dunning_live_policy(self)._dunning_settings()
