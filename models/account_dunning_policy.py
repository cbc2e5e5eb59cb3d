from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.security import check_manager
from .res_company import DUNNING_POLICY_SETTINGS


class AccountDunningPolicy(models.Model):
    _name = "account.dunning.policy"
    _description = "Follow-up Policy"
    _order = "company_id, kind, id"
    _check_company_auto = True

    # A policy is what a simulation replays: the company's current scenarios and settings (kind "live", holding
    # nothing of its own), or a draft: its own copies of scenarios, levels, segment rules and tolerance settings,
    # which a manager edits without touching the live ones (the daily run and the nightly job ignore them).

    name = fields.Char(required=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    kind = fields.Selection(
        [("live", "Current scenarios and settings"), ("draft", "Draft")], required=True, default="draft", readonly=True
    )
    fixed_ladder = fields.Boolean(readonly=True, help="The fixed ladder that simulations compare with by default.")
    scenario_ids = fields.One2many("account.dunning.scenario", "policy_id", string="Scenarios")
    segment_rule_ids = fields.One2many("account.dunning.segment.rule", "policy_id", string="Risk Segment Rules")
    # Tolerance settings of a draft (the live ones are the company's, see DUNNING_POLICY_SETTINGS).
    window_days = fields.Integer(string="Payment History Window (days)", default=365)
    grace_days = fields.Integer(string="Late Payment Grace (days)")
    min_history = fields.Integer(string="Minimum Payment History", default=3)
    statistic = fields.Selection(
        selection=lambda self: self.env["res.company"]._fields["dunning_tolerance_statistic"].selection,
        string="Tolerance Based On",
        default="median",
        required=True,
    )
    margin_days = fields.Integer(string="Tolerance Margin (days)", default=4)
    new_days = fields.Integer(string="Tolerance of New Customers (days)", default=5)
    cap_good = fields.Integer(string="Tolerance Cap, Good Payers (days)", default=20)
    cap_occasional = fields.Integer(string="Tolerance Cap, Occasional Late Payers (days)", default=20)
    cap_risky = fields.Integer(string="Tolerance Cap, Risky Customers (days)", default=12)
    cap_bad = fields.Integer(string="Tolerance Cap, Bad Payers (days)")
    spread_days = fields.Integer(string="Steady Habit Spread (days)", default=4)
    irregular_days = fields.Integer(string="Tolerance of an Irregular Habit (days)", default=12)
    growth_days = fields.Integer(string="Going Bad: Growth of the Last Delays (days)", default=8)
    large_factor = fields.Float(string="Large Invoice Factor", default=3.0, digits=(4, 1))
    balance_factor = fields.Float(string="Overdue Balance Factor", default=5.0, digits=(4, 1))
    dispute_days = fields.Integer(string="Dispute Memory (days)", default=90)

    @api.constrains("kind", "company_id")
    def _check_one_live_policy(self):
        """A company has one policy standing for its current scenarios and settings."""
        for company in self.filtered(lambda policy: policy.kind == "live").company_id:
            if self.search_count([("company_id", "=", company.id), ("kind", "=", "live")]) > 1:
                raise ValidationError(
                    self.env._("%(company)s already has its current policy.", company=company.display_name)
                )

    @api.constrains(*DUNNING_POLICY_SETTINGS)
    def _check_setting_bounds(self):
        """Each setting of a draft stays within the range allowed for the company's."""
        bounds = self.env["res.company"]._dunning_setting_bounds()
        for policy in self.filtered(lambda policy: policy.kind == "draft"):
            for key, company_field in DUNNING_POLICY_SETTINGS.items():
                low, high = bounds.get(company_field, (None, None))
                if low is not None and not low <= policy[key] <= high:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s must be between %(low)s and %(high)s (got %(value)s).",
                            setting=self._fields[key].get_description(self.env)["string"],
                            low=low,
                            high=high,
                            value=policy[key],
                        )
                    )

    def _dunning_settings(self):
        """The policy's tolerance settings as a plain dict (res.company._dunning_policy_settings())."""
        self.ensure_one()
        if self.kind == "live":
            return self.company_id._dunning_policy_settings()
        return {key: self[key] for key in DUNNING_POLICY_SETTINGS}

    def _dunning_scenarios(self):
        """The active scenarios of the policy (the company's live ones for the current policy)."""
        self.ensure_one()
        policy = self.id if self.kind == "draft" else False
        return self.env["account.dunning.scenario"].search(
            [("company_id", "=", self.company_id.id), ("policy_id", "=", policy)]
        )

    def _dunning_segment_rules(self):
        """The policy's segment rules, compiled (account.dunning.segment.rule._dunning_compile())."""
        self.ensure_one()
        if self.kind == "live":
            return self.env["res.partner"]._dunning_live_segment_rules(self.company_id)
        return self.segment_rule_ids.filtered("active")._dunning_compile()

    @api.model
    def _dunning_live_policy(self, company):
        """The policy standing for the company's current scenarios and settings (made on first use)."""
        policy = self.search([("company_id", "=", company.id), ("kind", "=", "live")], limit=1)
        return policy or self.create(
            {"name": self.env._("Current scenarios and settings"), "company_id": company.id, "kind": "live"}
        )

    def action_make_draft(self):
        """Copy this policy (or the current scenarios and settings) into a new draft, and open it."""
        self.ensure_one()
        check_manager(self.env)
        draft = self._dunning_copy_to_draft(self.env._("Draft of %(policy)s", policy=self.name))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": draft.id,
            "view_mode": "form",
        }

    def _dunning_copy_to_draft(self, name):
        """A new draft holding copies of this policy's scenarios, levels, segment rules and settings."""
        self.ensure_one()
        draft = self.create({"name": name, "company_id": self.company_id.id, "kind": "draft"})
        draft.write(self._dunning_settings())
        for scenario in self._dunning_scenarios():
            origin = scenario.origin_scenario_id if self.kind == "draft" else scenario
            scenario.copy({"policy_id": draft.id, "origin_scenario_id": origin.id, "name": scenario.name})
        rules = self.segment_rule_ids if self.kind == "draft" else self._dunning_live_rule_records()
        for rule in rules:
            rule.copy({"policy_id": draft.id, "name": rule.name})
        return draft

    def _dunning_live_rule_records(self):
        """The company's live segment rules."""
        return self.env["account.dunning.segment.rule"].search(
            [("company_id", "=", self.company_id.id), ("policy_id", "=", False)]
        )

    @api.model
    def _dunning_fixed_ladder(self, company):
        """The draft policy of a fixed ladder, due +1, +15, +30, +45 for every customer with no personal tolerance
        (all caps and the new-customer tolerance at 0): what simulations compare with by default."""
        policy = self.search([("company_id", "=", company.id), ("fixed_ladder", "=", True)], limit=1)
        if policy:
            return policy
        live = self._dunning_live_policy(company)
        settings = dict(live._dunning_settings(), new_days=0, cap_good=0, cap_occasional=0, cap_risky=0, cap_bad=0)
        policy = self.create(
            {
                "name": self.env._("Fixed ladder: due +1, +15, +30, +45"),
                "company_id": company.id,
                "fixed_ladder": True,
                **settings,
            }
        )
        self.env["account.dunning.scenario"].create(
            {
                "name": self.env._("Fixed ladder"),
                "company_id": company.id,
                "policy_id": policy.id,
                "segment_ids": [
                    fields.Command.set(self.env["account.dunning.segment"].search([("code", "!=", False)]).ids)
                ],
                "level_ids": [
                    fields.Command.create(self._dunning_fixed_level_vals(*row)) for row in self._dunning_fixed_rows()
                ],
            }
        )
        return policy

    @api.model
    def _dunning_fixed_rows(self):
        """The levels of the fixed ladder: (name, trigger, channels, letter type)."""
        _ = self.env._
        return [
            (_("Reminder 1"), 1, ("email",), "reminder"),
            (_("Reminder 2"), 15, ("email",), "reminder"),
            (_("Reminder 3"), 30, ("email", "sms"), "reminder"),
            (_("Formal notice"), 45, ("email", "letter"), "formal_notice"),
        ]

    @api.model
    def _dunning_fixed_level_vals(self, name, trigger, channels, letter_variant):
        """Values of one level of the fixed ladder, with the shipped templates."""
        formal = letter_variant == "formal_notice"
        template = "mail_template_dunning_formal" if formal else "mail_template_dunning_reminder"
        return {
            "name": name,
            "sequence": trigger,
            "trigger_days": trigger,
            "interval_days": 14,
            "letter_variant": letter_variant,
            "mail_template_id": self.env.ref(f"account_dunning.{template}").id,
            "sms_template_id": self.env.ref("account_dunning.sms_template_dunning_reminder").id,
            "attach_invoices": formal,
            "need_validation": formal,
            **{f"channel_{channel}": channel in channels for channel in ("email", "sms", "letter", "phone")},
        }
