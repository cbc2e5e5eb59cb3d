import logging
import threading

from odoo import api, fields, models

from .dunning_security import check_billing

_logger = logging.getLogger(__name__)


class AccountDunningJobFailure(models.Model):
    """A scheduled follow-up job that failed for a company: the other companies went on; this record and one
    activity for the company's collections responsible make the failure visible until someone fixes it."""

    _name = "account.dunning.job.failure"
    _description = "Follow-up Job Failure"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "last_date desc, id desc"
    _rec_name = "job"
    _check_company_auto = True

    job = fields.Selection(
        selection=[
            ("behaviour", "Payment behaviour"),
            ("run", "Daily follow-up run"),
            ("letters", "Letters to print"),
            ("kpi", "Collection KPIs"),
        ],
        required=True,
        readonly=True,
    )
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
        """Jobs commit their work slice by slice when run by the scheduler (or by the daily run's own entry point,
        dunning_cron), never inside tests, whose cursor cannot commit."""
        scheduled = self.env.context.get("ir_cron_progress_id") or self.env.context.get("dunning_cron")
        return bool(scheduled) and not getattr(threading.current_thread(), "testing", False)

    @api.model
    def _run_per_company(self, job, companies, process):
        """Run process(company) for each company on its own: one company's failure is rolled back alone (to its
        savepoint, or to its last committed slice under the scheduler), logged and recorded, and the next company
        goes on. Returns the companies that failed."""
        commits = self._cron_commits()
        failed = self.env["res.company"]
        for company in companies:
            try:
                if commits:
                    process(company)
                else:
                    with self.env.cr.savepoint():
                        process(company)
            except Exception as error:  # one company must not stop the others
                if commits:
                    self.env.cr.rollback()
                _logger.exception("Follow-up job %s failed for company %s", job, company.id)
                self._record_failure(job, company, error)
                failed |= company
                if commits:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        return failed

    @api.model
    def _record_failure(self, job, company, error):
        """Count the failure on the open record of this job and company, else open one with an activity."""
        message = f"{type(error).__name__}: {error}"
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
        self.activity_ids.action_done()
        self.write({"state": "resolved"})
        return True
