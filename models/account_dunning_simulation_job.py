import logging
from contextlib import contextmanager
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.security import check_manager

_logger = logging.getLogger(__name__)

#: runs of a simulation stopped by the death of their worker before it is given up (it would be stopped again)
MAX_ATTEMPTS = 2
#: the advisory locks of the running simulations: (this name's hash, simulation id); id 0 is "one at a time"
LOCK_NAME = "account.dunning.simulation"
SIMULATION_CRON = "account_dunning.ir_cron_account_dunning_simulation"


class AccountDunningSimulation(models.Model):
    _inherit = "account.dunning.simulation"  # pylint: disable=consider-merging-classes-inherited

    # The background job. The form queues a simulation; the scheduled action (or, with queue_job, a queue job) runs
    # it in the worker's transaction, which reads and replays and writes nothing of the simulation: its state, its
    # progress and at the end its figures are written and committed in short transactions of their own, so that
    # the form shows them at once and the long one never holds a lock they wait for. While it runs, the worker's
    # transaction holds an advisory lock on the simulation: a simulation "running" without it lost its worker.

    progress = fields.Float(readonly=True, copy=False, digits=(16, 0), help="Share of the replay done, in %.")
    requested_by_id = fields.Many2one("res.users", readonly=True, copy=False, help="Told when the figures are ready.")
    queued_date = fields.Datetime(string="Queued On", readonly=True, copy=False)
    started_date = fields.Datetime(string="Started On", readonly=True, copy=False)
    attempt_count = fields.Integer(
        string="Attempts",
        readonly=True,
        copy=False,
        help="Runs started since it was queued (a run is started again when its worker died).",
    )
    error_message = fields.Text(string="Error", readonly=True, copy=False)
    figures_date = fields.Datetime(string="Figures Of", readonly=True, copy=False, help="When the figures were made.")

    # --- The buttons -----------------------------------------------------------------------------------------

    def _dunning_queue(self):
        """Queue the simulations for the background job, on behalf of the current user (told when it is done)."""
        check_manager(self.env)
        self._check_company_allowed()
        if any(simulation.state in ("queued", "running") for simulation in self):
            raise UserError(self.env._("This simulation is already queued or running."))
        self.write(
            {
                "state": "queued",
                "progress": 0,
                "requested_by_id": self.env.uid,
                "queued_date": fields.Datetime.now(),
                "attempt_count": 0,
                "error_message": False,
            }
        )
        self._dunning_enqueue()

    def _dunning_enqueue(self):
        """Hand queued simulations to the background: the scheduled action runs them one at a time as soon as a
        cron worker is free (the queue_job bridge makes one queue job each instead)."""
        if not self:
            return
        # sudo: managers may not edit scheduled actions; a trigger only brings the job forward
        cron = self.env.ref(SIMULATION_CRON, raise_if_not_found=False)
        if not cron or not cron.sudo().active:
            raise UserError(
                self.env._(
                    "The scheduled action that runs the simulations is archived: an administrator must activate it "
                    "first."
                )
            )
        # now, and a second later: called from within the scheduled action, that one outlives the end of the cron
        # runner's pass, which drops the triggers already due
        now = fields.Datetime.now()
        cron.sudo()._trigger([now, now + timedelta(seconds=1)])

    def action_cancel_run(self):
        """Button: take a queued simulation out of the queue (a running one goes on to the end)."""
        check_manager(self.env)
        for simulation in self:
            if simulation.state != "queued":
                raise UserError(self.env._("Only a queued simulation can be cancelled."))
            simulation.write({"state": "done" if simulation.result else "draft", "progress": 0})
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_running(self):
        """A running simulation is deleted once its job is over (it writes its figures at the end)."""
        if any(simulation.state == "running" for simulation in self):
            raise UserError(self.env._("A running simulation cannot be deleted: wait for its end."))

    # --- The scheduled action --------------------------------------------------------------------------------

    @api.model
    def _cron_run_simulations(self):
        """Scheduled action: put back the simulations whose worker died, then run the oldest queued one. Those still
        waiting bring the action back in a pass of its own: a cron worker's time limit counts a whole pass of the
        cron runner, and one simulation may take minutes."""
        self._dunning_recover_interrupted()
        queued = self._dunning_next_queued()
        for position, simulation in enumerate(queued):
            status = simulation._dunning_run_job()
            if status == "skipped":
                continue
            if status != "busy":
                queued[position + 1 :]._dunning_enqueue()
            self.env["ir.cron"]._notify_progress(done=int(status != "busy"), remaining=0)
            return status
        return None

    @api.model
    def _dunning_next_queued(self):
        """The queued simulations the scheduled action runs, oldest first."""
        return self.search([("state", "=", "queued")], order="queued_date, id")

    @api.model
    def _dunning_recover_interrupted(self):
        """A simulation left running by a worker that died (stopped by its time or memory limit, or a restart) holds
        no lock any more: it goes back to the queue, or fails after MAX_ATTEMPTS runs (it would die again)."""
        requeued = self.browse()
        for simulation in self.search([("state", "=", "running")]):
            if not simulation._dunning_try_lock(simulation.id):
                continue  # its worker is at it
            with simulation._dunning_apart() as fresh:
                if fresh.state != "running":
                    continue  # it ended meanwhile
                if fresh.attempt_count < MAX_ATTEMPTS:
                    fresh.write({"state": "queued", "progress": 0})
                    requeued |= simulation
                    continue
                fresh._dunning_fail(
                    fresh.env._(
                        "it was stopped %(count)s times before its end (its worker stopped by its time or memory "
                        "limit, or a restart) and is not queued again: shorten the period or ask an administrator to "
                        "raise the workers' limits",
                        count=fresh.attempt_count,
                    )
                )
        requeued._dunning_enqueue()
        return requeued

    # --- One run in the background ---------------------------------------------------------------------------

    def _dunning_run_job(self):
        """Run this queued simulation in the worker's transaction; returns "done", "failed", "busy" (another
        simulation is running) or "skipped" (no longer queued)."""
        self.ensure_one()
        if not self._dunning_try_lock(0) or not self._dunning_try_lock(self.id):
            return "busy"
        with self._dunning_apart() as fresh:
            if fresh.state != "queued":
                return "skipped"
            started = {"state": "running", "progress": 0, "started_date": fields.Datetime.now()}
            fresh.write(dict(started, attempt_count=fresh.attempt_count + 1))
        simulation = self.sudo().with_company(self.company_id)
        try:
            # a savepoint: a failing replay leaves the worker's transaction usable (it wrote nothing anyway)
            with self.env.cr.savepoint():
                result, line_vals = simulation._simulate(report=self._dunning_progress_reporter())
            with self._dunning_apart() as fresh:
                fresh._store_result(result, line_vals)
                fresh._dunning_notify_done()
        except Exception as error:  # the simulation fails, not the scheduled action
            _logger.exception("Follow-up simulation %s (%s) failed", self.id, self.name)
            with self._dunning_apart() as fresh:
                fresh._dunning_fail(str(error) or type(error).__name__)
            return "failed"
        return "done"

    def _dunning_progress_reporter(self):
        """report(percent) writing the progress of this simulation when it moves by a whole percent."""
        last = [0]

        def report(percent):
            if int(percent) > last[0]:
                last[0] = int(percent)
                with self._dunning_apart() as fresh:
                    fresh.write({"progress": last[0]})

        return report

    def _dunning_try_lock(self, key):
        """Take the advisory lock of a running simulation (key: its id, or 0 for "one at a time") for the rest of
        this transaction, unless another transaction holds it."""
        return self.env.execute_query(SQL("SELECT pg_try_advisory_xact_lock(hashtext(%s), %s)", LOCK_NAME, key))[0][0]

    @contextmanager
    def _dunning_apart(self):
        """This simulation (sudo) in a short transaction of its own, committed at the end of the block, so that the
        form sees what it writes at once; the worker's long transaction must not have written to it."""
        with self.env.registry.cursor() as cr:
            yield self.with_env(self.env(cr=cr)).sudo()
        self.invalidate_recordset()
        self.env["account.dunning.simulation.line"].invalidate_model()

    # --- Telling the requester -------------------------------------------------------------------------------

    def _dunning_fail(self, error):
        """Failed with the error (the figures of an earlier run kept); the requester is told."""
        self.write({"state": "failed", "error_message": error, "progress": 0})
        self._dunning_notify(
            self.with_context(lang=self.requested_by_id.lang or None).env._(
                "The simulation failed: %(error)s (the figures shown, if any, are those of an earlier run).",
                error=error,
            )
        )

    def _dunning_notify_done(self):
        """The figures are ready: the requester is told, with the invoices reminded under each policy."""
        _ = self.with_context(lang=self.requested_by_id.lang or None).env._
        tested, compared = self.result["policy"], self.result.get("comparison")
        message = _(
            "The figures are ready (%(seconds)s s): %(policy)s reminded %(count)s invoices.",
            seconds=self.result["seconds"],
            policy=tested["name"],
            count=tested["invoices_reminded"],
        )
        if compared:
            message += " " + _(
                "%(policy)s: %(count)s invoices.", policy=compared["name"], count=compared["invoices_reminded"]
            )
        self._dunning_notify(message)

    def _dunning_notify(self, message):
        """Post a note on the simulation that notifies its requester (inbox or email, as the user chose)."""
        self.message_post(
            body=message,
            author_id=self.env.ref("base.partner_root").id,
            partner_ids=self.requested_by_id.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            notify_author=True,
        )
