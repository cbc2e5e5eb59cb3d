from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.sql_db import db_connect
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common_simulation import SimulationCommon

JOB_LOGGER = "odoo.addons.account_dunning.models.account_dunning_simulation_job"
CRON = "account_dunning.ir_cron_account_dunning_simulation"


@freeze_time("2026-05-15")
@tagged("post_install", "-at_install")
class TestDunningSimulationJob(SimulationCommon):
    """The form queues a simulation; the scheduled action runs it in the background, called the way Odoo's cron
    runner calls a ready job (ir.cron._process_jobs: acquired, called again while it reports work left, a commit
    after each call). The test registry is in test mode meanwhile: every cursor it opens (the runner's, and the
    short transactions of the state and progress) is the test's own, and a commit is a savepoint."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref(CRON)
        # its hourly call far away (the database's clock is not frozen): only a trigger makes it ready
        cls.cron.nextcall = "2099-01-01 00:00:00"

    def setUp(self):
        super().setUp()
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)

    def run_scheduled_action(self):
        """One pass of the cron runner on the simulations' scheduled action: whether it was ready (triggered)."""
        cron_model = self.registry["ir.cron"]
        self.env.flush_all()
        with self.registry.cursor() as cron_cr:
            job = cron_model._acquire_one_job(cron_cr, self.cron.id)
            if job:
                cron_model._process_job(cron_cr.dbname, cron_cr, job)
        self.env.invalidate_all()
        return bool(job)

    def clear_triggers(self):
        self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]).unlink()

    def queue(self, simulation):
        simulation.action_run()
        self.assertEqual(simulation.state, "queued")
        return simulation

    def test_queued_from_the_form_then_run_by_the_scheduled_action(self):
        self.clear_triggers()
        simulation = self.queue(self.simulate())
        self.assertEqual((simulation.requested_by_id, simulation.progress), (self.manager, 0))
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]), "the job is triggered")
        with self.assertRaisesRegex(UserError, "already queued"):
            simulation.action_run()
        # the short transactions of the job: running with its progress, then the figures
        written = []
        write = self.registry["account.dunning.simulation"].write

        def spy(records, vals):
            if "progress" in vals:
                written.append((vals.get("state", records.state), vals["progress"]))
            return write(records, vals)

        with patch.object(self.registry["account.dunning.simulation"], "write", spy):
            self.assertTrue(self.run_scheduled_action())
        self.assertEqual(written[0], ("running", 0))
        progress = [value for state, value in written[1:-1]]
        self.assertEqual(progress, sorted(progress), "the progress only grows")
        self.assertGreater(len(progress), 10, "it moves as days are replayed")
        self.assertEqual(written[-1], ("done", 100))
        self.assertEqual((simulation.state, simulation.progress, simulation.attempt_count), ("done", 100, 1))
        # the same figures as a run in the request
        self.assertEqual(simulation.result["policy"]["invoices_reminded"], 2)
        self.assertEqual(simulation.result["comparison"]["invoices_reminded"], 5)
        self.assertTrue(simulation.line_ids)
        self.assertTrue(simulation.figures_date)
        # the manager who asked is told
        message = simulation.message_ids[0]
        self.assertIn("The figures are ready", message.body)
        self.assertEqual(message.notification_ids.res_partner_id, self.manager.partner_id)
        # nothing left: the runner rescheduled the job, which has nothing to do next time
        self.assertFalse(self.run_scheduled_action(), "no trigger left")

    def test_one_simulation_per_pass_of_the_runner(self):
        first = self.queue(self.simulate(name="First"))
        second = self.queue(self.simulate(name="Second", compare_policy_id=False))
        self.clear_triggers()
        cron = self.cron.with_user(self.cron.user_id)
        cron, progress = cron._add_progress()
        cron.ir_actions_server_id.run()
        self.env.invalidate_all()
        self.assertEqual((first.state, second.state), ("done", "queued"), "the oldest first")
        # one per pass of the runner (a cron worker's time limit counts a whole pass): a trigger brings it back
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]))
        self.assertTrue(self.run_scheduled_action())
        self.assertEqual(second.state, "done")
        self.assertIsNone(second.result["comparison"])

    def test_a_failing_replay_keeps_the_earlier_figures(self):
        simulation = self.simulate()
        simulation.run()
        figures, lines = simulation.result, simulation.line_ids
        self.queue(simulation)
        with (
            patch.object(self.registry["account.dunning.replay"], "_replay", _broken_replay),
            mute_logger(JOB_LOGGER),
        ):
            self.assertTrue(self.run_scheduled_action())
        self.assertEqual(simulation.state, "failed")
        self.assertIn("out of memory", simulation.error_message)
        self.assertEqual(simulation.result, figures, "the figures of the earlier run are kept")
        self.assertEqual(simulation.line_ids, lines)
        message = simulation.message_ids[0]
        self.assertIn("The simulation failed: out of memory (the figures shown", message.body)
        self.assertEqual(message.notification_ids.res_partner_id, self.manager.partner_id)
        # the scheduled action did not fail: a simulation's error is not the scheduler's
        self.assertEqual(self.cron.failure_count, 0)
        # run again, it works
        self.queue(simulation)
        self.run_scheduled_action()
        self.assertEqual((simulation.state, simulation.error_message), ("done", False))

    def test_a_simulation_whose_worker_died_is_run_again_then_given_up(self):
        simulation = self.simulate()
        # its worker died in the middle: "running", and no transaction holds its lock any more
        simulation.sudo().write({"state": "running", "attempt_count": 1, "progress": 40})
        self.clear_triggers()
        self.cron.sudo().nextcall = "2026-05-15 00:00:00"  # its hourly call
        self.assertTrue(self.run_scheduled_action())
        self.assertEqual((simulation.state, simulation.attempt_count), ("done", 2), "queued again and run")
        # stopped again and again: given up, and the requester told
        simulation.sudo().write({"state": "running", "attempt_count": 2, "requested_by_id": self.manager.id})
        self.cron.sudo().nextcall = "2026-05-15 00:00:00"
        self.run_scheduled_action()
        self.assertEqual(simulation.state, "failed")
        self.assertIn("stopped 2 times", simulation.error_message)
        self.assertTrue(simulation.result, "the figures of the earlier run are kept")
        self.assertEqual(simulation.message_ids[0].notification_ids.res_partner_id, self.manager.partner_id)

    def test_a_running_simulation_is_left_alone(self):
        simulation = self.simulate()
        simulation.sudo().write({"state": "running", "attempt_count": 1})
        # another worker runs it: its transaction holds the simulation's lock
        lock = "SELECT pg_try_advisory_xact_lock(hashtext('account.dunning.simulation'), %s)"
        with db_connect(self.env.cr.dbname).cursor() as worker_cr:
            worker_cr.execute(lock, [simulation.id])
            self.assertTrue(worker_cr.fetchone()[0])
            self.env["account.dunning.simulation"]._dunning_recover_interrupted()
            self.assertEqual(simulation.state, "running")
            # and one simulation at a time: while it runs, a queued one waits
            other = self.queue(self.simulate(name="Other"))
            worker_cr.execute(lock, [0])
            self.assertTrue(worker_cr.fetchone()[0])
            self.assertEqual(other._dunning_run_job(), "busy")
            self.assertEqual(other.state, "queued")
            worker_cr.rollback()
        self.env["account.dunning.simulation"]._dunning_recover_interrupted()
        self.assertEqual(simulation.state, "queued", "its worker is gone")

    def test_cancel_a_queued_simulation(self):
        simulation = self.queue(self.simulate())
        simulation.action_cancel_run()
        self.assertEqual(simulation.state, "draft")
        self.run_scheduled_action()
        self.assertEqual(simulation.state, "draft", "not run")
        self.assertFalse(simulation.result)
        with self.assertRaisesRegex(UserError, "Only a queued simulation"):
            simulation.action_cancel_run()
        # a running one is not deleted under its job's feet
        simulation.sudo().state = "running"
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            simulation.unlink()

    def test_managers_only(self):
        billing = new_test_user(
            self.env, login="billing_job", groups="account.group_account_invoice", company_id=self.company.id
        )
        simulation = self.simulate()
        with self.assertRaises(AccessError):
            simulation.with_user(billing).action_run()
        self.queue(simulation)
        with self.assertRaises(AccessError):
            simulation.with_user(billing).action_cancel_run()
        with self.assertRaises(AccessError):
            self.env["account.dunning.simulation"].with_user(billing).search([])


def _broken_replay(replay, *args, **kwargs):
    raise MemoryError("out of memory")
