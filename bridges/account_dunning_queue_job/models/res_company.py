from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    # The queue jobs (see data/queue_job_data.xml: channel root.account_dunning; failures: models/queue_job.py).
    def _dunning_queue_run_slice(self, date, partner_ids):
        """Queue job: the daily run of one slice of the company's customers; runs again safely after a failure or a
        killed worker (a customer already followed up that day is skipped, and the database refuses a second
        follow-up per customer, level and day)."""
        self.ensure_one()
        # sudo: the job runs the follow-ups of the company as the daily run does, whoever queued it
        followups, skipped = self.env["account.dunning.run"].sudo()._run_batch(self, date, partner_ids)
        letters_cron = self.env.ref("account_dunning.ir_cron_account_dunning_render_letters", raise_if_not_found=False)
        if letters_cron and followups:
            letters_cron.sudo()._trigger()
        return f"{len(followups)} follow-ups made, {len(skipped)} customers left out, of {len(partner_ids)}"

    def _dunning_queue_kpi_month(self, month):
        """Queue job: rebuild one month of the company's collection KPIs."""
        self.ensure_one()
        # sudo: the job rebuilds the KPIs as the nightly refresh does, whoever queued it
        rows = self.env["account.dunning.kpi"].sudo().with_company(self)._dunning_refresh(self, month, month)
        return f"{len(rows)} KPI rows for {month}"

    def _dunning_queue_record_failure(self, job, message):
        """A queue job of the follow-ups failed for good: recorded as a job failure of each company, one task."""
        for company in self:
            self.env["account.dunning.job.failure"]._record_failure_message(job, company, message)
