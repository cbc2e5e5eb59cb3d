from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Payment behaviour settings (per company).
    dunning_behaviour_window_days = fields.Integer(related="company_id.dunning_behaviour_window_days", readonly=False)
    dunning_behaviour_grace_days = fields.Integer(related="company_id.dunning_behaviour_grace_days", readonly=False)
    dunning_behaviour_min_history = fields.Integer(related="company_id.dunning_behaviour_min_history", readonly=False)
    dunning_tolerance_statistic = fields.Selection(related="company_id.dunning_tolerance_statistic", readonly=False)
    dunning_tolerance_margin_days = fields.Integer(related="company_id.dunning_tolerance_margin_days", readonly=False)
    dunning_tolerance_new_days = fields.Integer(related="company_id.dunning_tolerance_new_days", readonly=False)
    dunning_tolerance_cap_good = fields.Integer(related="company_id.dunning_tolerance_cap_good", readonly=False)
    dunning_tolerance_cap_occasional = fields.Integer(
        related="company_id.dunning_tolerance_cap_occasional", readonly=False
    )
    dunning_tolerance_cap_risky = fields.Integer(related="company_id.dunning_tolerance_cap_risky", readonly=False)
    dunning_tolerance_cap_bad = fields.Integer(related="company_id.dunning_tolerance_cap_bad", readonly=False)
