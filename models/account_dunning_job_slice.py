from collections import defaultdict

from odoo import api, models

from ..tools.slice_clock import SliceClock, run_of
from .account_dunning_job_cursor import JOB_CRONS


class AccountDunningJobCursor(models.Model):
    _inherit = "account.dunning.job.cursor"  # pylint: disable=consider-merging-classes-inherited

    # The driver of the sliced jobs: companies in turn, one slice each, committed with its cursor.
    @api.model
    def _run_sliced(self, job, companies, process_slice, date):
        """Run a scheduled job in slices, the companies in turn (one slice each per round, so that a big company
        delays no other), until its work is done or, under the scheduler, its time budget is spent; then tell
        Odoo's cron runner what is done and what remains: the runner calls the job again while work remains.

        ``process_slice(company, cursor, memo)`` does the slice after ``cursor.position`` and returns
        ``(position, done, remaining)``; ``memo`` is a dict kept for the company during this call only.
        """
        cursors = self._start_passes(job, companies, date)
        clock = self._slice_clock()
        memos = defaultdict(dict)
        worked = 0
        while not clock.spent():
            running = cursors.filtered(lambda cursor: cursor.state == "running")
            if not running:
                break
            for cursor in running:
                if clock.spent():
                    break
                self._run_slice(cursor, cursors, process_slice, memos[cursor.id], clock)
                worked += 1
        self._report_progress(cursors)
        if worked:
            self._continue_later(job, cursors, clock)
        return cursors

    @api.model
    def _slice_clock(self):
        """The budget of this run: none for a direct call; under the scheduler, counted from the first of the calls
        that the cron runner makes in a row on its cursor (they share the worker's time limit)."""
        if not self.env.context.get("ir_cron_progress_id"):
            return SliceClock(None, {})
        return SliceClock(self._job_time_budget(), run_of(self.env.cr))

    @api.model
    def _run_slice(self, cursor, cursors, process_slice, memo, clock):
        """One slice of one company, in a savepoint; under the scheduler it is then committed with its cursor and the
        progress. A failure rolls back that slice only (the slices before it stay), is recorded once for the company,
        and the company waits for the next run of the action; the other companies go on."""
        company = cursor.company_id
        failures = self.env["account.dunning.job.failure"]
        try:
            # a savepoint, not a rollback to the last commit: the passes started by this call may not be committed yet
            with clock.measure(), self.env.cr.savepoint():
                cursor._advance(*process_slice(company, cursor, memo))
        except Exception as error:  # one company must not stop the others
            failures._log_and_record_failure(cursor.job, company, error)
            cursor._fail()
            memo.clear()
        self._report_progress(cursors)
        if failures._cron_commits():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _report_progress(self, cursors):
        """Tell Odoo's cron runner the units done in this pass and those left (customers, letters or months)."""
        remaining = sum(
            max(cursor.total_count - cursor.done_count, 1) for cursor in cursors if cursor.state == "running"
        )
        done = sum(cursors.mapped("done_count"))
        if remaining:
            # the runner reads done=0 as a job that does not report progress, and would stop calling it
            done = max(done, 1)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _continue_later(self, job, cursors, clock):
        """Work left after this call: a trigger makes the scheduler call the job again as soon as a cron worker
        is free (also after a run by hand, and it wakes the sleeping workers); once per run is enough."""
        if not clock.budget or clock.run.get("triggered"):
            return
        if any(cursor.state == "running" for cursor in cursors):
            cron = self.env.ref(JOB_CRONS[job], raise_if_not_found=False)
            if cron:
                # sudo: the job continues as the scheduled action it is, whoever started it
                cron.sudo()._trigger()
                clock.run["triggered"] = True
