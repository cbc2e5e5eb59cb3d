from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

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
        default=2,
        help="Days added to the customer's usual delay to make its personal tolerance.",
    )
    dunning_tolerance_new_days = fields.Integer(
        string="Tolerance of New Customers (days)",
        default=5,
        help="Personal tolerance of a customer whose history is too thin (segment New).",
    )
    dunning_tolerance_cap_good = fields.Integer(string="Tolerance Cap, Good Payers (days)", default=20)
    dunning_tolerance_cap_occasional = fields.Integer(string="Tolerance Cap, Occasional Late Payers (days)", default=14)
    dunning_tolerance_cap_risky = fields.Integer(string="Tolerance Cap, Risky Customers (days)", default=0)
    dunning_tolerance_cap_bad = fields.Integer(string="Tolerance Cap, Bad Payers (days)", default=0)

    _sql_constraints = [
        (
            "dunning_behaviour_positive",
            "CHECK(dunning_behaviour_window_days > 0 AND dunning_behaviour_grace_days >= 0 "
            "AND dunning_behaviour_min_history >= 0 AND dunning_tolerance_margin_days >= 0 "
            "AND dunning_tolerance_new_days >= 0 AND dunning_tolerance_cap_good >= 0 "
            "AND dunning_tolerance_cap_occasional >= 0 AND dunning_tolerance_cap_risky >= 0 "
            "AND dunning_tolerance_cap_bad >= 0)",
            "The payment history window must be positive; grace, margin, caps and defaults cannot be negative.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["account.dunning.segment.rule"]._dunning_create_default_rules(companies)
        return companies

    def _dunning_tolerance_cap(self, segment):
        """Most personal tolerance a customer of this segment may get (None: no cap for unknown segments)."""
        self.ensure_one()
        field = f"dunning_tolerance_cap_{segment}"
        return self[field] if field in self._fields else None
