from odoo import api, models


class AccountDunningKpi(models.Model):
    _inherit = "account.dunning.kpi"

    @api.model
    def _dunning_refresh_slice(self, company, cursor, memo, months):
        """With queue jobs on, the pass queues one job per month left and is done: the months are rebuilt in
        parallel on the job workers (each month is locked while rebuilt, and rebuilding it again is harmless)."""
        cursors = self.env["account.dunning.job.cursor"]
        if not cursors._dunning_queue_enabled():
            return super()._dunning_refresh_slice(company, cursor, memo, months)
        left = months[cursor.position :]
        for month in left:
            company.with_delay(
                description=f"Collection KPIs of {company.name}: {month:%B %Y}",
                identity_key=cursors._dunning_identity("kpi", company, cursor.date, month),
            )._dunning_queue_kpi_month(month)
        cursor.queue_job_count += len(left)
        return len(months), len(left), 0
