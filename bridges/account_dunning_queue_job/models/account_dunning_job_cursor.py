from odoo import api, fields, models

#: the system parameter of the setting: the daily run and the KPI refresh make queue jobs (off by default)
ENABLED_PARAM = "account_dunning_queue_job.enabled"


class AccountDunningJobCursor(models.Model):
    _inherit = "account.dunning.job.cursor"

    queue_job_count = fields.Integer(
        string="Queue Jobs",
        readonly=True,
        help="Queue jobs made by this pass, one per slice (channel root.account_dunning): their progress and "
        "failures are in the queue jobs' list.",
    )

    @api.model
    def _dunning_queue_enabled(self):
        """Whether the daily run and the KPI refresh make one queue job per slice instead of working themselves."""
        # sudo: a system parameter every job reads, whoever runs it
        value = self.env["ir.config_parameter"].sudo().get_param(ENABLED_PARAM)
        return str(value).lower() in ("1", "true")

    @api.model
    def _dunning_identity(self, job, company, date, part):
        """The key that keeps a slice from being queued twice (a pass queues its slices once anyway)."""
        return f"account_dunning:{job}:{company.id}:{date}:{part}"
