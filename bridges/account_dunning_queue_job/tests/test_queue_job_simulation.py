from odoo.addons.account_dunning.tests.common_simulation import SimulationCommon
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.sql_db import db_connect
from odoo.tests import freeze_time, tagged

LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('account.dunning.simulation'), %s)"


@freeze_time("2026-05-15")
@tagged("post_install", "-at_install")
class TestQueueJobSimulation(SimulationCommon):
    """With queue_job, a queued simulation is one queue job on the follow-ups' channel, not a call of the scheduled
    action. The registry is in test mode: the short transactions of the job's state and progress are the test's."""

    def setUp(self):
        super().setUp()
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)

    def test_one_job_per_simulation(self):
        simulation = self.simulate()
        with trap_jobs() as trap:
            simulation.action_run()
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(
                simulation._dunning_queue_simulation,
                properties={"identity_key": f"account_dunning:simulation:{simulation.id}:0"},
            )
            job = trap.enqueued_jobs[0]
            self.assertEqual(job.channel, "root.account_dunning")
            # the scheduled action leaves it to the job workers
            self.env["account.dunning.simulation"]._cron_run_simulations()
            self.assertEqual(simulation.state, "queued")
            trap.perform_enqueued_jobs()
        self.env.invalidate_all()
        self.assertEqual((simulation.state, simulation.progress), ("done", 100))
        self.assertEqual(simulation.result["policy"]["invoices_reminded"], 2)
        message = simulation.message_ids[0]
        self.assertIn("The figures are ready", message.body)
        self.assertEqual(message.notification_ids.res_partner_id, self.manager.partner_id, "the requester is told")
        # the job run again (retried, or its worker killed after the figures were committed) does nothing
        self.assertEqual(job.perform(), f"Simulation {simulation.name}: skipped")

    def test_one_simulation_at_a_time(self):
        simulation = self.simulate()
        with trap_jobs() as trap:
            simulation.action_run()
            job = trap.enqueued_jobs[0]
        # another simulation runs on another job worker: its transaction holds the lock of "one at a time"
        with db_connect(self.env.cr.dbname).cursor() as worker_cr:
            worker_cr.execute(LOCK, [0])
            self.assertTrue(worker_cr.fetchone()[0])
            with self.assertRaises(RetryableJobError):
                job.perform()
            worker_cr.rollback()
        self.assertEqual(simulation.state, "queued", "it waits")
        job.perform()
        self.env.invalidate_all()
        self.assertEqual(simulation.state, "done")

    def test_a_simulation_whose_worker_died_gets_a_new_job(self):
        simulation = self.simulate()
        simulation.sudo().write({"state": "running", "attempt_count": 1, "requested_by_id": self.manager.id})
        with trap_jobs() as trap:
            self.env["account.dunning.simulation"]._cron_run_simulations()
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(
                simulation._dunning_queue_simulation,
                properties={"identity_key": f"account_dunning:simulation:{simulation.id}:1"},
            )
            self.assertEqual(simulation.state, "queued")
            trap.perform_enqueued_jobs()
        self.env.invalidate_all()
        self.assertEqual((simulation.state, simulation.attempt_count), ("done", 2))
