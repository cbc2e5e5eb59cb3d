from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    # The collections desk (issue 20), stored on the company.
    dunning_call_max_attempts = fields.Integer(related="company_id.dunning_call_max_attempts", readonly=False)
    dunning_task_digest = fields.Boolean(related="company_id.dunning_task_digest", readonly=False)
