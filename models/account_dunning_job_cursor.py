from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.settings import read_bounded_setting
from .account_dunning_job_failure import JOB_SELECTION

#: ir.config_parameter holding the time budget of one run of a scheduled job, in seconds: (key, default, min, max)
TIME_BUDGET = ("account_dunning.job_time_budget", 60, 5, 3600)
#: ir.config_parameter holding the most customers the daily run takes in one slice: (key, default, min, max)
SLICE_SIZE = ("account_dunning.job_slice_size", 200, 1, 5000)

#: the scheduled action of each job, continued by a trigger when a call leaves work for later
JOB_CRONS = {
    "behaviour": "account_dunning.ir_cron_dunning_payment_behaviour",
    "run": "account_dunning.ir_cron_account_dunning_run",
    "letters": "account_dunning.ir_cron_account_dunning_render_letters",
    "kpi": "account_dunning.account_dunning_kpi_cron_refresh",
}


class AccountDunningJobCursor(models.Model):
    """Where a scheduled job stands in a company on a day. The jobs work in slices, each committed together with
    this record: a slice killed halfway rolls back with it, so the next call starts again exactly there."""

    _name = "account.dunning.job.cursor"
    _description = "Follow-up Job Progress"
    _order = "date desc, job, company_id"
    _rec_name = "job"
    _check_company_auto = True

    job = fields.Selection(selection=JOB_SELECTION, required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    date = fields.Date(string="Day", required=True, readonly=True)
    state = fields.Selection(
        selection=[("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="running",
        required=True,
        readonly=True,
    )
    position = fields.Integer(
        readonly=True,
        help="Where the next slice starts: the id of the last customer (or follow-up) done, or the months done.",
    )
    done_count = fields.Integer(string="Done", readonly=True, help="Customers, letters or months done in this pass.")
    total_count = fields.Integer(
        string="Total", readonly=True, help="Done plus what was left when the last slice ended."
    )
    slice_count = fields.Integer(string="Slices", readonly=True)
    progress = fields.Float(string="Progress (%)", compute="_compute_progress")
    run_lastcall = fields.Datetime(
        string="Scheduler's Last Call",
        readonly=True,
        help="Last call of the scheduled action when this pass started: a later run of the action starts a new "
        "pass, a call that continues the same run goes on from the position.",
    )
    started_at = fields.Datetime(string="Started", readonly=True)
    finished_at = fields.Datetime(string="Finished", readonly=True)

    _sql_constraints = [
        ("job_company_date_uniq", "unique(job, company_id, date)", "One pass per job, company and day."),
    ]

    @api.depends("done_count", "total_count", "state")
    def _compute_progress(self):
        for cursor in self:
            if cursor.state == "done" or not cursor.total_count:
                cursor.progress = 100.0 if cursor.state == "done" else 0.0
            else:
                cursor.progress = round(100.0 * cursor.done_count / cursor.total_count, 1)

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    @api.model
    def _job_time_budget(self):
        """Seconds one run of a scheduled job may work before it hands over to the scheduler (5 s to 1 h)."""
        return read_bounded_setting(self.env, TIME_BUDGET)

    @api.model
    def _slice_size(self):
        """Most customers the daily run takes in one slice (1 to 5,000)."""
        return read_bounded_setting(self.env, SLICE_SIZE)

    # ------------------------------------------------------------------
    # Passes
    # ------------------------------------------------------------------
    @api.model
    def _start_passes(self, job, companies, date):
        """The pass of each company for this job and day, created when missing.

        A call of Odoo's cron runner (a progress id in the context) goes on with the pass of the same run; a
        pass finished (or failed) by an earlier run of the action starts again. A direct call (code, shell,
        tests) always starts again from the beginning.
        """
        scheduled = bool(self.env.context.get("ir_cron_progress_id"))
        lastcall = self.env.context.get("lastcall") or False
        # sudo: the progress of the jobs is bookkeeping of the scheduler, whoever runs the job
        cursors = self.sudo()
        cursors.flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO account_dunning_job_cursor
                       (job, company_id, date, state, position, done_count, total_count, slice_count, run_lastcall,
                        started_at, create_uid, create_date, write_uid, write_date)
                SELECT %(job)s, company_id, %(date)s, 'running', 0, 0, 0, 0, %(lastcall)s,
                       now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM unnest(%(company_ids)s::int[]) AS company_id
                    ON CONFLICT (job, company_id, date) DO NOTHING
             RETURNING id
                """,
                job=job,
                date=date,
                lastcall=lastcall or None,
                uid=self.env.uid,
                company_ids=companies.ids,
            )
        )
        created = {row[0] for row in self.env.cr.fetchall()}
        cursors = cursors.search(
            [("job", "=", job), ("company_id", "in", companies.ids), ("date", "=", date)], order="company_id"
        )
        existing = cursors.filtered(lambda cursor: cursor.id not in created)
        again = existing.filtered(
            lambda cursor: not scheduled or (cursor.state != "running" and cursor.run_lastcall != lastcall)
        )
        again._restart(lastcall)
        # a pass continued by a later run of the action (run by hand meanwhile, or failed for time) belongs to it
        (existing - again).filtered(lambda c: c.state == "running" and c.run_lastcall != lastcall).write(
            {"run_lastcall": lastcall}
        )
        return cursors

    def _restart(self, lastcall):
        """Start these passes again from the beginning."""
        if self:
            self.write(
                {
                    "state": "running",
                    "position": 0,
                    "done_count": 0,
                    "total_count": 0,
                    "slice_count": 0,
                    "run_lastcall": lastcall,
                    "started_at": fields.Datetime.now(),
                    "finished_at": False,
                }
            )

    def _advance(self, position, done, remaining):
        """Record a slice done: the position after it and the counts; the pass is done when nothing remains."""
        self.ensure_one()
        vals = {
            "position": position,
            "done_count": self.done_count + done,
            "total_count": self.done_count + done + remaining,
            "slice_count": self.slice_count + 1,
        }
        if not remaining:
            vals.update(state="done", finished_at=fields.Datetime.now())
        self.write(vals)

    def _fail(self):
        """The pass stops for this company: its failure is recorded, the next run of the action tries again."""
        self.write({"state": "failed", "finished_at": fields.Datetime.now()})
