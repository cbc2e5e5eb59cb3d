from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestDunningDeskCalls(DunningRunCommon):
    """A call ends in one click with its outcome, logged on the follow-up and the customer, and changes what the next
    run does: a promise pauses the chase, a dispute removes the invoices, no answer N times sends the next level."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.phone = "+33 1 23 45 67 89"
        # the good payers' ladder: reminder +0, reminder 2 +15, phone call +30 (interval 14), formal notice +45
        cls.phone_level = cls.levels[2]
        cls.notice_level = cls.levels[3]
        cls.invoice = cls._invoice(cls.customer, 1000, "2025-01-01")
        cls.other = cls._invoice(cls.customer, 500, "2025-01-02")

    def _call_followup(self):
        """Run the ladder up to the phone call level (due + 30 days, intervals of 14 days respected)."""
        for day in ("2025-01-02", "2025-01-17", "2025-02-01"):
            self._run(day)
        action = self._actions(self.customer)[-1]
        self.assertEqual(action.level_id, self.phone_level)
        self.assertEqual(action.activity_id.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        return action.with_user(self.collector)

    def _log(self, action, outcome, **values):
        wizard_model = self.env["account.dunning.call.wizard"].with_user(self.collector)
        wizard = Form(wizard_model.with_context(default_action_id=action.id))
        wizard.outcome = outcome
        for name, value in values.items():
            setattr(wizard, name, value)
        return wizard.save().action_confirm()

    @freeze_time("2025-02-03")
    def test_promise_pauses_the_chase_and_is_logged(self):
        action = self._call_followup()
        activity = action.activity_id
        self._log(action, "promise", promise_date=self.d("2025-02-20"), promise_amount=1200)
        call = action.call_ids
        self.assertRecordValues(
            call,
            [{"outcome": "promise", "attempt": 1, "user_id": self.collector.id, "phone": "+33 1 23 45 67 89"}],
        )
        # 1,200 covers the oldest invoice (1,000) whole and 200 of the second
        self.assertRecordValues(
            self.invoice | self.other,
            [
                {"dunning_promise_date": self.d("2025-02-20"), "dunning_promise_amount": 0.0},
                {"dunning_promise_date": self.d("2025-02-20"), "dunning_promise_amount": 200.0},
            ],
        )
        self.assertFalse(activity.exists(), "the call task is done")
        self.assertIn("Reached: promise to pay", action.message_ids[0].body, "the outcome is on the follow-up")
        self.assertIn("Collections call", self.customer.message_ids[0].body, "and on the customer")
        self.assertNotIn("1,200", self.customer.message_ids[0].body, "without amounts on the contact")
        log = self.env["account.dunning.task.log"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((log.kind, log.user_id), ("call", self.collector))
        # the next run leaves the customer alone while the promise runs, even past the formal notice trigger
        result = self._run("2025-02-18", preview=True)
        self.assertFalse([entry for entry in result["followups"] if entry["partner"] == self.customer])

    @freeze_time("2025-02-03")
    def test_dispute_takes_the_invoices_out(self):
        action = self._call_followup()
        reason = self.env.ref("account_dunning.dispute_reason_quality")
        self._log(action, "dispute", dispute_reason_id=reason, comment="Broken parts")
        self.assertTrue(self.invoice.dunning_dispute)
        self.assertEqual(self.invoice.dunning_dispute_reason, f"{reason.name}: Broken parts")
        self.assertEqual(action.call_ids.dispute_reason_id, reason)
        result = self._run("2025-02-20", preview=True)
        self.assertFalse([entry for entry in result["followups"] if entry["partner"] == self.customer])

    def test_no_answer_calls_again_on_the_next_working_day_then_escalates(self):
        self.company.dunning_call_max_attempts = 2
        with freeze_time("2025-02-07"):  # a Friday
            action = self._call_followup()
            self._log(action, "no_answer")
            call = action.call_ids
            self.assertEqual(call.next_call_date, self.d("2025-02-10"), "Monday, after the week-end")
            self.assertEqual(action.activity_id.date_deadline, self.d("2025-02-10"), "the call task moves")
        # before its maximum of calls, the customer waits for the interval as usual
        result = self._run("2025-02-10", preview=True)
        self.assertFalse([entry for entry in result["followups"] if entry["partner"] == self.customer])
        with freeze_time("2025-02-10"):
            self._log(action, "no_answer")
            self.assertFalse(action.activity_ids, "no third call: the task ends")
            self.assertIn("the next run sends the next level", action.message_ids[0].body)
        # the next run sends the formal notice at once (its trigger, +45, and the interval have not passed)
        self._run("2025-02-11")
        latest = self._actions(self.customer)[-1]
        self.assertEqual(latest.level_id, self.notice_level)
        self.assertEqual(latest.date, self.d("2025-02-11"))
        # and the count starts again with that follow-up: no second escalation the next day
        result = self._run("2025-02-12", preview=True)
        self.assertFalse([entry for entry in result["followups"] if entry["partner"] == self.customer])

    def test_unanswered_calls_are_counted_as_of_the_run_date(self):
        self.company.dunning_call_max_attempts = 1
        with freeze_time("2025-02-04"):
            action = self._call_followup()
            self._log(action, "no_answer")
        run = self.env["account.dunning.run"]
        self.assertEqual(
            self.env["account.dunning.call"]._dunning_unanswered_counts(
                self.company, self.d("2025-02-04"), self.customer
            ),
            {self.customer.id: 1},
        )
        self.assertFalse(
            self.env["account.dunning.call"]._dunning_unanswered_counts(
                self.company, self.d("2025-02-03"), self.customer
            ),
            "a run for an earlier day does not see the call",
        )
        self.assertTrue(run._are_calls_exhausted(self.company, 1))
        self.company.dunning_call_max_attempts = 0
        self.assertFalse(run._are_calls_exhausted(self.company, 5), "0: calls never escalate by themselves")

    @freeze_time("2025-02-03")
    def test_wrong_number_marks_the_contact_to_fix(self):
        action = self._call_followup()
        self._log(action, "wrong_number")
        self.assertEqual(self.customer.dunning_wrong_phone, "+33 1 23 45 67 89")
        self.assertFalse(action.activity_ids)
        tasks = self.env["account.dunning.task"].search(
            [("partner_id", "=", self.customer.id), ("kind", "=", "contact")]
        )
        self.assertEqual(len(tasks), 1)
        self.customer.phone = "+33 1 98 76 54 32"
        tasks = self.env["account.dunning.task"].search(
            [("partner_id", "=", self.customer.id), ("kind", "=", "contact")]
        )
        self.assertFalse(tasks, "a corrected number ends the task")

    @freeze_time("2025-02-03")
    def test_bad_input_is_refused_clearly(self):
        action = self._call_followup()
        with self.assertRaisesRegex(ValidationError, "a day after today"):
            action._dunning_log_call("promise", promise_date=self.d("2025-02-03"))
        with self.assertRaisesRegex(ValidationError, "at most what the invoices still owe"):
            action._dunning_log_call("promise", promise_date=self.d("2025-02-10"), promise_amount=99999)
        with self.assertRaisesRegex(ValidationError, "reason of the dispute"):
            action._dunning_log_call("dispute")
        stranger = self._invoice(self._create_customer("Other SA"), 10, "2025-01-01")
        with self.assertRaisesRegex(ValidationError, "its own follow-up"):
            action._dunning_log_call("promise", moves=stranger, promise_date=self.d("2025-02-10"))
        salesman = new_test_user(self.env, login="desk_salesman", groups="base.group_user")
        with self.assertRaises(UserError):
            action.with_user(salesman)._dunning_log_call("no_answer")
        self.assertFalse(action.call_ids)
