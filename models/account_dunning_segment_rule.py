from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountDunningSegmentRule(models.Model):
    _name = "account.dunning.segment.rule"
    _description = "Follow-up Risk Segment Rule"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(
        required=True, translate=True, help="What the rule detects, shown in the customer's segment explanation."
    )
    sequence = fields.Integer(default=10, help="Rules are tried in this order; the first one that matches decides.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    policy_id = fields.Many2one(
        "account.dunning.policy",
        string="Draft Policy",
        ondelete="cascade",
        index="btree_not_null",
        check_company=True,
        help="Set on the copies of a draft policy: the nightly statistics and the daily run never use them.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    segment = fields.Selection(
        selection=lambda self: self.env["res.partner"]._dunning_segment_selection(),
        required=True,
        help="Segment given to a customer who meets every threshold of this rule.",
    )
    # Thresholds: a customer matches when it reaches every threshold that is set (0 = not used).
    min_late_ratio = fields.Float(
        string="Late Invoices (share) at Least",
        help="Share of the paid invoices paid more than the grace period after their due date (0.5 = 50%).",
    )
    min_delay_avg = fields.Integer(string="Average Delay at Least (days)")
    min_delay_max = fields.Integer(string="Worst Delay at Least (days)")
    min_delay_stddev = fields.Integer(
        string="Delay Spread at Least (days)",
        help="Standard deviation of the delays: high when the customer pays late by an erratic amount.",
    )
    min_delay_trend = fields.Integer(
        string="Delay Trend at Least (days)",
        help="Average delay of the newer half of the paid invoices minus that of the older half: "
        "positive when the customer pays later and later.",
    )
    min_overdue_days = fields.Integer(string="Oldest Overdue at Least (days)")
    min_overdue_amount = fields.Monetary(string="Overdue Amount at Least", currency_field="currency_id")
    min_dispute_count = fields.Integer(
        string="Disputed Invoices at Least",
        help="Invoices the customer disputed during the payment history window, resolved or not.",
    )
    min_formal_notice_count = fields.Integer(
        string="Formal Notices at Least",
        help="Follow-ups at a formal-notice level sent to the customer during the payment history window.",
    )
    criteria_count = fields.Integer(compute="_compute_criteria_count", string="Criteria")

    _sql_constraints = [
        (
            "thresholds_positive",
            "CHECK(min_late_ratio >= 0 AND min_late_ratio <= 1 AND min_delay_avg >= 0 AND min_delay_max >= 0 "
            "AND min_delay_stddev >= 0 AND min_delay_trend >= 0 AND min_overdue_days >= 0 "
            "AND min_overdue_amount >= 0 AND min_dispute_count >= 0 AND min_formal_notice_count >= 0)",
            "Thresholds are positive and the late share is between 0 and 1.",
        ),
    ]

    @api.model
    def _dunning_criteria(self):
        """Criteria of a rule: (threshold field, statistic key, needs payment history); extend by overriding."""
        return [
            ("min_late_ratio", "late_ratio", True),
            ("min_delay_avg", "delay_avg", True),
            ("min_delay_max", "delay_max", True),
            ("min_delay_stddev", "delay_stddev", True),
            ("min_delay_trend", "delay_trend", True),
            ("min_overdue_days", "overdue_days", False),
            ("min_overdue_amount", "overdue_amount", False),
            ("min_dispute_count", "dispute_count", False),
            ("min_formal_notice_count", "formal_notice_count", False),
        ]

    @api.depends(lambda self: [field for field, _stat, _history in self._dunning_criteria()])
    def _compute_criteria_count(self):
        criteria = self._dunning_criteria()
        for rule in self:
            rule.criteria_count = sum(1 for field, _stat, _history in criteria if rule[field])

    @api.constrains(lambda self: ["name", "segment", *(field for field, _stat, _history in self._dunning_criteria())])
    def _check_has_a_criterion(self):
        for rule in self:
            if not rule.criteria_count:
                raise ValidationError(
                    self.env._("The segment rule %(rule)s needs at least one threshold.", rule=rule.name)
                )

    def _dunning_compile(self):
        """The rules as plain tuples, in order: (rule id, segment, [(statistic, threshold, needs history)]), so that
        the nightly job and the policy simulation decide many segments without reading the records again."""
        criteria = self._dunning_criteria()
        return [
            (rule.id, rule.segment, [(stat, rule[field], history) for field, stat, history in criteria if rule[field]])
            for rule in self.sorted(lambda rule: (rule.sequence, rule.id))
        ]

    @api.model
    def _dunning_conditions_met(self, conditions, stats, min_history):
        """A rule matches when every threshold it sets is reached; history thresholds need min_history paid invoices."""
        if not conditions:
            return False
        for stat, threshold, history in conditions:
            if history and stats["count"] < min_history:
                return False
            if (stats.get(stat) or 0) < threshold:
                return False
        return True

    @api.model
    def _dunning_default_rules_values(self, company):
        """Default rules: overdue age and chronic lateness first, then erratic or worsening delays, then lateness."""
        _ = self.env._
        rules = [
            (10, "bad", _("Overdue for 90 days or more"), {"min_overdue_days": 90}),
            (20, "bad", _("Pays 60 days late or more on average"), {"min_delay_avg": 60}),
            (30, "risky", _("Overdue for 45 days or more"), {"min_overdue_days": 45}),
            (35, "risky", _("Received a formal notice"), {"min_formal_notice_count": 1}),
            (38, "risky", _("Disputed three invoices or more"), {"min_dispute_count": 3}),
            (40, "risky", _("Pays 30 days late or more on average"), {"min_delay_avg": 30}),
            (50, "risky", _("Pays late by an erratic amount"), {"min_delay_stddev": 12, "min_delay_max": 25}),
            (60, "risky", _("Pays later and later"), {"min_delay_trend": 8}),
            (70, "occasional", _("Pays late now and then"), {"min_late_ratio": 0.2}),
        ]
        return [
            {"company_id": company.id, "sequence": seq, "segment": segment, "name": name, **thresholds}
            for seq, segment, name, thresholds in rules
        ]

    @api.model
    def _dunning_create_default_rules(self, companies):
        """Give each company without segment rules the default ones."""
        with_rules = (
            self.with_context(active_test=False)
            .search([("company_id", "in", companies.ids), ("policy_id", "=", False)])
            .company_id
        )
        vals_list = []
        for company in companies - with_rules:
            # source names in English whoever creates the company; translations are added below
            vals_list += self.with_context(lang="en_US")._dunning_default_rules_values(company)
        rules = self.sudo().with_context(lang="en_US").create(vals_list)
        rules._dunning_translate_default_names()
        return rules

    def _dunning_translate_default_names(self):
        """Give freshly created default rules their name in every installed language."""
        for lang, _name in self.env["res.lang"].get_installed():
            if lang == "en_US":
                continue
            for company, rules in self.grouped("company_id").items():
                names = [vals["name"] for vals in self.with_context(lang=lang)._dunning_default_rules_values(company)]
                for rule, name in zip(rules.sorted("sequence"), names, strict=True):
                    rule.with_context(lang=lang).name = name
