from datetime import date, timedelta

from odoo.tests import freeze_time, tagged

from .common_behaviour import PaymentBehaviourCommon

HISTORY_START = date(2026, 1, 5)


@tagged("post_install", "-at_install")
class TestDunningAcceptance(PaymentBehaviourCommon):
    """End to end with the shipped defaults: real payments make the history, the history sets the follow-up day.

    Nothing is configured here: segment rules, the tolerance settings (risk method: the first day k on which
    (late + 3 x p(k)) / (still unpaid k days after the due date + 3) reaches 44 %, late meaning paid 15 days late
    or more and p(k) the company's own ratio), scenarios and levels are the module's defaults, and sending stays
    disabled (follow-ups wait for validation, as after installation).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(date(2026, 5, 1)):
            cls.habit = cls.make_customer("Always Ten Days Late")
            cls.make_history(cls.habit, [10] * 6, first_due=HISTORY_START)
            cls.punctual = cls.make_customer("Always On Time")
            cls.make_history(cls.punctual, [0, -2, 0, 0, -5, 0], first_due=HISTORY_START)
            cls.newcomer = cls.make_customer("Newcomer")

    def run_day(self, day):
        """The nightly jobs of a day: payment behaviour first, then the follow-up run."""
        with freeze_time(day):
            self.env["res.partner"]._cron_dunning_recompute_payment_stats()
            self.env["account.dunning.run"].run_followups(self.company, day)

    def actions(self, partner):
        return self.env["account.dunning.action"].search([("partner_id", "=", partner.id)])

    def test_ten_days_late_customer_is_not_chased_within_its_habit_but_is_the_day_after(self):
        due = date(2026, 6, 1)
        self.assertFalse(self.company.dunning_send_enabled, "defaults: nothing leaves the company")
        self.make_invoice(self.habit, due, 800.0)
        self.run_day(due + timedelta(days=10))
        partner = self.habit.with_company(self.company)
        self.assertEqual(partner.dunning_segment, "occasional", partner.dunning_segment_explanation)
        # risk method: the company's history is its 6 invoices paid 10 days late and the punctual customer's 6.
        # k = 0..9: 6 of its invoices still unpaid, none ended 15 days late, nor any of the company's (p = 0 / 6):
        # (0 + 3 x 0) / (6 + 3) = 0; k = 10: none still unpaid anywhere (p = 1.0): (0 + 3 x 1.0) / (0 + 3) = 100 %
        self.assertEqual(partner.dunning_tolerance_days, 10)
        self.assertFalse(self.actions(self.habit), "10 days overdue is within this customer's habit")
        self.run_day(due + timedelta(days=11))  # due + 10 + the first level's trigger (1)
        action = self.actions(self.habit)
        self.assertEqual(len(action), 1)
        self.assertEqual(action.scenario_id.segment_ids.mapped("code"), ["occasional"])
        self.assertEqual(action.level_id, action.scenario_id._get_ordered_levels()[0])
        self.assertEqual(action.state, "to_validate")
        self.assertEqual(action.amount_total, 800.0)

    def test_punctual_customer_is_chased_at_the_first_level_trigger(self):
        due = date(2026, 6, 1)
        self.make_invoice(self.punctual, due, 500.0)
        self.run_day(due)
        partner = self.punctual.with_company(self.company)
        self.assertEqual(partner.dunning_segment, "good")
        # never paid late: its risk is the company's alone, (0 + 3 x p(k)) / (0 + 3) = p(k). The company's late
        # invoices (the habit's 6, paid 10 days late) never ended 15 days late: k = 0..9, p = 0 / 6; k = 10, none
        # of them still unpaid (p = 1.0): 10 days, the company's own history saying that waiting pays until then
        tolerance = partner.dunning_tolerance_days
        self.assertEqual(tolerance, 10)
        first = (
            self.env["account.dunning.scenario"]
            .search([("company_id", "=", self.company.id), ("segment_ids.code", "=", "good")])
            ._get_ordered_levels()[0]
        )
        self.assertEqual(first.trigger_days, 1)
        trigger_day = due + timedelta(days=tolerance + first.trigger_days)
        self.run_day(trigger_day - timedelta(days=1))
        self.assertFalse(self.actions(self.punctual))
        self.run_day(trigger_day)
        self.assertEqual(self.actions(self.punctual).level_id, first)

    def test_customer_without_history_follows_the_new_segment_default(self):
        due = date(2026, 6, 1)
        self.make_invoice(self.newcomer, due, 300.0)
        self.run_day(due - timedelta(days=10))
        partner = self.newcomer.with_company(self.company)
        self.assertEqual(partner.dunning_segment, "new")
        self.assertEqual(partner.dunning_tolerance_days, self.company.dunning_policy_id.new_days)
        first = (
            self.env["account.dunning.scenario"]
            .search([("company_id", "=", self.company.id), ("segment_ids.code", "=", "new")])
            ._get_ordered_levels()[0]
        )
        # a courtesy notice is about the due date: it goes 3 days before it, whatever the tolerance
        self.assertLess(first.trigger_days, 0)
        trigger_day = due + timedelta(days=first.trigger_days)
        self.run_day(trigger_day - timedelta(days=1))
        self.assertFalse(self.actions(self.newcomer))
        self.run_day(trigger_day)
        self.assertEqual(self.actions(self.newcomer).level_id, first)
        self.actions(self.newcomer).action_send()  # sending is off: the accountant validates it
        # the first real reminder comes at due + tolerance + its trigger, not pushed back by the courtesy notice
        second = first.scenario_id._get_ordered_levels()[1]
        reminder_day = due + timedelta(days=self.company.dunning_policy_id.new_days + second.trigger_days)
        self.run_day(reminder_day - timedelta(days=1))
        self.assertEqual(self.actions(self.newcomer).level_id, first)
        self.run_day(reminder_day)
        self.assertEqual(self.actions(self.newcomer).level_id, first | second)

    def test_customer_not_yet_classified_gets_the_new_customer_tolerance(self):
        """Invoiced today, before any nightly job: no segment yet, so the new customers' scenario and tolerance."""
        due = date(2026, 6, 1)
        stranger = self.make_customer("First Order")
        self.make_invoice(stranger, due, 300.0)
        self.assertFalse(stranger.with_company(self.company).dunning_segment)
        first = (
            self.env["account.dunning.scenario"]
            .search([("company_id", "=", self.company.id), ("segment_ids.code", "=", "new")])
            ._get_ordered_levels()[0]
        )
        trigger_day = due + timedelta(days=first.trigger_days)  # a courtesy notice ignores the tolerance
        run = self.env["account.dunning.run"]
        with freeze_time(trigger_day - timedelta(days=1)):
            run.run_followups(self.company, trigger_day - timedelta(days=1))
        self.assertFalse(self.actions(stranger))
        with freeze_time(trigger_day):
            run.run_followups(self.company, trigger_day)
        self.assertEqual(self.actions(stranger).level_id, first)
