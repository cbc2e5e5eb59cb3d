from datetime import date, timedelta

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common_behaviour import TODAY, PaymentBehaviourCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestPaymentStatistics(PaymentBehaviourCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.make_customer("Mixed Payer")
        # 1000 due 1 March paid 11 March: 10 days late
        inv1 = cls.make_invoice(cls.customer, date(2026, 3, 1), 1000)
        cls.pay(inv1, date(2026, 3, 11))
        # 3000 due 1 April paid 25 March: early, counts 0
        inv2 = cls.make_invoice(cls.customer, date(2026, 4, 1), 3000)
        cls.pay(inv2, date(2026, 3, 25))
        # 2000 due 1 May: 500 on 25 April, the 1500 left on 21 May: 20 days late
        cls.inv3 = cls.make_invoice(cls.customer, date(2026, 5, 1), 2000)
        cls.pay(cls.inv3, date(2026, 4, 25), amount=500)
        cls.pay(cls.inv3, date(2026, 5, 21))
        # 1000 due 15 May: 600 paid on 10 May, a 400 credit note on 25 May clears it: 10 days late
        inv4 = cls.make_invoice(cls.customer, date(2026, 5, 15), 1000)
        cls.pay(inv4, date(2026, 5, 10), amount=600)
        refund = inv4._reverse_moves([{"invoice_date": date(2026, 5, 25), "date": date(2026, 5, 25)}])
        refund.invoice_line_ids.price_unit = 400
        refund.action_post()  # a reversal is matched with its invoice when posted
        if inv4.payment_state != "paid":
            (inv4 | refund).line_ids.filtered(lambda line: line.account_type == "asset_receivable").reconcile()
        cls.inv4 = inv4

    def test_whole_company_pass_gives_each_customer_its_own_figures(self):
        other = self.make_customer("Other")
        self.make_history(other, [30, 0, 5])
        self.make_invoice(other, TODAY - timedelta(days=12))
        customers = self.customer | other
        for as_of in (TODAY, date(2026, 5, 20)):
            self.assertEqual(
                customers._dunning_compute_payment_stats(self.company, as_of=as_of, whole_company=True),
                {
                    partner.id: partner._dunning_compute_payment_stats(self.company, as_of=as_of)[partner.id]
                    for partner in customers
                },
            )

    def test_partial_payments_credit_notes_and_early_payments(self):
        self.assertEqual(self.inv4.payment_state, "paid")
        stats = self.stats(self.customer)
        self.assertEqual(stats["count"], 4)
        # days [10, 0, 20, 10], weights [1000, 3000, 2000, 1000]: 60000 / 7000 = 8.57, one decimal
        self.assertAlmostEqual(stats["delay_avg"], 8.6)
        self.assertAlmostEqual(stats["delay_median"], 10.0)
        self.assertAlmostEqual(stats["delay_p75"], 12.5)
        self.assertEqual(stats["delay_max"], 20)
        self.assertEqual(stats["late_count"], 3)
        self.assertAlmostEqual(stats["late_ratio"], 0.75)
        self.assertAlmostEqual(stats["delay_stddev"], 7.07)
        # newest two (10, 20) against oldest two (0, 10)
        self.assertAlmostEqual(stats["delay_trend"], 10.0)
        self.assertEqual(stats["overdue_amount"], 0.0)

    def test_grace_period(self):
        self.company.dunning_behaviour_grace_days = 10
        stats = self.stats(self.customer)
        self.assertEqual(stats["late_count"], 1)
        self.assertAlmostEqual(stats["late_ratio"], 0.25)

    def test_stored_values_are_the_computed_ones(self):
        partner = self.customer.with_company(self.company)
        self.assertEqual(partner.payment_history_count, 4)
        self.assertAlmostEqual(partner.payment_delay_avg, 8.6)
        self.assertAlmostEqual(partner.payment_delay_median, 10.0)
        self.assertEqual(partner.payment_delay_max, 20)
        self.assertAlmostEqual(partner.payment_late_ratio, 0.75)
        self.assertAlmostEqual(partner.payment_delay_stddev, 7.07)
        self.assertEqual(partner.dunning_stats_date, TODAY)
        # the jsonb holds numbers the reports can cast
        self.env.cr.execute(
            "SELECT (payment_delay_avg ->> %s)::numeric FROM res_partner WHERE id = %s",
            [str(self.company.id), partner.id],
        )
        self.assertEqual(float(self.env.cr.fetchone()[0]), 8.6)
        # contacts are searchable and groupable by the stored values of the current company
        self.assertIn(partner, self.env["res.partner"].search([("payment_history_count", "=", 4)]))

    def test_as_of_ignores_later_payments(self):
        # on 15 May: inv1 and inv2 are paid; inv3 has only its first 500 and is 14 days overdue
        stats = self.stats(self.customer, as_of=date(2026, 5, 15))
        self.assertEqual(stats["count"], 2)
        self.assertAlmostEqual(stats["delay_avg"], 2.5)  # (10 * 1000 + 0 * 3000) / 4000
        self.assertEqual(stats["overdue_amount"], 1500.0)
        self.assertEqual(stats["overdue_days"], 14)
        self.assertEqual(stats["stats_date"], "2026-05-15")
        # computing does not write
        self.assertEqual(self.customer.with_company(self.company).payment_history_count, 4)

    def test_instalments_are_judged_on_the_last_due_date(self):
        customer = self.make_customer("Instalments")
        term = self.env["account.payment.term"].create(
            {
                "name": "Half at 30 days, half at 60 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 60}),
                ],
            }
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": date(2026, 3, 1),
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create({"name": "Service", "quantity": 1, "price_unit": 1000, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        self.assertEqual(
            invoice.line_ids.filtered("date_maturity").mapped("date_maturity"), [date(2026, 3, 31), date(2026, 4, 30)]
        )
        self.pay(invoice, date(2026, 3, 31), amount=500)  # first instalment on its due date
        self.assertEqual(self.stats(customer)["count"], 0)  # half paid: not in the history yet
        self.pay(invoice, date(2026, 5, 5), amount=500)  # second one 5 days after its due date
        self.assertEqual(invoice.payment_state, "paid")
        stats = self.stats(customer)
        self.assertEqual((stats["count"], stats["delay_max"], stats["delay_avg"]), (1, 5, 5.0))

    def test_window_boundaries(self):
        customer = self.make_customer("Old Payer")
        old = self.make_invoice(customer, date(2025, 6, 20))
        self.pay(old, date(2025, 6, 30))  # as of 30 June 2026, 365 days ago: outside
        edge = self.make_invoice(customer, date(2025, 6, 21))
        self.pay(edge, date(2025, 7, 1))  # 364 days ago: inside
        stats = self.stats(customer)
        self.assertEqual(stats["count"], 1)
        self.assertEqual(stats["delay_avg"], 10.0)
        self.company.dunning_behaviour_window_days = 366
        self.assertEqual(self.stats(customer)["count"], 2)
        self.assertEqual(self.stats(customer, as_of=date(2026, 6, 29))["count"], 2)

    def test_open_invoices_are_overdue_at_read_time(self):
        customer = self.make_customer("Slow Payer")
        self.make_invoice(customer, date(2026, 6, 10), 700)
        inv = self.make_invoice(customer, date(2026, 6, 20), 300)
        self.make_invoice(customer, date(2026, 7, 20), 5000)  # not yet due
        self.pay(inv, date(2026, 6, 25), amount=100)
        self.assertEqual(customer.dunning_overdue_amount, 900.0)
        self.assertEqual(customer.dunning_oldest_overdue_days, 20)
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": customer.id})
        self.assertEqual(contact.dunning_overdue_amount, 900.0)
        with freeze_time(date(2026, 7, 10)):
            customer.invalidate_recordset(["dunning_oldest_overdue_days"])
            self.assertEqual(customer.dunning_oldest_overdue_days, 30)

    def test_query_count_does_not_grow_with_customers(self):
        def count_queries(partners):
            self.env.flush_all()
            partners.invalidate_model()
            before = self.env.cr.sql_log_count
            partners._dunning_compute_payment_stats(self.company)
            return self.env.cr.sql_log_count - before

        two = self.customer | self.make_customer("Another")
        self.make_history(two[1], [3, 4])
        many = two | self.env["res.partner"].create([{"name": f"C{i}", "is_company": True} for i in range(30)])
        for index, partner in enumerate(many[2:12]):
            self.make_history(partner, [index])
        count_queries(many)  # warm the caches
        for_two = count_queries(two)
        self.assertLessEqual(count_queries(many), for_two)
        self.assertLessEqual(for_two, 8)


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestPaymentStatisticsCurrencyAndCompanies(PaymentBehaviourCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR", rates=[("2017-01-01", 2.0), ("2026-03-16", 4.0)])
        cls.customer = cls.make_customer("Foreign Customer")

    def test_foreign_currency(self):
        # 1000 EUR at rate 2 = 500 in company currency, paid in EUR at rate 4: exchange difference
        invoice = self.make_invoice(self.customer, date(2026, 3, 1), 1000, currency=self.eur)
        self.assertEqual(invoice.amount_total_signed, 500.0)
        self.pay(invoice, date(2026, 3, 16), currency=self.eur)
        self.assertEqual(invoice.payment_state, "paid")
        partials = invoice.line_ids.matched_credit_ids
        self.assertTrue(partials.filtered("exchange_move_id"), "the test needs an exchange difference")
        other = self.make_invoice(self.customer, date(2026, 3, 1), 1000)
        self.pay(other, date(2026, 3, 6))
        stats = self.stats(self.customer)
        self.assertEqual(stats["count"], 2)
        self.assertEqual(stats["delay_max"], 15)
        # weights in company currency: (500 * 15 + 1000 * 5) / 1500
        self.assertAlmostEqual(stats["delay_avg"], 8.3)

    def test_two_companies_never_mix(self):
        company_2_data = self.setup_other_company()
        company_2 = company_2_data["company"]
        self.make_history(self.customer, [10, 10, 10])
        invoice = self.make_invoice(self.customer, date(2026, 5, 1), 1000, company_data=company_2_data)
        self.pay(invoice, date(2026, 5, 31))
        self.make_invoice(self.customer, date(2026, 1, 1), 400, company_data=company_2_data)
        self.customer._dunning_recompute_payment_stats(self.company | company_2)  # the nightly job
        in_1 = self.customer.with_company(self.company)
        in_2 = self.customer.with_company(company_2)
        self.assertEqual((in_1.payment_history_count, in_1.payment_delay_avg), (3, 10.0))
        self.assertEqual((in_2.payment_history_count, in_2.payment_delay_avg), (1, 30.0))
        self.assertEqual(in_1.dunning_overdue_amount, 0.0)
        self.assertEqual(in_2.dunning_overdue_amount, 400.0)
        self.assertEqual(in_1.dunning_segment, "occasional")
        self.assertEqual(in_2.dunning_segment, "bad")  # overdue 180 days
        self.assertEqual(self.stats(self.customer, company=company_2)["count"], 1)
        # company 2 has its own default rules
        rules = self.env["account.dunning.segment.rule"].search([("company_id", "=", company_2.id)])
        self.assertEqual(len(rules), 9)


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
        self.assertLessEqual(customer.with_company(self.company).dunning_tolerance_days, 3)
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
        self.assertSegment(erratic, "risky", tolerance=0)
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

    def test_tolerance_cap(self):
        customer = self.make_customer("Habit")
        self.make_history(customer, [10] * 6)
        self.assertSegment(customer, "occasional", tolerance=12)
        self.company.dunning_tolerance_cap_occasional = 8
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "occasional", tolerance=8)

    def test_tolerance_statistic(self):
        customer = self.make_customer("Skewed")
        self.make_history(customer, [0, 8, 0, 9, 0])  # late 40%: occasional, steady trend
        self.assertSegment(customer, "occasional", tolerance=2)  # median 0 + margin 2
        self.company.dunning_tolerance_statistic = "p75"
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "occasional", tolerance=10)  # p75 8 + 2
        self.company.dunning_tolerance_statistic = "avg"
        customer._dunning_recompute_payment_stats(self.company)
        self.assertSegment(customer, "occasional", tolerance=5)  # 3.4 -> 3 + 2

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
        self.assertIn("Payment plan broken twice", customer.message_ids[0].body)
        self.assertEqual(customer.message_ids[0].author_id, manager.partner_id)
        # the nightly job keeps it
        self.env["res.partner"]._cron_dunning_recompute_payment_stats()
        self.assertSegment(customer, "risky")
        with self.assertRaisesRegex(UserError, "Give a reason"):
            customer._dunning_set_segment_override("good", "  ")
        customer._dunning_set_segment_override(False, "Plan respected again")
        self.assertSegment(customer, "occasional", tolerance=12)
        self.assertIn("back to the rules", customer.message_ids[0].body)

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
        self.env.ref("account_dunning.ir_cron_dunning_payment_behaviour").method_direct_trigger()
        self.assertEqual(customer.with_company(self.company).payment_history_count, 3)
        self.env.cr.execute("UPDATE res_partner SET payment_history_count = NULL WHERE id = %s", [customer.id])
        customer.invalidate_recordset()
        action = self.env.ref("account_dunning.res_partner_action_recompute_payment_behaviour")
        action.with_user(self.billing).with_context(
            active_model="res.partner", active_ids=customer.ids, active_id=customer.id
        ).run()
        self.assertEqual(customer.with_company(self.company).payment_history_count, 3)
        customer.with_user(self.billing).action_dunning_recompute_payment_stats()

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
        self.assertIn("Incidents: 3 disputed invoices, 0 formal notices.", partner.dunning_segment_explanation)
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
        Action = self.env["account.dunning.action"]
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
        self.assertEqual(partner.dunning_tolerance_days, 0)
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
