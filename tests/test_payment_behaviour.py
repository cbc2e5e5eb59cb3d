from datetime import date, timedelta

from odoo import Command
from odoo.tests import freeze_time, tagged

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
        self.company.dunning_policy_id.grace_days = 10  # the settings in use: the company's current policy
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
        self.company.dunning_policy_id.window_days = 366
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
