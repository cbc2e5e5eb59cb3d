from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountDunningScenario(models.Model):
    _name = "account.dunning.scenario"
    _description = "Follow-up Scenario"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    segment_ids = fields.Many2many(
        "account.dunning.segment",
        string="Risk Segments",
        help="Customers of these risk segments follow this scenario, unless a scenario is set on the customer.",
    )
    policy_id = fields.Many2one(
        "account.dunning.policy",
        string="Draft Policy",
        ondelete="cascade",
        index="btree_not_null",
        check_company=True,
        help="Set on the copies of a draft policy: the daily run never uses them.",
    )
    origin_scenario_id = fields.Many2one(
        "account.dunning.scenario",
        string="Copied From",
        ondelete="set null",
        help="The live scenario this draft copy was made from: customers given that scenario follow this copy in a "
        "simulation of the draft policy.",
    )
    level_ids = fields.One2many("account.dunning.level", "scenario_id", string="Levels", copy=True)
    level_count = fields.Integer(compute="_compute_level_count", string="Number of Levels")

    @api.depends("level_ids")
    def _compute_level_count(self):
        for scenario in self:
            scenario.level_count = len(scenario.level_ids)

    @api.constrains("segment_ids", "active", "company_id", "policy_id")
    def _check_one_scenario_per_segment(self):
        """A risk segment is served by at most one active scenario per company (and per draft policy)."""
        groups = self._read_group(
            [("active", "=", True), ("company_id", "in", self.company_id.ids), ("segment_ids", "!=", False)],
            ["company_id", "policy_id", "segment_ids"],
            ["id:recordset"],
        )
        for company, _policy, segment, scenarios in groups:
            if len(scenarios) > 1:
                raise ValidationError(
                    self.env._(
                        "The risk segment %(segment)s is served by several active scenarios in %(company)s: "
                        "%(scenarios)s. Keep one.",
                        segment=segment.name,
                        company=company.name,
                        scenarios=", ".join(scenarios.mapped("name")),
                    )
                )

    def _get_ordered_levels(self):
        """Levels of the scenario, in escalation order."""
        self.ensure_one()
        return self.level_ids.sorted(lambda level: (level.sequence, level.trigger_days, level.id))
