from odoo import models

#: the follow-up queue jobs (methods of res.company) and the scheduled job each one is a slice of
DUNNING_JOBS = {"_dunning_queue_run_slice": "run", "_dunning_queue_kpi_month": "kpi"}


class QueueJob(models.Model):
    _inherit = "queue.job"

    def write(self, vals):
        """A follow-up slice that failed for good is also recorded in the follow-ups' job failures of its company,
        with one task for its collections responsible (as when the scheduled action fails)."""
        result = super().write(vals)
        if vals.get("state") == "failed":
            for job in self.filtered(lambda job: job.model_name == "res.company" and job.method_name in DUNNING_JOBS):
                # sudo: the failure is recorded whoever's job it was
                job.sudo().records._dunning_queue_record_failure(
                    DUNNING_JOBS[job.method_name], f"{job.exc_name or 'Error'}: {job.exc_message or ''}"
                )
        return result
