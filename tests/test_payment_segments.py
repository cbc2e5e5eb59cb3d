from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common_behaviour import TODAY, PaymentBehaviourCommon
from .cron import run_manually


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestPaymentSegments(PaymentBehaviourCommon):
    def assertSegment(self, partner, segment, tolerance=None):
        partner = partner.with_company(self.company)
        self.assertEqual(partner.dunning_segment, segment, partner.dunning_segment_explanation)
        if tolerance is not None:
            self.assertEqual(partner.dunning_tolerance_days, tolerance)

    def test_always_ten_days_late_is_a_habit(self):
        customer = self.make_customer("Habit")
        self.make_history(customer, [10] * 6)
        # risk method, the company's history being these 6 invoices only (prior p(k) = the company's seriously late
        # / still unpaid k days after the due date, 1.0 when none is): k = 0..9: its 6 invoices are still unpaid,
        # none ended 15 days late (p = 0 / 6): (0 + 3 x 0) / (6 + 3) = 0; k = 10: none still unpaid (p = 1.0):
        # (0 + 3 x 1.0) / (0 + 3) = 100 % >= 44 %: 10 days, within the occasional cap of 20
        self.assertSegment(customer, "occasional", tolerance=10)
        self.assertEqual(
            customer.dunning_segment_explanation,
            "Pays 10 days late on average; 6 of its last 6 paid invoices were late. Rule: Pays late now and then.",
        )

    def test_always_on_time_is_a_good_payer(self):
        customer = self.make_customer("On Time")
        self.make_history(customer, [0, -3, 0, -1, 0])
        # never late, in a company whose invoices were never late either: nothing says waiting pays (p(0) = 1.0),
        # k = 0: (0 + 3 x 1.0) / (0 + 3) = 100 %: no tolerance, a reminder the day after the due date
        self.assertSegment(customer, "good", tolerance=0)
        self.assertEqual(
            customer.dunning_segment_explanation, "Pays on time on average; 0 of its last 5 paid invoices were late."
        )

    def test_no_history_is_new_with_its_default(self):
        customer = self.make_customer("Newcomer")
        self.make_history(customer, [40, 40])  # two invoices: below the minimum history of 3
        self.assertSegment(customer, "new", tolerance=5)
        self.company.dunning_policy_id.new_days = 9  # the settings in use: the company's current policy
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "new", tolerance=9)
        nobody = self.make_customer("Nobody")
        self.assertEqual(nobody._dunning_compute_payment_stats(self.company)[nobody.id]["tolerance"], 9)
        self.assertIn("Too little history", customer.dunning_segment_explanation)

    def test_erratic_or_increasing_delays_are_riskier_than_a_steady_one(self):
        steady, erratic, worsening = (self.make_customer(name) for name in ("Steady", "Erratic", "Worsening"))
        self.make_history(steady, [12] * 6)
        self.make_history(erratic, [0, 40, 0, 30, 0, 2])  # average 12 as well
        self.make_history(worsening, [2, 6, 10, 14, 18, 22])  # average 12 as well
        # the nightly job: each customer's tolerance weighs the company's history of all 18 invoices
        (steady | erratic | worsening)._dunning_recompute_payment_stats(self.company)
        # The company's delays (capped at 15): 0 x3, 2 x2, 6, 10, 12 x6, 14, 15 x4 (40, 30, 18, 22). Still unpaid k
        # days after the due date: k = 0-1: 15, k = 2-5: 13, k = 6-9: 12, k = 10-11: 11, k = 12-13: 5, k = 14: 4;
        # 4 ended 15 days late: p = 4/15, 4/13, 4/12, 4/11, 4/5, 4/4.
        # steady, 6 x 12 days: k = 0-11: (0 + 3p) / (6 + 3) <= 3 x 4/11 / 9 = 12 %; k = 12: none still unpaid,
        # (0 + 3 x 4/5) / (0 + 3) = 80 %: 12 days, its habit
        self.assertSegment(steady, "occasional", tolerance=12)
        # erratic: 3 late invoices (40, 30, 2), 2 of them 15 days late or more; k = 0:
        # (2 + 3 x 4/15) / (3 + 3) = 2.8 / 6 = 47 % >= 44 %: chased at once, within the risky cap of 12
        self.assertSegment(erratic, "risky", tolerance=0)
        self.assertEqual(
            erratic.with_company(self.company).dunning_tolerance_explanation,
            "No tolerance: 2 of its 3 late invoices ended 15 days late or more (a risk of 47 % with the company's "
            "history).",
        )
        # worsening: its last three delays grew by 4 days each time, 8 in all: going bad, no tolerance
        self.assertSegment(worsening, "risky", tolerance=0)
        self.assertIn("erratic", erratic.dunning_segment_explanation)
        self.assertIn("later and later", worsening.dunning_segment_explanation)

    def test_rule_overdue_90_days_is_bad_even_without_history(self):
        customer = self.make_customer("Silent")
        self.make_invoice(customer, TODAY - timedelta(days=95))
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "bad", tolerance=0)

    def test_rule_average_60_days_is_bad(self):
        customer = self.make_customer("Very Late")
        self.make_history(customer, [65, 65, 65])
        self.assertSegment(customer, "bad", tolerance=0)

    def test_rule_overdue_45_days_is_risky(self):
        customer = self.make_customer("Overdue")
        self.make_history(customer, [0, 0, 0])
        self.make_invoice(customer, TODAY - timedelta(days=50))
        customer._dunning_recompute_payment_stats(self.company)
        # never paid late, in a company whose paid invoices were never late (p(0) = 1.0): k = 0,
        # (0 + 3 x 1.0) / (0 + 3) = 100 %: no tolerance
        self.assertSegment(customer, "risky", tolerance=0)

    def test_rule_average_30_days_is_risky(self):
        customer = self.make_customer("Month Late")
        self.make_history(customer, [35, 35, 35])
        self.assertSegment(customer, "risky")

    def test_rule_late_now_and_then_is_occasional(self):
        customer = self.make_customer("Sometimes")
        self.make_history(customer, [0, 0, 0, 0, 5])  # one in five late: 20%
        self.assertSegment(customer, "occasional")
        other = self.make_customer("Rarely")
        self.make_history(other, [0, 0, 0, 0, 0, 5])  # one in six: under 20%
        self.assertSegment(other, "good")

    def test_custom_rule_on_overdue_amount(self):
        customer = self.make_customer("Big Debt")
        self.make_history(customer, [0, 0, 0])
        self.make_invoice(customer, TODAY - timedelta(days=5), 50000)
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "good")
        rule = self.env["account.dunning.segment.rule"].create(
            {"name": "Owes a lot", "segment": "risky", "sequence": 1, "min_overdue_amount": 20000}
        )
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "risky")
        self.assertEqual(customer.with_company(self.company).dunning_segment_rule_id, rule)
        rule.active = False
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "good")

    def test_rule_needs_a_threshold(self):
        with self.assertRaisesRegex(UserError, "needs at least one threshold"):
            self.env["account.dunning.segment.rule"].create({"name": "Empty", "segment": "bad"})

    def test_tolerance_cap_is_a_ceiling(self):
        customer = self.make_customer("Habit")
        self.make_history(customer, [10] * 6)
        # k = 0..9: (0 + 3 x 0) / (6 + 3) = 0; k = 10: (0 + 3 x 1.0) / (0 + 3) = 100 %: 10 days, within the cap of 20
        self.assertSegment(customer, "occasional", tolerance=10)
        # a cap below: the risk is still 0 on day 8, the cap gives 8 days (no longer none beyond the cap)
        self.company.dunning_policy_id.cap_occasional = 8
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "occasional", tolerance=8)
        self.assertEqual(
            customer.with_company(self.company).dunning_tolerance_explanation,
            "Tolerance 8 days: the most its segment may be given.",
        )
        # a cap above the risk's day changes nothing: 10 days
        self.company.dunning_policy_id.cap_occasional = 12
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "occasional", tolerance=10)

    def test_habit_method_and_its_statistic(self):
        customer = self.make_customer("Skewed")
        self.make_history(customer, [0, 8, 0, 9, 0])  # late 40%: occasional, steady trend
        # risk method (default), the company's history being these 5 invoices: delays 0 x3, 8, 9; k = 0..7: 2 still
        # unpaid, none ended 15 days late (p = 0): 0; k = 8: 1 still unpaid (p = 0): 0; k = 9: none (p = 1.0):
        # (0 + 3 x 1.0) / (0 + 3) = 100 %: 9 days, the longest it ever took
        self.assertSegment(customer, "occasional", tolerance=9)
        policy = self.company.dunning_policy_id
        policy.tolerance_method = "habit"  # the usual delay + the margin of 4 days, at most the cap, nothing else
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "occasional", tolerance=4)  # median 0 + margin 4
        policy.statistic = "p75"
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "occasional", tolerance=12)  # p75 8 + 4
        # 75th percentile - median = 8 days: irregular
        self.assertEqual(
            customer.with_company(self.company).dunning_tolerance_explanation,
            "Tolerance 12 days: pays within 8 days of the due date three times out of four, irregularly.",
        )
        policy.statistic = "avg"
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "occasional", tolerance=7)  # 3.4 -> 3 + 4
        policy.statistic = "p75"
        policy.cap_occasional = 10
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "occasional", tolerance=10)  # min(8 + 4, the cap of 10)

    def test_manual_override_with_reason(self):
        manager = new_test_user(
            self.env, login="credit_manager", groups="account.group_account_manager", company_id=self.company.id
        )
        customer = self.make_customer("Habit")
        self.make_history(customer, [10] * 6)
        action = customer.with_user(manager).action_dunning_open_segment_override()
        wizard_form = Form(self.env[action["res_model"]].with_user(manager).with_context(**action["context"]))
        self.assertEqual(wizard_form.current_segment, "occasional")
        wizard_form.segment = "risky"
        wizard_form.reason = "Payment plan broken twice"
        wizard_form.save().action_apply()
        # risky, cap 12: its own risk still gives 10 days (k = 0..9: 0; k = 10: 100 %)
        self.assertSegment(customer, "risky", tolerance=10)
        self.assertEqual(customer.dunning_segment_explanation, "Segment set manually: Payment plan broken twice")
        # the reason goes to the segment history (accounting only), not to the chatter every employee reads
        change = customer.dunning_segment_change_ids
        self.assertEqual(
            (change.reason, change.user_id, change.segment_before, change.segment_after, change.manual),
            ("Payment plan broken twice", manager, "occasional", "risky", True),
        )
        self.assertFalse(customer.message_ids.filtered(lambda message: "Payment plan" in str(message.body)))
        # the nightly job keeps it
        self.env["res.partner"]._cron_dunning_recompute_payment_stats()
        self.assertSegment(customer, "risky")
        with self.assertRaisesRegex(UserError, "Give a reason"):
            customer._dunning_set_segment_override("good", "  ")
        customer._dunning_set_segment_override(False, "Plan respected again")
        self.assertSegment(customer, "occasional", tolerance=10)
        latest = customer.dunning_segment_change_ids.sorted("id")[-1]
        self.assertEqual(
            (latest.reason, latest.segment_after, latest.manual), ("Plan respected again", "occasional", False)
        )

    def test_billing_user_cannot_override(self):
        billing = new_test_user(self.env, login="billing", groups="account.group_account_invoice")
        with self.assertRaises(AccessError):
            self.env["account.dunning.segment.override"].with_user(billing).create(
                {"partner_id": self.make_customer("X").id, "reason": "no"}
            )


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestPaymentBehaviourTriggers(PaymentBehaviourCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = new_test_user(cls.env, login="billing_user", groups="account.group_account_invoice")

    def test_paying_an_invoice_updates_the_customer(self):
        customer = self.make_customer("Payer")
        self.make_history(customer, [4, 4])
        invoice = self.make_invoice(customer, date(2026, 6, 1), 2000)
        in_company = customer.with_company(self.company)
        self.assertEqual(in_company.payment_history_count, 2)
        self.assertEqual(in_company.dunning_segment, "new")
        # a billing user registers the last payment: the hook refreshes the statistics
        self.env["account.payment.register"].with_user(self.billing).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": date(2026, 6, 11)})._create_payments()
        self.assertEqual(in_company.payment_history_count, 3)
        self.assertEqual(in_company.payment_delay_max, 10)
        self.assertEqual(in_company.dunning_segment, "occasional")

    def test_nightly_job_and_actions(self):
        customer = self.make_customer("Cron")
        self.make_history(customer, [0, 0, 0])
        # forget the values, as if the invoices came from an import
        self.env.cr.execute("UPDATE res_partner SET payment_history_count = NULL WHERE id = %s", [customer.id])
        customer.invalidate_recordset()
        self.assertEqual(customer.with_company(self.company).payment_history_count, 0)
        # Run Manually: the scheduler's path (progress record, a commit per slice), in a cursor of its own
        run_manually(self, "account_dunning.ir_cron_dunning_payment_behaviour")
        self.assertEqual(customer.with_company(self.company).payment_history_count, 3)
        self.env.cr.execute("UPDATE res_partner SET payment_history_count = NULL WHERE id = %s", [customer.id])
        customer.invalidate_recordset()
        action = self.env.ref("account_dunning.res_partner_action_recompute_payment_behaviour")
        action.with_user(self.billing).with_context(
            active_model="res.partner", active_ids=customer.ids, active_id=customer.id
        ).run()
        self.assertEqual(customer.with_company(self.company).payment_history_count, 3)
        customer.with_user(self.billing).action_dunning_recompute_payment_stats()

    def test_statistics_written_in_bulk_leave_the_orm_consistent(self):
        customer = self.make_customer("Bulk")
        self.make_history(customer, [4, 4])
        # forget the figures, as if the invoices came from an import, and date the last change back
        self.env.cr.execute(
            "UPDATE res_partner SET payment_history_count = NULL, write_date = '2020-01-01' WHERE id = %s",
            [customer.id],
        )
        customer.invalidate_recordset()
        partner = customer.with_user(self.billing).with_company(self.company)
        self.assertIn("No invoice fully paid", partner.dunning_segment_explanation)
        partner.action_dunning_recompute_payment_stats()
        # the statistics are written in one UPDATE: the explanation computed from them follows in the same
        # transaction, and the customer shows who changed it and when, as after write()
        self.assertEqual(partner.payment_history_count, 2)
        self.assertEqual(partner.dunning_segment_explanation, partner._dunning_explain_segment())
        self.assertNotIn("No invoice fully paid", partner.dunning_segment_explanation)
        self.assertEqual((partner.write_uid, partner.write_date), (self.billing, self.env.cr.now()))

    def test_invoice_days_overdue_and_expected_date(self):
        customer = self.make_customer("Habit")
        self.make_history(customer, [10, 10, 11])  # weighted average 10.33
        invoice = self.make_invoice(customer, date(2026, 6, 20))
        invoice = invoice.with_user(self.billing)
        self.assertEqual(invoice.dunning_days_overdue, 10)
        self.assertEqual(invoice.dunning_expected_payment_date, date(2026, 6, 30))
        paid = self.make_invoice(customer, date(2026, 6, 1))
        self.pay(paid, date(2026, 6, 5))
        self.assertEqual(paid.dunning_days_overdue, 0)
        self.assertFalse(paid.dunning_expected_payment_date)
        not_due = self.make_invoice(customer, date(2026, 7, 20))
        self.assertEqual(not_due.dunning_days_overdue, 0)

    def test_settings_and_forms(self):
        with mute_logger("odoo.tests.form.onchange"), Form(self.env["res.config.settings"]) as settings:
            settings.dunning_behaviour_window_days = 180
            settings.dunning_tolerance_risk_percent = 50  # shown with the risk method (default)
            settings.dunning_tolerance_prior_weight = 2.5
            settings.dunning_tolerance_method = "habit"
            settings.dunning_tolerance_statistic = "p75"  # shown with the habit method
            settings.dunning_new_invoice_days = 3
        # the settings form edits the company's current policy, the settings in use
        policy = self.company.dunning_policy_id
        self.assertEqual(
            (policy.window_days, policy.statistic, policy.tolerance_method, policy.risk_percent, policy.prior_weight),
            (180, "p75", "habit", 50, 2.5),
        )
        self.assertEqual(policy.new_invoice_days, 3)
        self.assertEqual(self.company._dunning_policy_settings()["window_days"], 180)
        customer = self.make_customer("Form")
        Form(customer.with_user(self.billing), view="account.view_partner_property_form")
        groups = (
            self.env["res.partner"]
            .with_user(self.billing)
            ._read_group([("id", "=", customer.id)], ["dunning_segment"], ["__count"])
        )
        self.assertEqual(groups, [(False, 1)])
        self.assertEqual(
            self.env["account.dunning.segment.rule"].with_user(self.billing).search_count([]),
            9 * len(self.env.companies),
        )
        rule_form = Form(self.env["account.dunning.segment.rule"])
        rule_form.name = "Late"
        rule_form.segment = "occasional"
        rule_form.min_late_ratio = 0.5
        self.assertTrue(rule_form.save())
        self.assertEqual(Command.clear(), (5, 0, 0))
