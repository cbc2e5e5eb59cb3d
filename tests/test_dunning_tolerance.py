from datetime import date, timedelta

from odoo.tests import freeze_time, tagged

from .common_behaviour import PaymentBehaviourCommon

HISTORY_START = date(2025, 10, 1)
DUE = date(2026, 6, 1)


@freeze_time("2026-05-20")
@tagged("post_install", "-at_install")
class TestDunningTolerance(PaymentBehaviourCommon):
    """The personal tolerance with the shipped defaults (margin 4 days, steady spread 4, irregular habit 12, going
    bad at 8 days of growth, large invoices from 3 times the usual amount): real payments make the habit, the
    nightly jobs and the daily run do the rest."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dunning_send_enabled = False  # the follow-ups wait for validation: nothing leaves

    def run_day(self, day):
        """The nightly jobs of a day: payment behaviour first, then the follow-up run."""
        with freeze_time(day):
            self.env["res.partner"]._cron_dunning_recompute_payment_stats()
            return self.env["account.dunning.run"].run_followups(self.company, day)

    def actions(self, partner):
        return self.env["account.dunning.action"].search([("partner_id", "=", partner.id)])

    def decision(self, partner):
        partner = partner.with_company(self.company)
        stats = partner._dunning_stored_stats()
        return partner._dunning_tolerance_decision(
            self.company._dunning_policy_settings(), stats, partner.dunning_segment
        )

    def test_steady_ten_days_late_payer_is_not_chased_at_five_days_but_is_at_fifteen(self):
        steady = self.make_customer("Steady Ten")
        self.make_history(steady, [10] * 8, first_due=HISTORY_START)
        invoice = self.make_invoice(steady, DUE)
        self.run_day(DUE + timedelta(days=5))
        partner = steady.with_company(self.company)
        # median 10 + margin 4 = 14 days, within the 20 days of occasional late payers, and a steady habit
        self.assertEqual((partner.dunning_segment, partner.dunning_tolerance_days), ("occasional", 14))
        self.assertEqual(
            partner.dunning_tolerance_explanation, "Tolerance 14 days: pays 10 days late as a rule, very regularly."
        )
        self.assertFalse(self.actions(steady), "5 days late is this customer's habit")
        self.run_day(DUE + timedelta(days=15))
        self.assertEqual(self.actions(steady).move_ids, invoice)

    def test_customer_whose_last_three_delays_grow_fast_loses_its_tolerance(self):
        grower = self.make_customer("Going Bad")
        # the same delays in two orders: growing by 8 then 9 days (17 in all) at the end, or shrinking
        self.make_history(grower, [2, 2, 2, 2, 2, 5, 13, 22], first_due=HISTORY_START)
        calm = self.make_customer("Had a Bad Patch")
        self.make_history(calm, [2, 2, 2, 2, 2, 22, 13, 5], first_due=HISTORY_START)
        self.run_day(DUE - timedelta(days=10))
        self.assertEqual(grower.with_company(self.company).dunning_delay_growth, 17.0)
        self.assertEqual(self.decision(grower), (0, "growing"))
        self.assertIn("its last three delays kept growing", grower.dunning_tolerance_explanation)
        # median 2 + 4 = 6, and irregular (a quarter of its invoices 5 days later than usual): min(6, 12) = 6
        self.assertEqual(calm.with_company(self.company).dunning_delay_growth, 0.0)
        self.assertEqual(self.decision(calm), (6, "erratic"))
        invoices = {partner: self.make_invoice(partner, DUE) for partner in (grower, calm)}
        self.run_day(DUE + timedelta(days=1))
        self.assertEqual(self.actions(grower).move_ids, invoices[grower], "chased the day after its due date")
        self.assertFalse(self.actions(calm))

    def test_unusually_large_invoice_from_a_habitual_late_payer_gets_less_slack(self):
        steady = self.make_customer("Late With Big Orders")
        self.make_history(steady, [10] * 8, first_due=HISTORY_START)
        usual = self.make_invoice(steady, DUE, amount=1000.0)
        large = self.make_invoice(steady, DUE, amount=3500.0)  # 3.5 times its usual 1,000
        run = self.env["account.dunning.run"]
        customer = run._get_live_customers(self.company, DUE, usual | large)[0]
        self.assertEqual(customer.tolerance, 14)
        tolerances = {
            item.move: steady._dunning_invoice_tolerance(
                customer.settings, customer.stats, customer.tolerance, item, customer.items, DUE
            )
            for item in customer.items
        }
        self.assertEqual(tolerances, {usual: (14, ""), large: (7, "large")})
        self.run_day(DUE + timedelta(days=6))
        self.assertFalse(self.actions(steady))
        self.run_day(DUE + timedelta(days=7))
        self.assertEqual(self.actions(steady).move_ids, large, "only the large invoice is chased at 7 days")

    def test_other_late_invoice_or_recent_dispute_leave_no_slack(self):
        steady = self.make_customer("Steady Ten")
        self.make_history(steady, [10] * 8, first_due=HISTORY_START)
        older = self.make_invoice(steady, DUE - timedelta(days=20))
        newer = self.make_invoice(steady, DUE)
        run = self.env["account.dunning.run"]
        customer = run._get_live_customers(self.company, DUE + timedelta(days=2), older | newer)[0]
        item = next(item for item in customer.items if item.move == newer)
        day = DUE + timedelta(days=2)
        args = (customer.settings, customer.stats, customer.tolerance, item, customer.items, day)
        # the older invoice is 22 days late, beyond the 14 days of tolerance: the habit no longer holds
        self.assertEqual(steady._dunning_invoice_tolerance(*args), (0, "others_late"))
        alone = [item]
        args = (customer.settings, customer.stats, customer.tolerance, item, alone, day)
        self.assertEqual(steady._dunning_invoice_tolerance(*args), (14, ""))
        stats = dict(customer.stats, last_dispute_date=day - timedelta(days=30))
        self.assertEqual(
            steady._dunning_invoice_tolerance(customer.settings, stats, 14, item, alone, day), (0, "dispute")
        )
