from odoo import api, fields, models

from ..tools.settings import check_setting_bounds

#: the settings of a policy that the payment statistics, segments and tolerances read, as a plain dict
#: (account.dunning.policy._dunning_settings()); each is a field of the policy, declared here only
POLICY_SETTINGS = (
    "window_days",
    "grace_days",
    "min_history",
    "tolerance_method",
    "late_days",
    "risk_percent",
    "prior_weight",
    "statistic",
    "margin_days",
    "new_days",
    "cap_good",
    "cap_occasional",
    "cap_risky",
    "cap_bad",
    "growth_days",
    "large_factor",
    "balance_factor",
    "dispute_days",
    "new_invoice_days",
)

#: sane range of each numeric setting: {field: (minimum, maximum)}
SETTING_BOUNDS = {
    "window_days": (30, 3650),
    "grace_days": (0, 90),
    "min_history": (1, 50),
    "late_days": (5, 90),
    "risk_percent": (1, 100),
    "prior_weight": (0, 50),
    "margin_days": (0, 60),
    "new_days": (0, 60),
    "cap_good": (0, 120),
    "cap_occasional": (0, 120),
    "cap_risky": (0, 120),
    "cap_bad": (0, 120),
    "growth_days": (0, 120),
    "large_factor": (0, 100),
    "balance_factor": (0, 100),
    "dispute_days": (0, 3650),
    "new_invoice_days": (0, 60),
}


class AccountDunningPolicy(models.Model):
    _inherit = "account.dunning.policy"  # pylint: disable=consider-merging-classes-inherited

    # The settings of the payment statistics, segments and personal tolerances. The company's current policy holds
    # the settings in use (Settings > Follow-ups edits them there); a draft holds its own copy.

    # Payment history
    window_days = fields.Integer(
        string="Payment History Window (days)",
        default=365,
        help="Invoices fully paid during these last days make a customer's payment statistics.",
    )
    grace_days = fields.Integer(
        string="Late Payment Grace (days)",
        default=0,
        help="An invoice counts as paid late when it is paid more than these days after its due date.",
    )
    min_history = fields.Integer(
        string="Minimum Payment History",
        default=3,
        help="Below this number of paid invoices in the window, a customer is new: its history is too thin.",
    )
    # Personal tolerance
    tolerance_method = fields.Selection(
        selection=[
            ("risk", "The customer's own risk of paying seriously late"),
            ("habit", "The customer's usual delay plus a margin"),
        ],
        string="Tolerance From",
        default="risk",
        required=True,
        help="Risk: a customer is chased on the first day after the due date when, judging by its own paid invoices "
        "(and the company's for a thin history), an invoice still unpaid that day ends seriously late often enough. "
        "Habit: its usual delay plus a margin.",
    )
    late_days = fields.Integer(
        string="Seriously Late From (days)",
        default=15,
        help="An invoice paid this many days after its due date, or later, was seriously late: the tolerance never "
        "reaches it.",
    )
    risk_percent = fields.Integer(
        string="Chase at a Risk of (%)",
        default=44,
        help="Risk method: the customer is chased once this share of its invoices still unpaid that many days after "
        "their due date ended seriously late.",
    )
    prior_weight = fields.Float(
        string="Weight of the Company's History (invoices)",
        default=3.0,
        digits=(4, 1),
        help="Risk method: the company's own invoices count as this many invoices of the customer, so that a thin "
        "history leans on the company's.",
    )
    statistic = fields.Selection(
        selection=[
            ("avg", "Amount-weighted average delay"),
            ("median", "Median delay"),
            ("p75", "75th percentile of the delays"),
        ],
        string="Usual Delay",
        default="median",
        required=True,
        help="Habit method: which usual delay of the customer its tolerance starts from.",
    )
    margin_days = fields.Integer(
        string="Tolerance Margin (days)",
        default=4,
        help="Habit method: days added to the customer's usual delay.",
    )
    new_days = fields.Integer(
        string="Tolerance of New Customers (days)",
        default=5,
        help="Personal tolerance of a customer whose history is too thin (segment New).",
    )
    cap_good = fields.Integer(string="Tolerance Cap, Good Payers (days)", default=20)
    cap_occasional = fields.Integer(string="Tolerance Cap, Occasional Late Payers (days)", default=20)
    cap_risky = fields.Integer(string="Tolerance Cap, Risky Customers (days)", default=12)
    cap_bad = fields.Integer(string="Tolerance Cap, Bad Payers (days)", default=0)
    # What makes one invoice riskier than the customer's habit
    growth_days = fields.Integer(
        string="Going Bad: Growth of the Last Delays (days)",
        default=8,
        help="A customer whose last three delays grew each time by 3 days or more, and by this many days in all, "
        "loses its tolerance. 0: not used.",
    )
    large_factor = fields.Float(
        string="Large Invoice Factor",
        default=3.0,
        digits=(4, 1),
        help="An invoice of at least this many times the customer's usual amount gets half the tolerance. 0: not used.",
    )
    balance_factor = fields.Float(
        string="Overdue Balance Factor",
        default=5.0,
        digits=(4, 1),
        help="No tolerance while the customer's overdue amount reaches this many times its usual invoice amount. "
        "0: not used.",
    )
    dispute_days = fields.Integer(
        string="Dispute Memory (days)",
        default=90,
        help="No tolerance for a customer who disputed an invoice during these last days. 0: not used.",
    )

    # Pace of the follow-ups
    new_invoice_days = fields.Integer(
        string="First Reminder of a Newly Late Invoice After (days)",
        default=7,
        help="A customer already followed up gets the first reminder of a newly late invoice once this many days "
        "have passed since its last follow-up (the level's interval when shorter); escalations wait the full "
        "interval of their level.",
    )

    @api.constrains(*SETTING_BOUNDS)
    def _check_setting_bounds(self):
        """Each setting stays within its sane range."""
        check_setting_bounds(self, SETTING_BOUNDS)

    def _dunning_settings(self):
        """The policy's settings as a plain dict (keys of POLICY_SETTINGS)."""
        self.ensure_one()
        return {key: self[key] for key in POLICY_SETTINGS}

    @api.model
    def _dunning_simple_rule_values(self, statistic, margin, cap):
        """Settings of a simple habit rule: the usual delay plus a margin, at most the cap, nothing else (what the
        benchmark compares the shipped defaults with)."""
        return {
            "tolerance_method": "habit",
            "statistic": statistic,
            "margin_days": margin,
            **{f"cap_{segment}": cap for segment in ("good", "occasional", "risky", "bad")},
            "growth_days": 0,
            "large_factor": 0.0,
            "balance_factor": 0.0,
            "dispute_days": 0,
        }
