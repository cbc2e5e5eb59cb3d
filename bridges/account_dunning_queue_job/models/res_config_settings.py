from odoo import fields, models

from .account_dunning_job_cursor import ENABLED_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_use_queue_job = fields.Boolean(
        string="Run as queue jobs",
        config_parameter=ENABLED_PARAM,
        help="The daily run and the KPI refresh make one queue job per slice (channel root.account_dunning), run "
        "in parallel by the job workers of every host; otherwise the scheduled actions work slice by slice.",
    )
