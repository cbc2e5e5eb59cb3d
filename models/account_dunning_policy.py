from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.security import check_manager


class AccountDunningPolicy(models.Model):
    _name = "account.dunning.policy"
    _description = "Follow-up Policy"
    _order = "company_id, kind, id"
    _check_company_auto = True

    # A policy is what a simulation replays: the company's current policy (kind "live": the scenarios and segment
    # rules in use, and the settings it holds, account_dunning_policy_settings.py), or a draft: its own copies of
    # scenarios, levels, segment rules and settings, which a manager edits without touching the live ones (the daily
    # run and the nightly job ignore them).

    name = fields.Char(required=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    kind = fields.Selection(
        [("live", "Current scenarios and settings"), ("draft", "Draft")], required=True, default="draft", readonly=True
    )
    fixed_ladder = fields.Boolean(readonly=True, help="The fixed ladder that simulations compare with by default.")
    scenario_ids = fields.One2many("account.dunning.scenario", "policy_id", string="Scenarios")
    segment_rule_ids = fields.One2many("account.dunning.segment.rule", "policy_id", string="Risk Segment Rules")

    @api.constrains("kind", "company_id")
    def _check_one_live_policy(self):
        """A company has one policy standing for its current scenarios and settings."""
        for company in self.filtered(lambda policy: policy.kind == "live").company_id:
            if self.search_count([("company_id", "=", company.id), ("kind", "=", "live")]) > 1:
                raise ValidationError(
                    self.env._("%(company)s already has its current policy.", company=company.display_name)
                )

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
        """The company's current policy: its scenarios, segment rules and settings in use (made with the company)."""
        # sudo: the current policy holds settings every user computing statistics or running follow-ups reads
        policy = company.sudo().dunning_policy_id
        if not policy:
            policy = self.sudo().create(
                {"name": self.env._("Current scenarios and settings"), "company_id": company.id, "kind": "live"}
            )
            company.sudo().dunning_policy_id = policy
        return policy.with_env(self.env)

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
