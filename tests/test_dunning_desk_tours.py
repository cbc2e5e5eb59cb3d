from datetime import date, timedelta

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestDunningDeskTours(DunningRunCommon, HttpCase):
    """The collector's day in a real browser (static/tests/tours/dunning_desk_call_tour.js)."""

    def test_collector_logs_a_promise_and_the_next_run_skips_the_customer(self):
        collector = new_test_user(
            self.env,
            login="desk_tour_collector",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
            tz="UTC",
        )
        today = date.today()
        # the good payers' ladder has its phone call at +30: a customer reaches it today, another one is simply late
        caller = self._create_customer("Call Partner", email="ap@call.example", phone="+33 1 23 45 67 89")
        caller.with_company(self.company).dunning_responsible_id = collector
        invoice = self._invoice(caller, 1200, today - timedelta(days=60))
        for days in (58, 43, 28):
            self._run(today - timedelta(days=days))
        action = self._actions(caller)[-1]
        self.assertTrue(action.channel_phone)
        self.assertEqual(action.activity_id.user_id, collector)
        other = self._create_customer("Other Partner", email="ap@other.example")
        other.with_company(self.company).dunning_responsible_id = collector
        self._invoice(other, 100, today - timedelta(days=3))
        # the call is due today (the task moved to today as a no-answer would do)
        action.activity_id.date_deadline = today
        self.start_tour("/odoo", "account_dunning_desk_call_tour", login=collector.login)
        call = action.call_ids
        self.assertEqual((call.outcome, call.user_id), ("promise", collector))
        self.assertEqual(invoice.dunning_promise_date, date(2099, 7, 15))
        self.assertEqual(invoice.dunning_promise_amount, 400)
        result = self._run(today, preview=True)
        self.assertIn(other, [entry["partner"] for entry in result["followups"]])
        self.assertNotIn(caller, [entry["partner"] for entry in result["followups"] + result["skipped"]])
