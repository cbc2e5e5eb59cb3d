from odoo import models


class AccountDunningJobFailure(models.Model):
    _inherit = "account.dunning.job.failure"  # pylint: disable=consider-merging-classes-inherited

    # The collections desk (issue 20): a job failure resolved is a task of the collector done.
    def action_resolve(self):
        failures = self.filtered(lambda failure: failure.state == "open")
        result = super().action_resolve()
        self.env["account.dunning.task.log"]._dunning_log_many(
            [
                (
                    "failure",
                    None,
                    failure.company_id,
                    self.env._("Job failure resolved: %(job)s", job=failure._get_job_label()),
                    failure,
                )
                for failure in failures
            ]
        )
        return result
