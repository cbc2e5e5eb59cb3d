from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Follow-up run settings (issue 4: scenarios, levels and the daily run).
    dunning_min_amount = fields.Monetary(
        related="company_id.dunning_min_amount", readonly=False, currency_field="currency_id"
    )
    dunning_send_enabled = fields.Boolean(related="company_id.dunning_send_enabled", readonly=False)
