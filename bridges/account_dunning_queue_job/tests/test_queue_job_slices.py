from freezegun import freeze_time

from odoo.addons.account_dunning.tests.common import DunningRunCommon
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import tagged


@freeze_time("2025-01-05")
@tagged("post_install", "-at_install")
class TestQueueJobSlices(DunningRunCommon):
    """With the setting on, the daily run and the KPI refresh queue one job per slice instead of working."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = cls.env["ir.config_parameter"]
        params.set_param("account_dunning.job_slice_size", 2)
        params.set_param("account_dunning_queue_job.enabled", "True")
        cls.customers = cls.customer | cls._create_customer("Martin SAS", email="ap@martin.example")
        cls.customers |= cls._create_customer("Durand SA", email="ap@durand.example")
        for customer in cls.customers:
            cls._invoice(customer, 100, "2025-01-01")

    def _cursor(self, job):
        return self.env["account.dunning.job.cursor"].search([("job", "=", job), ("company_id", "=", self.company.id)])

    def test_daily_run_queues_one_job_per_slice(self):
        with trap_jobs() as trap:
            self.env["account.dunning.run"]._cron_run_followups()
            # 3 customers in slices of 2: two jobs, and the pass is done once they are queued
            trap.assert_jobs_count(2)
            cursor = self._cursor("run")
            self.assertEqual((cursor.state, cursor.done_count, cursor.queue_job_count), ("done", 3, 2))
            self.assertFalse(self._actions(), "nothing done before the jobs run")
            first, second = self.customers.sorted("id")[:2]
            trap.assert_enqueued_job(
                self.company._dunning_queue_run_slice,
                args=(self.d("2025-01-05"), [first.id, second.id]),
                properties={"identity_key": f"account_dunning:run:{self.company.id}:2025-01-05:{first.id}-{second.id}"},
            )
            jobs = list(trap.enqueued_jobs)
            trap.perform_enqueued_jobs()
        self.assertEqual(self._actions().partner_id, self.customers)
        # a job run again (retried, or its worker killed before it was marked done) duplicates nothing
        for job in jobs:
            job.perform()
        self.assertEqual(len(self._actions()), 3)

    def test_kpi_refresh_queues_one_job_per_month(self):
        with trap_jobs() as trap:
            self.env["account.dunning.kpi"]._cron_refresh()
            # one job per month of each active company (the test companies included)
            ours = [job for job in trap.enqueued_jobs if job.recordset == self.company]
            self.assertEqual(len(ours), 12)
            trap.perform_enqueued_jobs()
        kpi = self.env["account.dunning.kpi"]
        rows = kpi.search([("company_id", "=", self.company.id), ("partner_id", "=", False)])
        self.assertEqual(len(rows), 12)

    def test_off_the_scheduled_actions_work_themselves(self):
        self.env["ir.config_parameter"].set_param("account_dunning_queue_job.enabled", "False")
        with trap_jobs() as trap:
            self.env["account.dunning.run"]._cron_run_followups()
            trap.assert_jobs_count(0)
        self.assertEqual(len(self._actions()), 3)

    def test_a_failed_job_is_recorded_for_the_company(self):
        for _attempt in range(2):
            job = self.company.with_delay()._dunning_queue_run_slice(self.d("2025-01-05"), self.customers.ids)
            # as the job runner stores a job whose code raised
            job.set_failed(exc_name="RuntimeError", exc_message="simulated", exc_info="Traceback ...")
            job.store()
        failure = self.env["account.dunning.job.failure"].search([("company_id", "=", self.company.id)])
        self.assertEqual((failure.job, failure.count, failure.message), ("run", 2, "RuntimeError: simulated"))
        self.assertEqual(len(failure.activity_ids), 1, "one task")
