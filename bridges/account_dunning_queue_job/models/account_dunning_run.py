from odoo import api, models


class AccountDunningRun(models.AbstractModel):
    _inherit = "account.dunning.run"

    @api.model
    def _run_followups_slice(self, company, cursor, memo):
        """With queue jobs on, the pass queues all the slices of the company at once (one job each) and is done:
        the jobs run in parallel on the job workers, each one idempotent (a customer followed up that day, or
        locked by another job, is skipped)."""
        cursors = self.env["account.dunning.job.cursor"]
        if not cursors._dunning_queue_enabled():
            return super()._run_followups_slice(company, cursor, memo)
        selected = self.with_company(company)._select_partner_ids(company, cursor.date)
        partner_ids = [partner_id for partner_id in selected if partner_id > cursor.position]
        size = cursor._slice_size()
        slices = [partner_ids[start : start + size] for start in range(0, len(partner_ids), size)]
        for number, batch in enumerate(slices, 1):
            company.with_delay(
                description=f"Follow-ups of {company.name} on {cursor.date}: slice {number}/{len(slices)}, "
                f"{len(batch)} customers",
                identity_key=cursors._dunning_identity("run", company, cursor.date, f"{batch[0]}-{batch[-1]}"),
            )._dunning_queue_run_slice(cursor.date, batch)
        cursor.queue_job_count += len(slices)
        return (partner_ids[-1] if partner_ids else cursor.position), len(partner_ids), 0
