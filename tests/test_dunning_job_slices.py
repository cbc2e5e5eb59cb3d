from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import DunningRunCommon
from .cron import run_cron

JOB_LOGGER = "odoo.addons.account_dunning.models.account_dunning_job_failure"
RUN_CRON = "account_dunning.ir_cron_account_dunning_run"
KPI_CRON = "account_dunning.account_dunning_kpi_cron_refresh"
#: the last call of the scheduled action after a run that finished (Odoo's runner puts it in the context)
LATER_CALL = datetime(2025, 1, 5, 5, 0)
#: the time budget of a run of a job, at its minimum (seconds)
BUDGET = 5


class WorkerKilled(BaseException):
    """A cron worker killed by its time limit: nothing after this point runs. Raised inside a slice, it escapes every
    `except Exception`, and the run's cursor goes back to its last commit (the end of the previous slice), as
    PostgreSQL does with a killed worker's transaction."""


@freeze_time("2025-01-05")
@tagged("post_install", "-at_install")
class TestDunningJobSlices(DunningRunCommon):
    """The scheduled jobs work in slices committed with their cursor, the way Odoo's cron runner calls them.

    Each call below is one run of the scheduled action by a cron worker (tests/cron.py): a cursor of its own, a
    progress record per call, up to ten calls, a commit after each slice. The time budget of a run is at its
    minimum (5 s) and each customer or month takes 3 s of the frozen clock inside its slice: after a slice that did
    one, the budget is spent (3 s used + 3 s predicted for the next slice > 5 s), as on a large company. With 2 s
    each, a run does one customer or month of each of two companies (2 + 2 s, and 4 + 2 s > 5 s for a third)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("account_dunning.job_slice_size", 1)
        cls.env["ir.config_parameter"].set_param("account_dunning.job_time_budget", BUDGET)
        # the database's own company (no customer, nothing to do) takes its turn first: its passes end at once
        cls.env.ref("base.main_company").sequence = 0
        cls.customers = cls.customer | cls._create_customer("Martin SAS", email="ap@martin.example")
        cls.customers |= cls._create_customer("Durand SA", email="ap@durand.example")
        for customer in cls.customers:
            cls._invoice(customer, 100, "2025-01-01")
        cls.Cursor = cls.env["account.dunning.job.cursor"]

    def _call(self, cron_xmlid, lastcall=False, unit_seconds=3):
        """One run of the scheduled action by a cron worker: returns the progress record (done, remaining) of its
        last call. Each customer or month done takes `unit_seconds` of the frozen clock, inside its slice."""
        cursor_class = self.registry["account.dunning.job.cursor"]
        advance = cursor_class._advance

        def slow_advance(cursor, position, done, remaining):
            frozen.tick(timedelta(seconds=unit_seconds * done))
            return advance(cursor, position, done, remaining)

        with freeze_time(fields.Datetime.now()) as frozen, patch.object(cursor_class, "_advance", slow_advance):
            return run_cron(self, cron_xmlid, lastcall=lastcall)[-1]

    def _cursor(self, job="run", company=None):
        return self.Cursor.search([("job", "=", job), ("company_id", "=", (company or self.company).id)])

    def _followed_partners(self, company=None):
        return self._actions(company=company).partner_id

    def test_a_slice_killed_in_the_middle_loses_and_duplicates_nothing(self):
        first, second, third = self.customers.sorted("id")
        progress = self._call(RUN_CRON)
        cursor = self._cursor()
        # one slice of one customer, committed with the cursor; the runner hears that two remain
        self.assertEqual((cursor.state, cursor.position, cursor.done_count), ("running", first.id, 1))
        self.assertEqual(self._followed_partners(), first)
        self.assertEqual((progress.done, progress.remaining), (1, 2))
        # the next call is killed after the second customer's follow-up was recorded, before its slice committed
        record = self.registry["account.dunning.run"]._record_actions

        def record_then_die(run, *args):
            record(run, *args)
            raise WorkerKilled()

        with (
            patch.object(self.registry["account.dunning.run"], "_record_actions", record_then_die),
            self.assertRaises(WorkerKilled),
        ):
            self._call(RUN_CRON)
        self.env.invalidate_all()
        self.assertEqual(self._followed_partners(), first, "the killed slice left nothing")
        self.assertEqual((cursor.position, cursor.done_count, cursor.slice_count), (first.id, 1, 1), "cursor kept")
        # the next worker goes on from the cursor: the second customer is not skipped, the first not redone
        self._call(RUN_CRON)
        progress = self._call(RUN_CRON)
        self.assertEqual((progress.done, progress.remaining), (3, 0), "the runner reschedules the job")
        self.assertEqual((cursor.state, cursor.position, cursor.done_count), ("done", third.id, 3))
        actions = self._actions()
        self.assertEqual(actions.partner_id, self.customers)
        self.assertEqual(len(actions), 3, "exactly one follow-up per customer")
        # a late call of the same run (a worker killed right after the last commit) finds the pass done
        self._call(RUN_CRON)
        self.assertEqual((cursor.slice_count, len(self._actions())), (3, 3))

    def test_a_later_run_of_the_action_starts_a_new_pass(self):
        for _call in range(3):
            self._call(RUN_CRON)
        cursor = self._cursor()
        self.assertEqual(cursor.state, "done")
        # run by hand later the same day: a new pass, where the customers already followed up are skipped
        self._call(RUN_CRON, lastcall=LATER_CALL)
        self.assertEqual((cursor.state, cursor.done_count, cursor.slice_count), ("running", 1, 1))
        self.assertEqual(len(self._actions()), 3, "nothing twice")

    def test_companies_take_turns(self):
        other = self.setup_other_company(name="Small Co")["company"]
        other.write({"dunning_responsible_id": self.collector.id, "dunning_send_enabled": True})
        self.customer.with_company(other).sudo().write(
            {"dunning_segment": "good", "dunning_segment_override": "good", "dunning_tolerance_days": 0}
        )
        self._invoice(self.customer, 100, "2025-01-01", company=other)
        # each customer takes 2 s: the budget takes one of each company (2 s + 2 s, a third would end past 5 s)
        progress = self._call(RUN_CRON, unit_seconds=2)
        # one round: a slice of each company, so the small company is done while the big one goes on
        self.assertEqual(self._cursor(company=other).state, "done")
        self.assertEqual(self._followed_partners(company=other), self.customer)
        self.assertEqual(len(self._actions()), 1)
        self.assertEqual((progress.done, progress.remaining), (2, 2))

    def test_a_failing_company_is_recorded_once_per_run(self):
        other = self.setup_other_company(name="Broken Co")["company"]
        run_class = self.registry["account.dunning.run"]
        select = run_class._select_partner_ids

        def select_or_crash(run, company, date):
            if company == other:
                raise RuntimeError("simulated crash")
            return select(run, company, date)

        with patch.object(run_class, "_select_partner_ids", select_or_crash), mute_logger(JOB_LOGGER):
            # each customer takes 2 s: every run reaches both companies
            for _call in range(3):
                self._call(RUN_CRON, unit_seconds=2)
            failure = self.env["account.dunning.job.failure"].search([("company_id", "=", other.id)])
            self.assertEqual((failure.count, len(failure.activity_ids)), (1, 1), "once per run, one task")
            self.assertEqual(self._cursor(company=other).state, "failed")
            self.assertEqual(len(self._actions()), 3, "the other company went on")
            # the next run of the action tries the company again
            self._call(RUN_CRON, lastcall=LATER_CALL, unit_seconds=2)
        self.assertEqual((failure.count, len(failure.activity_ids)), (2, 1))

    def test_kpi_months_killed_halfway_are_rebuilt_once(self):
        kpi_class = self.registry["account.dunning.kpi"]
        refresh = kpi_class._dunning_refresh

        def refresh_then_die(kpi, company, *args):
            refresh(kpi, company, *args)
            raise WorkerKilled()

        # each month takes 2 s: a run rebuilds a month of each company (this one and the database's own)
        self._call(KPI_CRON, unit_seconds=2)
        with (
            patch.object(kpi_class, "_dunning_refresh", refresh_then_die),
            self.assertRaises(WorkerKilled),
        ):
            self._call(KPI_CRON, unit_seconds=2)
        self.env.invalidate_all()
        cursor = self._cursor("kpi")
        self.assertEqual((cursor.position, cursor.done_count), (1, 1), "only the first month stays")
        Kpi = self.env["account.dunning.kpi"]
        self.assertEqual(Kpi.search([("company_id", "=", self.company.id)]).mapped("date"), [self.d("2024-01-01")])
        for _call in range(11):
            self._call(KPI_CRON, unit_seconds=2)
        self.assertEqual((cursor.state, cursor.done_count), ("done", 12))
        rows = Kpi.search([("company_id", "=", self.company.id), ("partner_id", "=", False)])
        # the twelve complete months before January 2025, one company row each
        self.assertEqual(sorted(rows.mapped("date")), [self.d(f"2024-{month:02d}-01") for month in range(1, 13)])

    def test_direct_calls_run_every_slice_at_once(self):
        self.env["account.dunning.run"]._cron_run_followups()
        self.assertEqual(self._cursor().state, "done")
        self.assertEqual(len(self._actions()), 3)

    def test_slicing_settings_are_bounded(self):
        settings = self.env["res.config.settings"]
        for values, message in (
            ({"dunning_job_time_budget": 1}, "between 5 and 3600"),
            ({"dunning_job_slice_size": 0}, "between 1 and 5000"),
        ):
            with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
                settings.create(values)
        params = self.env["ir.config_parameter"]
        for raw, budget in ((False, 60), ("1", 5), ("90", 90), ("a minute", 60), ("100000", 3600)):
            params.set_param("account_dunning.job_time_budget", raw)
            self.assertEqual(self.Cursor._job_time_budget(), budget, raw)

    def test_progress_is_read_only_and_per_company(self):
        other = self.setup_other_company(name="Other Co")["company"]
        self.env["account.dunning.run"]._cron_run_followups()
        billing = new_test_user(
            self.env,
            login="progress_reader",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        cursors = self.Cursor.with_user(billing).search([("job", "=", "run")])
        self.assertEqual(cursors.company_id, self.company, "the other company's progress stays hidden")
        self.assertTrue(self._cursor(company=other))
        with self.assertRaises(AccessError):
            cursors.write({"state": "done"})
        with self.assertRaises(AccessError):
            cursors.unlink()
