import logging

from odoo import api, fields, models

from ..tools.security import check_billing

_logger = logging.getLogger(__name__)

#: the scheduled jobs of the module
JOB_SELECTION = [
    ("behaviour", "Payment behaviour"),
    ("run", "Daily follow-up run"),
    ("letters", "Letters to print"),
    ("kpi", "Collection KPIs"),
]


class AccountDunningJobFailure(models.Model):
    """A scheduled follow-up job that failed for a company: the other companies went on; this record and one
    activity for the company's collections responsible make the failure visible until someone fixes it."""

    _name = "account.dunning.job.failure"
    _description = "Follow-up Job Failure"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "last_date desc, id desc"
    _rec_name = "job"
    _check_company_auto = True

    job = fields.Selection(selection=JOB_SELECTION, required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    first_date = fields.Datetime(string="First Failure", readonly=True, default=fields.Datetime.now)
    last_date = fields.Datetime(string="Last Failure", readonly=True, default=fields.Datetime.now)
    count = fields.Integer(string="Failures", readonly=True, default=1)
    message = fields.Text(string="Error", readonly=True)
    state = fields.Selection(
        selection=[("open", "Open"), ("resolved", "Resolved")], default="open", required=True, readonly=True
    )

    @api.model
    def _cron_commits(self):
        """Jobs commit their work slice by slice when run by the scheduler (a progress record of Odoo's cron runner
        in the context); called directly (code, shell), each slice runs in a savepoint of the caller's transaction."""
        return bool(self.env.context.get("ir_cron_progress_id"))

    @api.model
    def _log_and_record_failure(self, job, company, error):
        """A job failed for a company (called in the except clause): log it with its traceback, record it."""
        _logger.exception("Follow-up job %s failed for company %s", job, company.id)
        return self._record_failure(job, company, error)

    @api.model
    def _record_failure(self, job, company, error):
        """Count the failure on the open record of this job and company, else open one with an activity."""
        return self._record_failure_message(job, company, f"{type(error).__name__}: {error}")

    @api.model
    def _record_failure_message(self, job, company, message):
        """_record_failure() with the error already put into words (e.g. by a queue job that failed)."""
        # sudo: jobs run as the superuser or as whoever started them; the record is for accounting to read
        failure = self.sudo().search(
            [("job", "=", job), ("company_id", "=", company.id), ("state", "=", "open")], limit=1
        )
        if failure:
            failure.write({"count": failure.count + 1, "last_date": fields.Datetime.now(), "message": message})
            return failure
        failure = self.sudo().create({"job": job, "company_id": company.id, "message": message})
        owner = company._dunning_manager()
        if owner:
            failure.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Follow-up job failed: %(job)s", job=failure._get_job_label()),
                note=self.env._(
                    "The scheduled job stopped for %(company)s (the other companies went on): %(error)s",
                    company=company.name,
                    error=message,
                ),
                user_id=owner.id,
            )
        return failure

    def _get_job_label(self):
        self.ensure_one()
        return dict(self._fields["job"]._description_selection(self.env))[self.job]

    def action_resolve(self):
        """The cause is fixed: close the failure and its activities."""
        check_billing(self.env)
        opened = self.filtered(lambda failure: failure.state == "open")
        self.activity_ids.action_done()
        self.write({"state": "resolved"})
        opened._dunning_log_resolved()
        return True
