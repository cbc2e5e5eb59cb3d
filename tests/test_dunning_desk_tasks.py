from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from ..tools.desk import task_score
from .common import DunningRunCommon
from .test_dunning_letters import VALID_IBAN


@freeze_time("2025-03-03")
@tagged("post_install", "-at_install")
class TestDunningDeskTasks(DunningRunCommon):
    """My Work: each collector's open tasks from their sources, ranked by what is at stake, done in one click; the
    workload per collector and the bulk reassignment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tasks = cls.env["account.dunning.task"]
        cls.other_collector = new_test_user(
            cls.env,
            login="desk_other_collector",
            name="Olivier Relance",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _disputed(self, name, segment, amount, due, responsible=None):
        partner = self._create_customer(name, segment=segment, email=f"ap@{name.split()[0].lower()}.example")
        if responsible:
            partner.with_company(self.company).dunning_responsible_id = responsible
        invoice = self._invoice(partner, amount, due)
        invoice._dunning_set_dispute("Quality")
        return partner, invoice

    def _tasks(self, partner=None, kind=None, user=None):
        domain = [("company_id", "=", self.company.id)]
        domain += [("partner_id", "=", partner.id)] if partner else []
        domain += [("kind", "=", kind)] if kind else []
        return self.tasks.with_user(user or self.collector).search(domain)

    def test_rank_weighs_amount_risk_age_and_broken_promises(self):
        # hand-computed: amount overdue x risk weight x (1 + oldest days / 30) x (1 + 0.5 x broken promises)
        good, _invoice = self._disputed("Alpha Good", "good", 1000, "2025-02-01")  # 1000 x 1 x (1 + 30/30) = 2000
        risky, _invoice = self._disputed("Beta Risky", "risky", 600, "2025-02-16")  # 600 x 2 x 1.5 = 1800
        bad, _invoice = self._disputed("Gamma Bad", "bad", 200, "2025-01-02")  # oldest 60 days late
        promised = self._invoice(bad, 100, "2025-02-11")
        promised._dunning_set_promise(self.d("2025-03-01"))  # broken: nothing paid by then
        # Gamma: (200 + 100) x 3 x (1 + 60/30) x (1 + 0.5 x 1) = 4050
        self.assertEqual(task_score(1000, "good", 30, 0), 2000)
        self.assertEqual(task_score(600, "risky", 15, 0), 1800)
        self.assertEqual(task_score(300, "bad", 60, 1), 4050)
        failure = self.env["account.dunning.job.failure"]._record_failure_message("run", self.company, "Boom")
        tasks = self._tasks()
        self.assertEqual(tasks[0].failure_id, failure, "a job failure stops the whole company: first")
        # equal ranks: the earlier task first (the promise broke on 2 March, the dispute dates from today)
        self.assertEqual(
            [(task.partner_id, task.kind, task.score) for task in tasks[1:]],
            [(bad, "promise", 4050), (bad, "dispute", 4050), (good, "dispute", 2000), (risky, "dispute", 1800)],
        )
        gamma = tasks.filtered(lambda task: task.partner_id == bad)[:1]
        self.assertRecordValues(
            gamma, [{"amount_overdue": 300, "segment": "bad", "oldest_days": 60, "broken_promise_count": 1}]
        )
        self.assertIn("x 3.0 (Bad payer)", gamma.rank_explanation)

    def test_every_kind_of_task_reaches_its_collector(self):
        customer = self.customer.with_company(self.company)
        customer.dunning_responsible_id = self.other_collector
        customer.phone = "+33 1 00 00 00 00"
        self.levels[0].write({"channel_phone": True, "channel_letter": True, "letter_variant": "reminder"})
        invoice = self._invoice(self.customer, 800, "2025-02-20")
        self._run("2025-03-03")
        action = self._actions(self.customer)
        tasks = self._tasks(self.customer, user=self.other_collector)
        kinds = set(tasks.filtered(lambda task: task.user_id == self.other_collector).mapped("kind"))
        self.assertEqual(kinds, {"call", "letter"})
        call = self._tasks(self.customer, "call")
        self.assertEqual((call.action_id, call.activity_id), (action, action.activity_id))
        # an answer of the customer, a follow-up waiting for validation of another customer (the company default)
        self.env["account.dunning.answer"]._dunning_record(
            {
                "kind": "paid",
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "action_id": action.id,
                "move_ids": [Command.set(invoice.ids)],
            },
            "Paid yesterday",
            "Payment announced",
        )
        answer = self._tasks(self.customer, "answer")
        self.assertEqual(answer.user_id, self.other_collector, "the answer's task owner")
        self.company.dunning_send_enabled = False
        waiting = self._create_customer("Waiting SA", email="ap@waiting.example")
        self._invoice(waiting, 100, "2025-02-20")
        self._run("2025-03-03")
        validate = self._tasks(waiting, "validate")
        self.assertEqual(validate.user_id, self.collector, "no responsible nor salesperson: the company default")
        # done in one click: the answer handled, the follow-up sent; the letter, printed by the nightly job, through
        # its posting form (posted the day it was printed)
        bank = self.env["res.bank"].create({"name": "Crédit Agricole", "bic": "AGRIFRPP"})
        self.env["res.partner.bank"].create(
            {"acc_number": VALID_IBAN, "partner_id": self.company.partner_id.id, "bank_id": bank.id}
        )
        self.env["account.dunning.action"]._cron_render_letters()
        posting = (answer | self._tasks(self.customer, "letter")).with_user(self.other_collector).action_mark_done()
        self.assertEqual(posting["res_model"], "account.dunning.letter.post")
        self.env[posting["res_model"]].with_user(self.other_collector).browse(posting["res_id"]).action_confirm()
        validate.with_user(self.collector).action_send_followup()
        self.assertFalse(self._tasks(self.customer, "answer") | self._tasks(self.customer, "letter"))
        self.assertFalse(self._tasks(waiting, "validate"))
        done = self.env["account.dunning.task.log"].search([("user_id", "=", self.other_collector.id)])
        self.assertEqual(sorted(done.mapped("kind")), ["answer", "letter"])

    def test_broken_promise_stays_a_task_until_dealt_with(self):
        invoice = self._invoice(self.customer, 500, "2025-02-01")
        self._run("2025-02-02")
        invoice._dunning_set_promise(self.d("2025-03-10"))
        self.assertFalse(self._tasks(self.customer, "promise"), "a running promise is no task")
        with freeze_time("2025-03-11"):
            self._run("2025-03-11")  # broken: the run escalates at once and ends the promise
            self.assertEqual(invoice.dunning_promise_ended_date, self.d("2025-03-11"))
            self.assertEqual(invoice.dunning_promise_broken_date, self.d("2025-03-10"))
            task = self._tasks(self.customer, "promise")
            self.assertEqual((task.date, task.move_count, task.broken_promise_count), (self.d("2025-03-11"), 1, 1))
            task.with_user(self.collector).action_mark_done()
            self.assertFalse(self._tasks(self.customer, "promise"))
        self.assertIn("Broken promise dealt with", invoice.message_ids[0].body)

    def test_workload_and_bulk_reassignment(self):
        first = self._create_customer("First SA", email="ap@first.example")
        second = self._create_customer("Second SA", email="ap@second.example")
        for partner in (first, second):
            partner.with_company(self.company).dunning_responsible_id = self.collector
            partner.phone = "+33 1 11 11 11 11"
            self._invoice(partner, 250, "2025-02-01")
        self.levels[0].channel_phone = True
        self._run("2025-03-03")
        workload = (
            self.env["account.dunning.workload"]
            .with_user(self.collector)
            .search([("user_id", "=", self.collector.id), ("company_id", "=", self.company.id)])
        )
        self.assertRecordValues(
            workload, [{"open_task_count": 2, "customer_count": 2, "amount_at_stake": 500, "done_week_count": 0}]
        )
        messages_before = self.env["mail.message"].search_count([("message_type", "=", "user_notification")])
        wizard = Form(
            self.env["account.dunning.reassign.wizard"]
            .with_user(self.collector)
            .with_context(default_from_user_id=self.collector.id)
        )
        wizard.to_user_id = self.other_collector
        self.assertEqual(len(wizard.partner_ids), 2)
        wizard.save().action_reassign()
        self.assertEqual(
            (first | second).with_company(self.company).mapped("dunning_responsible_id"), self.other_collector
        )
        calls = self.tasks.search([("kind", "=", "call"), ("partner_id", "in", (first | second).ids)])
        self.assertEqual(calls.user_id, self.other_collector, "their call tasks follow them")
        self.assertEqual(
            self.env["mail.message"].search_count([("message_type", "=", "user_notification")]),
            messages_before,
            "no 'assigned to you' notification per task",
        )

    def test_daily_digest_and_access(self):
        self._disputed("Digest Customer", "risky", 900, "2025-02-01", responsible=self.collector)
        self.assertFalse(self.tasks._cron_send_digest(), "off by default")
        self.company.dunning_task_digest = True
        self.collector.email = "claire@example.com"
        mails = self.tasks._cron_send_digest()
        mail = mails.filtered(lambda mail: mail.email_to and "claire@example.com" in mail.email_to)
        self.assertEqual(len(mail), 1)
        self.assertIn("Digest Customer", mail.body_html)
        self.assertIn("1 follow-up tasks", mail.subject)
        employee = new_test_user(self.env, login="desk_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.tasks.with_user(employee).search([])
        other_company = self.env["res.company"].create({"name": "Elsewhere SAS"})
        elsewhere = self.env["account.dunning.job.failure"]._record_failure_message("run", other_company, "Boom")
        self.assertIn(elsewhere, self.tasks.search([]).failure_id, "the superuser sees every company")
        self.assertNotIn(elsewhere, self.tasks.with_user(self.collector).search([]).failure_id, "not its company")
