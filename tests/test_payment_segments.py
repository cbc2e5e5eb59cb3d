from datetime import date, timedelta

from psycopg2 import IntegrityError

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
        self.assertSegment(customer, "occasional")
        tolerance = customer.with_company(self.company).dunning_tolerance_days
        self.assertGreaterEqual(tolerance, 10)
        self.assertLessEqual(tolerance, 14)
        self.assertEqual(
            customer.dunning_segment_explanation,
            "Pays 10 days late on average; 6 of its last 6 paid invoices were late. Rule: Pays late now and then.",
        )

    def test_always_on_time_is_a_good_payer(self):
        customer = self.make_customer("On Time")
        self.make_history(customer, [0, -3, 0, -1, 0])
        self.assertSegment(customer, "good")
        self.assertEqual(customer.with_company(self.company).dunning_tolerance_days, 4)  # median 0 + margin 4
        self.assertEqual(
            customer.dunning_segment_explanation, "Pays on time on average; 0 of its last 5 paid invoices were late."
        )

    def test_no_history_is_new_with_its_default(self):
        customer = self.make_customer("Newcomer")
        self.make_history(customer, [40, 40])  # two invoices: below the minimum history of 3
        self.assertSegment(customer, "new", tolerance=5)
        self.company.dunning_tolerance_new_days = 9
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
        self.assertSegment(steady, "occasional")
        # erratic: usually 1 day late (+ margin 4), but irregular: min(5, 12 days of an irregular habit) = 5
        self.assertSegment(erratic, "risky", tolerance=5)
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
        # its own habit is punctual (0 + margin 4, within the risky cap); its late invoice leaves the others no slack
        self.assertSegment(customer, "risky", tolerance=4)

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

    def test_tolerance_cap(self):
        customer = self.make_customer("Habit")
        self.make_history(customer, [10] * 6)
        self.assertSegment(customer, "occasional", tolerance=14)  # 10 + margin 4, within the cap of 20
        # a tolerance shorter than the habit saves no reminder, it only sends it later: beyond the cap, none
        self.company.dunning_tolerance_cap_occasional = 8
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "occasional", tolerance=0)
        self.assertIn("more than the 8 days", customer.dunning_tolerance_explanation)

    def test_tolerance_statistic(self):
        customer = self.make_customer("Skewed")
        self.make_history(customer, [0, 8, 0, 9, 0])  # late 40%: occasional, steady trend
        self.company.dunning_tolerance_spread_days = 0  # the statistic alone (the spread is 8 - 0 days)
        self.assertSegment(customer, "occasional")
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "occasional", tolerance=4)  # median 0 + margin 4
        self.company.dunning_tolerance_statistic = "p75"
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "occasional", tolerance=12)  # p75 8 + 4
        self.company.dunning_tolerance_statistic = "avg"
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "occasional", tolerance=7)  # 3.4 -> 3 + 4
        # irregular: a quarter of its invoices 8 days later than usual, more than the steady spread of 4 days
        self.company.dunning_tolerance_spread_days = 4
        self.company.dunning_tolerance_irregular_days = 5
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "occasional", tolerance=5)  # min(7, 5)

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
        self.assertSegment(customer, "risky", tolerance=0)
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
        self.assertSegment(customer, "occasional", tolerance=14)
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
            settings.dunning_tolerance_statistic = "p75"
        self.assertEqual(self.company.dunning_behaviour_window_days, 180)
        self.assertEqual(self.company.dunning_tolerance_statistic, "p75")
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


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestPaymentIncidents(PaymentBehaviourCommon):
    """Disputes and formal notices inside the window are incidents that the default rules class as risky."""

    def segment(self, partner):
        return partner.with_company(self.company).dunning_segment

    def test_rule_three_disputes_is_risky_even_once_resolved(self):
        customer = self.make_customer("Quarrelsome")
        self.make_history(customer, [0, 0, 0])
        invoices = self.env["account.move"].union(
            *(self.make_invoice(customer, TODAY + timedelta(days=10 + day)) for day in range(3))
        )
        invoices[:2]._dunning_set_dispute("Goods damaged")
        customer._dunning_recompute_payment_stats(self.company)
        self.assertEqual(self.segment(customer), "good")
        self.assertEqual(customer.with_company(self.company).dunning_dispute_count, 2)
        invoices[2]._dunning_set_dispute("Wrong quantity")
        invoices.action_dunning_resolve_dispute()
        customer._dunning_recompute_payment_stats(self.company)
        partner = customer.with_company(self.company)
        self.assertEqual(partner.dunning_segment, "risky")
        self.assertEqual(partner.dunning_dispute_count, 3)
        self.assertIn("Incidents: 3 disputed invoices.", partner.dunning_segment_explanation)
        self.assertIn("Disputed three invoices or more", partner.dunning_segment_explanation)
        self.assertEqual(invoices[0].dunning_dispute_date, TODAY)
        # as of the day before the disputes, they did not exist yet
        self.assertEqual(self.stats(customer, as_of=TODAY - timedelta(days=1))["dispute_count"], 0)

    def test_disputes_outside_the_window_are_forgotten(self):
        customer = self.make_customer("Old Quarrel")
        self.make_history(customer, [0, 0, 0])
        invoices = self.env["account.move"].union(*(self.make_invoice(customer, TODAY) for _i in range(3)))
        invoices._dunning_set_dispute("Late delivery")
        later = TODAY + timedelta(days=self.company.dunning_behaviour_window_days)
        self.assertEqual(self.stats(customer, as_of=later - timedelta(days=1))["dispute_count"], 3)
        self.assertEqual(self.stats(customer, as_of=later)["dispute_count"], 0)

    def test_rule_a_formal_notice_is_risky(self):
        customer = self.make_customer("Noticed")
        self.make_history(customer, [0, 0, 0])
        invoice = self.make_invoice(customer, TODAY - timedelta(days=20))
        levels = self.env["account.dunning.level"].search([("company_id", "=", self.company.id)])
        notice = levels.filtered(lambda level: level.letter_variant == "formal_notice")[:1]
        reminder = levels.filtered(lambda level: level.letter_variant == "reminder")[:1]
        Action = self.env["account.dunning.action"].sudo()  # follow-ups are made by the run only
        values = {"partner_id": customer.id, "company_id": self.company.id, "move_ids": invoice.ids}
        Action.create({**values, "level_id": reminder.id, "date": TODAY - timedelta(days=5), "state": "done"})
        Action.create({**values, "level_id": notice.id, "date": TODAY - timedelta(days=2), "state": "cancelled"})
        customer._dunning_recompute_payment_stats(self.company)
        self.assertEqual(self.segment(customer), "good", "reminders and cancelled notices are no incident")
        Action.create({**values, "level_id": notice.id, "date": TODAY - timedelta(days=1), "state": "done"})
        customer._dunning_recompute_payment_stats(self.company)
        partner = customer.with_company(self.company)
        self.assertEqual(partner.dunning_segment, "risky")
        self.assertEqual(partner.dunning_formal_notice_count, 1)
        # risky: the risky customers' ladder; its own habit (on time, + margin 4) stays within the risky cap of 12,
        # but its invoice 20 days late leaves its other invoices no slack while it is open
        self.assertEqual(partner.dunning_tolerance_days, 4)
        self.assertIn("Received a formal notice", partner.dunning_segment_explanation)
        self.assertEqual(self.stats(customer, as_of=TODAY - timedelta(days=2))["formal_notice_count"], 0)

    def test_incident_thresholds_cannot_be_negative(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["account.dunning.segment.rule"].create(
                {"name": "Negative", "segment": "bad", "min_delay_avg": 1, "min_dispute_count": -1}
            )

    def test_default_rules_are_named_in_every_installed_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["account_dunning"], ["fr_FR"], overwrite=True)
        company = self.env["res.company"].with_context(lang="fr_FR").create({"name": "Filiale FR"})
        rule = self.env["account.dunning.segment.rule"].search(
            [("company_id", "=", company.id), ("min_formal_notice_count", "=", 1)]
        )
        self.assertEqual(rule.with_context(lang="en_US").name, "Received a formal notice")
        self.assertEqual(rule.with_context(lang="fr_FR").name, "A reçu une mise en demeure")
