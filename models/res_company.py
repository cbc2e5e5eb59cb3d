from odoo import api, fields, models
from odoo.exceptions import ValidationError

#: setting key of a policy -> company field holding the live value (a draft policy has a field per key)
DUNNING_POLICY_SETTINGS = {
    "window_days": "dunning_behaviour_window_days",
    "grace_days": "dunning_behaviour_grace_days",
    "min_history": "dunning_behaviour_min_history",
    "statistic": "dunning_tolerance_statistic",
    "margin_days": "dunning_tolerance_margin_days",
    "new_days": "dunning_tolerance_new_days",
    "cap_good": "dunning_tolerance_cap_good",
    "cap_occasional": "dunning_tolerance_cap_occasional",
    "cap_risky": "dunning_tolerance_cap_risky",
    "cap_bad": "dunning_tolerance_cap_bad",
    "spread_days": "dunning_tolerance_spread_days",
    "irregular_days": "dunning_tolerance_irregular_days",
    "growth_days": "dunning_tolerance_growth_days",
    "large_factor": "dunning_tolerance_large_factor",
    "balance_factor": "dunning_tolerance_balance_factor",
    "dispute_days": "dunning_tolerance_dispute_days",
}


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

    # Payment behaviour: how the customers' statistics, segments and tolerances are computed.
    dunning_behaviour_window_days = fields.Integer(
        string="Payment History Window (days)",
        default=365,
        help="Invoices fully paid during these last days make a customer's payment statistics.",
    )
    dunning_behaviour_grace_days = fields.Integer(
        string="Late Payment Grace (days)",
        default=0,
        help="An invoice counts as paid late when it is paid more than these days after its due date.",
    )
    dunning_behaviour_min_history = fields.Integer(
        string="Minimum Payment History",
        default=3,
        help="Below this number of paid invoices in the window, a customer is new: its history is too thin.",
    )
    dunning_tolerance_statistic = fields.Selection(
        selection=[
            ("avg", "Amount-weighted average delay"),
            ("median", "Median delay"),
            ("p75", "75th percentile of the delays"),
        ],
        string="Tolerance Based On",
        default="median",
        required=True,
        help="Which usual delay of the customer its personal tolerance starts from.",
    )
    dunning_tolerance_margin_days = fields.Integer(
        string="Tolerance Margin (days)",
        default=4,
        help="Days added to the customer's usual delay to make its personal tolerance.",
    )
    dunning_tolerance_new_days = fields.Integer(
        string="Tolerance of New Customers (days)",
        default=5,
        help="Personal tolerance of a customer whose history is too thin (segment New).",
    )
    dunning_tolerance_cap_good = fields.Integer(string="Tolerance Cap, Good Payers (days)", default=20)
    dunning_tolerance_cap_occasional = fields.Integer(string="Tolerance Cap, Occasional Late Payers (days)", default=20)
    dunning_tolerance_cap_risky = fields.Integer(string="Tolerance Cap, Risky Customers (days)", default=12)
    dunning_tolerance_cap_bad = fields.Integer(string="Tolerance Cap, Bad Payers (days)", default=0)
    # The tolerance predictor (res_partner_tolerance.py): what makes an invoice riskier than the customer's habit.
    dunning_tolerance_spread_days = fields.Integer(
        string="Steady Habit Spread (days)",
        default=4,
        help="When a quarter of a customer's invoices are paid more than these days later than its usual delay (75th "
        "percentile minus median), it has no steady habit and gets at most the tolerance of an irregular habit. "
        "0: not used.",
    )
    dunning_tolerance_irregular_days = fields.Integer(
        string="Tolerance of an Irregular Habit (days)",
        default=12,
        help="A customer whose delays spread more than the steady habit spread gets at most this tolerance.",
    )
    dunning_tolerance_growth_days = fields.Integer(
        string="Going Bad: Growth of the Last Delays (days)",
        default=8,
        help="A customer whose last three delays grew each time by 3 days or more, and by this many days in all, "
        "loses its tolerance. 0: not used.",
    )
    dunning_tolerance_large_factor = fields.Float(
        string="Large Invoice Factor",
        default=3.0,
        digits=(4, 1),
        help="An invoice of at least this many times the customer's usual amount gets half the tolerance. 0: not used.",
    )
    dunning_tolerance_balance_factor = fields.Float(
        string="Overdue Balance Factor",
        default=5.0,
        digits=(4, 1),
        help="No tolerance while the customer's overdue amount reaches this many times its usual invoice amount. "
        "0: not used.",
    )
    dunning_tolerance_dispute_days = fields.Integer(
        string="Dispute Memory (days)",
        default=90,
        help="No tolerance for a customer who disputed an invoice during these last days. 0: not used.",
    )

    @api.model
    def _dunning_setting_bounds(self):
        """Sane range of each numeric follow-up setting: {field: (minimum, maximum)}."""
        return {
            "dunning_behaviour_window_days": (30, 3650),
            "dunning_behaviour_grace_days": (0, 90),
            "dunning_behaviour_min_history": (1, 50),
            "dunning_tolerance_margin_days": (0, 60),
            "dunning_tolerance_new_days": (0, 60),
            "dunning_tolerance_cap_good": (0, 120),
            "dunning_tolerance_cap_occasional": (0, 120),
            "dunning_tolerance_cap_risky": (0, 120),
            "dunning_tolerance_cap_bad": (0, 120),
            "dunning_tolerance_spread_days": (0, 60),
            "dunning_tolerance_irregular_days": (0, 60),
            "dunning_tolerance_growth_days": (0, 120),
            "dunning_tolerance_large_factor": (0, 100),
            "dunning_tolerance_balance_factor": (0, 100),
            "dunning_tolerance_dispute_days": (0, 3650),
            "dunning_notice_days": (1, 60),
            "dunning_max_retries": (1, 10),
        }

    @api.constrains(
        "dunning_behaviour_window_days",
        "dunning_behaviour_grace_days",
        "dunning_behaviour_min_history",
        "dunning_tolerance_margin_days",
        "dunning_tolerance_new_days",
        "dunning_tolerance_cap_good",
        "dunning_tolerance_cap_occasional",
        "dunning_tolerance_cap_risky",
        "dunning_tolerance_cap_bad",
        "dunning_tolerance_spread_days",
        "dunning_tolerance_irregular_days",
        "dunning_tolerance_growth_days",
        "dunning_tolerance_large_factor",
        "dunning_tolerance_balance_factor",
        "dunning_tolerance_dispute_days",
        "dunning_notice_days",
        "dunning_max_retries",
        "dunning_min_amount",
    )
    def _check_dunning_setting_bounds(self):
        """Each follow-up setting stays within its sane range; the minimum amount is not negative."""
        for company in self:
            for fname, (low, high) in self._dunning_setting_bounds().items():
                if not low <= company[fname] <= high:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s must be between %(low)s and %(high)s (got %(value)s).",
                            setting=self._fields[fname].get_description(self.env)["string"],
                            low=low,
                            high=high,
                            value=company[fname],
                        )
                    )
            if company.currency_id.compare_amounts(company.dunning_min_amount, 0.0) < 0:
                raise ValidationError(self.env._("The follow-up minimum amount cannot be negative."))

    def _dunning_policy_settings(self):
        """The payment-behaviour and tolerance settings as a plain dict (keys of DUNNING_POLICY_SETTINGS): what the
        statistics, segments and tolerances read, from the company or from a draft policy alike."""
        self.ensure_one()
        return {key: self[fname] for key, fname in DUNNING_POLICY_SETTINGS.items()}
