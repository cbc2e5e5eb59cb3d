from datetime import date, timedelta

from odoo.tests import freeze_time, tagged

from .common_behaviour import PaymentBehaviourCommon

HISTORY_START = date(2025, 10, 1)
DUE = date(2026, 6, 1)


@freeze_time("2026-05-20")
@tagged("post_install", "-at_install")
class TestDunningTolerance(PaymentBehaviourCommon):
    """The personal tolerance with the shipped defaults: real payments make the history, the nightly jobs and the
    daily run do the rest.

    Risk method: over the customer's paid invoices of the window, unpaid(k) = those paid more than k days late and
    late = those paid 15 days late or more; its tolerance is the first day k (0 up to its segment's cap, 14 at
    most) whose risk (late + 3 x p(k)) / (unpaid(k) + 3) reaches 44 %, p(k) being the same ratio over all the
    company's paid invoices of the window as of the end of the previous month (1.0 when none of them was paid more
    than k days late). New customers get 5 days, three growing delays (8 days in all) none; then per invoice: none
    after a recent dispute or while another invoice is late beyond the tolerance, half for an invoice of 3 times
    the usual amount. The company's history is what each test makes: no other invoice is paid in this class.
    """

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
        """(days, reason) of the customer's tolerance today, the company's history as of the end of last month."""
        stats = self.stats(partner)
        return partner._dunning_tolerance_decision(self.company._dunning_policy_settings(), stats, stats["segment"])

    def test_steady_ten_days_late_payer_is_chased_the_day_after_its_habit(self):
        steady = self.make_customer("Steady Ten")
        self.make_history(steady, [10] * 8, first_due=HISTORY_START)
        invoice = self.make_invoice(steady, DUE)
        self.run_day(DUE + timedelta(days=10))
        partner = steady.with_company(self.company)
        # its 8 invoices are the company's history: k = 0..9, 8 still unpaid, none ended 15 days late (p = 0 / 8):
        # (0 + 3 x 0) / (8 + 3) = 0; k = 10, none still unpaid (p = 1.0): (0 + 3 x 1.0) / (0 + 3) = 100 %: 10 days,
        # within the 20 days of occasional late payers; its first reminder (+1) at due + 11
        self.assertEqual((partner.dunning_segment, partner.dunning_tolerance_days), ("occasional", 10))
        self.assertEqual(
            partner.dunning_tolerance_explanation,
            "Tolerance 10 days: it never paid more than 10 days late (a risk of 100 % with the company's history).",
        )
        self.assertFalse(self.actions(steady), "10 days late is this customer's habit")
        self.run_day(DUE + timedelta(days=11))
        self.assertEqual(self.actions(steady).move_ids, invoice)

    def test_steady_payer_is_left_beyond_its_habit_when_the_company_late_invoices_end_well(self):
        steady = self.make_customer("Steady Ten")
        self.make_history(steady, [10] * 8, first_due=HISTORY_START)
        twelve = self.make_customer("Steady Twelve")
        self.make_history(twelve, [12] * 4, first_due=HISTORY_START)
        invoice = self.make_invoice(steady, DUE)
        self.run_day(DUE + timedelta(days=12))
        # the company: 8 invoices paid 10 days late, 4 paid 12 days late. Steady: k = 0..9, (0 + 3 x 0 / 12) /
        # (8 + 3) = 0; k = 10 and 11, none of its own still unpaid but the company's 4 (p = 0 / 4):
        # (0 + 3 x 0) / (0 + 3) = 0; k = 12, none still unpaid anywhere (p = 1.0): 100 %: 12 days, 2 beyond its
        # habit, since the company's invoices still unpaid 10 or 11 days after their due date were all paid before
        # they were 15 days late
        self.assertEqual(self.decision(steady), (12, "risk"))
        self.assertEqual(steady.with_company(self.company).dunning_tolerance_days, 12)
        self.assertFalse(self.actions(steady))
        self.run_day(DUE + timedelta(days=13))
        self.assertEqual(self.actions(steady).move_ids, invoice)

    def test_chronic_payer_whose_late_invoices_end_seriously_late_gets_none(self):
        chronic = self.make_customer("Chronic")
        self.make_history(chronic, [0, 0, 20, 0, 24, 0, 18, 0], first_due=HISTORY_START)
        steady = self.make_customer("Steady Ten")
        self.make_history(steady, [10] * 8, first_due=HISTORY_START)
        invoices = {partner: self.make_invoice(partner, DUE) for partner in (chronic, steady)}
        self.run_day(DUE + timedelta(days=1))
        # both occasional late payers (late 3 / 8 and 8 / 8), cap 20. The company, capped at 15: 0 x5, 10 x8,
        # 15 x3; still unpaid k = 0..9: 11, 3 of them ended 15 days late (p = 3/11); k = 10..14: 3 (p = 3/3).
        # chronic: its 3 late invoices all ended 15 days late or more; k = 0: (3 + 3 x 3/11) / (3 + 3) = 64 %: none
        # steady: k = 0..9, (0 + 3 x 3/11) / (8 + 3) = 7 %; k = 10, none still unpaid: (0 + 3 x 1.0) / 3: 10 days
        self.assertEqual([self.decision(partner) for partner in (chronic, steady)], [(0, "risk"), (10, "risk")])
        partner = chronic.with_company(self.company)
        self.assertEqual((partner.dunning_segment, partner.dunning_tolerance_days), ("occasional", 0))
        self.assertEqual(
            partner.dunning_tolerance_explanation,
            "No tolerance: 3 of its 3 late invoices ended 15 days late or more (a risk of 64 % with the company's "
            "history).",
        )
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["account_dunning"], ["fr_FR"], overwrite=True)
        partner.invalidate_recordset(["dunning_tolerance_explanation"])
        self.assertEqual(
            partner.with_context(lang="fr_FR").dunning_tolerance_explanation,
            "Aucune tolérance : 3 de ses 3 factures en retard ont fini avec 15 jours de retard ou plus (un risque de "
            "64 % avec l'historique de la société).",
        )
        self.assertEqual(self.actions(chronic).move_ids, invoices[chronic], "chased the day after its due date")
        self.assertFalse(self.actions(steady))

    def test_thin_history_leans_on_the_company_history(self):
        # paid in May: not in the company's history before June (it counts as of the end of the previous month)
        thin = self.make_customer("Three Invoices")
        self.make_history(thin, [10] * 3, first_due=date(2026, 4, 22), step=2)
        thick = self.make_customer("Eight Invoices")
        self.make_history(thick, [10] * 8, first_due=date(2026, 4, 21), step=2)
        # 20 May: the company has no invoice paid by 30 April, nothing says waiting pays (p = 1.0 every day).
        # thin: k = 0, (0 + 3 x 1.0) / (3 + 3) = 50 % >= 44 %: none; thick: k = 0..9, (0 + 3) / (8 + 3) = 27 %,
        # k = 10, (0 + 3) / (0 + 3) = 100 %: 10 days
        self.assertEqual((self.stats(thin)["tolerance"], self.stats(thick)["tolerance"]), (0, 10))
        # 1 June: the company's 11 invoices of May were all paid 10 days late (k = 0..9: p = 0 / 11).
        # thin: k = 0..9, (0 + 3 x 0) / (3 + 3) = 0; k = 10, 100 %: 10 days, as thick
        june = date(2026, 6, 1)
        self.assertEqual((self.stats(thin, june)["tolerance"], self.stats(thick, june)["tolerance"]), (10, 10))

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
        # both risky (later and later: the newer half 8.5 days later than the older), cap 12. The company, capped
        # at 15: 2 x10, 5 x2, 13 x2, 15 x2; still unpaid k = 0-1: 16, k = 2-4: 6, k = 5-12: 4, k = 13-14: 2, 2 of
        # them ended 15 days late (p = 2/16, 2/6, 2/4, 2/2). calm: 1 of its invoices ended 15 days late, still
        # unpaid k = 0-1: 8, k = 2-4: 3, k = 5-12: 2. k = 0-1: (1 + 3 x 2/16) / (8 + 3) = 12.5 %; k = 2-4:
        # (1 + 3 x 2/6) / (3 + 3) = 33 %; k = 5: (1 + 3 x 2/4) / (2 + 3) = 50 % >= 44 %: 5 days
        self.assertEqual(calm.with_company(self.company).dunning_delay_growth, 0.0)
        self.assertEqual(self.decision(calm), (5, "risk"))
        invoices = {partner: self.make_invoice(partner, DUE) for partner in (grower, calm)}
        self.run_day(DUE + timedelta(days=1))
        self.assertEqual(self.actions(grower).move_ids, invoices[grower], "chased the day after its due date")
        self.assertFalse(self.actions(calm))
        self.run_day(DUE + timedelta(days=6))
        self.assertEqual(self.actions(calm).move_ids, invoices[calm], "chased at due + 5 + 1")
        # the habit method reads the usual delay alone: median 2 + margin 4, whatever the growth
        self.company.dunning_policy_id.tolerance_method = "habit"
        self.assertEqual(self.decision(grower), (6, "habit"))

    def test_unusually_large_invoice_from_a_habitual_late_payer_gets_less_slack(self):
        steady = self.make_customer("Late With Big Orders")
        self.make_history(steady, [10] * 8, first_due=HISTORY_START)
        usual = self.make_invoice(steady, DUE, amount=1000.0)
        large = self.make_invoice(steady, DUE, amount=3500.0)  # 3.5 times its usual 1,000
        run = self.env["account.dunning.run"]
        customer = run._get_live_customers(self.company, DUE, usual | large)[0]
        # k = 0..9: (0 + 3 x 0) / (8 + 3) = 0; k = 10: (0 + 3 x 1.0) / (0 + 3) = 100 %
        self.assertEqual(customer.tolerance, 10)
        tolerances = {
            item.move: steady._dunning_invoice_tolerance(
                customer.settings, customer.stats, customer.tolerance, item, customer.items, DUE
            )
            for item in customer.items
        }
        self.assertEqual(tolerances, {usual: (10, ""), large: (5, "large")})
        self.run_day(DUE + timedelta(days=5))
        self.assertFalse(self.actions(steady))
        self.run_day(DUE + timedelta(days=6))
        self.assertEqual(self.actions(steady).move_ids, large, "only the large invoice is chased at 5 + 1 days")

    def test_other_late_invoice_or_recent_dispute_leave_no_slack(self):
        steady = self.make_customer("Steady Ten")
        self.make_history(steady, [10] * 8, first_due=HISTORY_START)
        older = self.make_invoice(steady, DUE - timedelta(days=20))
        newer = self.make_invoice(steady, DUE)
        run = self.env["account.dunning.run"]
        customer = run._get_live_customers(self.company, DUE + timedelta(days=2), older | newer)[0]
        self.assertEqual(customer.tolerance, 10)  # k = 0..9: 0; k = 10: 100 %
        item = next(item for item in customer.items if item.move == newer)
        day = DUE + timedelta(days=2)
        args = (customer.settings, customer.stats, customer.tolerance, item, customer.items, day)
        # the older invoice is 22 days late, beyond the 10 days of tolerance: the habit no longer holds
        self.assertEqual(steady._dunning_invoice_tolerance(*args), (0, "others_late"))
        alone = [item]
        args = (customer.settings, customer.stats, customer.tolerance, item, alone, day)
        self.assertEqual(steady._dunning_invoice_tolerance(*args), (10, ""))
        stats = dict(customer.stats, last_dispute_date=day - timedelta(days=30))
        self.assertEqual(
            steady._dunning_invoice_tolerance(customer.settings, stats, 10, item, alone, day), (0, "dispute")
        )
        # the habit method (median 10 + margin 4 = 14 days) has no such rule: the other late invoice changes nothing
        habit = dict(customer.settings, tolerance_method="habit")
        self.assertEqual(
            steady._dunning_invoice_tolerance(habit, customer.stats, 14, item, customer.items, day), (14, "")
        )
