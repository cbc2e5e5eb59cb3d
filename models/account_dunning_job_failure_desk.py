from odoo import models


class AccountDunningJobFailure(models.Model):
    _inherit = "account.dunning.job.failure"  # pylint: disable=consider-merging-classes-inherited

    # The collections desk (issue 20): a job failure resolved is a task of the collector done.
    def _dunning_log_resolved(self):
        """Job failures resolved are tasks of the collectors done (self: those open until now)."""
        self.env["account.dunning.task.log"]._dunning_log_many(
            [
                (
                    "failure",
                    None,
                    failure.company_id,
                    self.env._("Job failure resolved: %(job)s", job=failure._get_job_label()),
                    failure,
                )
                for failure in self
            ]
        )
