from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common_late_payment import DunningLatePaymentCommon


@tagged("post_install", "-at_install")
class TestDunningLatePenalty(DunningLatePaymentCommon):
    """L441-10 penalties and D441-5 indemnity; amounts computed by hand in the comments (rate = ECB + 10)."""

    def test_simple_late_invoice(self):
        # 1,000 + 20 % VAT = 1,200 incl. VAT, due 31 Jan 2025, still open on 2 Mar 2025:
        # 1 Feb .. 2 Mar = 30 days at 3.15 + 10 = 13.15 %: 1200 * 0.1315 * 30 / 365 = 12.9699 -> 12.97
        invoice = self._invoice(1000.0, "2025-01-31")
        periods = invoice._dunning_late_penalty_periods(self._d("2025-03-02"))
        self.assertEqual(len(periods), 1)
        self.assertEqual(periods[0]["date_from"], self._d("2025-02-01"))
        self.assertEqual(periods[0]["date_to"], self._d("2025-03-02"))
        self.assertEqual(periods[0]["days"], 30)
        self.assertAlmostEqual(periods[0]["base"], 1200.0)
        self.assertAlmostEqual(periods[0]["rate"], 13.15)
        self.assertAlmostEqual(periods[0]["amount"], 12.97)
        self.assertAlmostEqual(invoice._dunning_late_penalty(self._d("2025-03-02")), 12.97)
        self.assertAlmostEqual(invoice._dunning_recovery_indemnity(self._d("2025-03-02")), 40.0)
        # on the due date itself nothing is due yet
        self.assertEqual(invoice._dunning_late_penalty(self._d("2025-01-31")), 0.0)
        self.assertEqual(invoice._dunning_recovery_indemnity(self._d("2025-01-31")), 0.0)

    def test_paid_late_invoice_stops_accruing_on_payment(self):
        # paid in full on 2 Mar 2025: same 30 days as above, nothing more afterwards -> 12.97
        invoice = self._invoice(1000.0, "2025-01-31")
        self._pay(invoice, 1200.0, "2025-03-02")
        self.assertAlmostEqual(invoice._dunning_late_penalty(self._d("2025-06-01")), 12.97)
        self.assertAlmostEqual(invoice._dunning_recovery_indemnity(self._d("2025-06-01")), 40.0)

    def test_invoice_paid_on_time_owes_nothing(self):
        invoice = self._invoice(1000.0, "2025-01-31")
        self._pay(invoice, 1200.0, "2025-01-31")
        self.assertEqual(invoice._dunning_late_penalty_periods(self._d("2025-06-01")), [])
        self.assertEqual(invoice._dunning_recovery_indemnity(self._d("2025-06-01")), 0.0)

    def test_partial_payment_reduces_the_base(self):
        # 1,200 due 31 Jan 2025, 600 paid on 10 Feb, open on 2 Mar, 13.15 %:
        # 1 Feb .. 10 Feb: 10 days on 1,200: 1200 * 0.1315 * 10 / 365 = 4.32329
        # 11 Feb .. 2 Mar: 20 days on 600:     600 * 0.1315 * 20 / 365 = 4.32329
        # rounded once for the instalment: 8.64658 -> 8.65, shared 4.33 + 4.32 (not 4.32 + 4.32 = 8.64)
        invoice = self._invoice(1000.0, "2025-01-31")
        self._pay(invoice, 600.0, "2025-02-10")
        periods = invoice._dunning_late_penalty_periods(self._d("2025-03-02"))
        self.assertEqual(
            [(p["date_from"], p["date_to"], p["days"], p["base"], p["amount"]) for p in periods],
            [
                (self._d("2025-02-01"), self._d("2025-02-10"), 10, 1200.0, 4.33),
                (self._d("2025-02-11"), self._d("2025-03-02"), 20, 600.0, 4.32),
            ],
        )
        self.assertAlmostEqual(invoice._dunning_late_penalty(self._d("2025-03-02")), 8.65)
        # the indemnity is not reduced by a partial payment
        self.assertAlmostEqual(invoice._dunning_recovery_indemnity(self._d("2025-03-02")), 40.0)

    def test_payment_before_due_date_lowers_the_initial_base(self):
        # 1,200 due 31 Jan, 1,000 paid on 15 Jan: 200 late for 30 days: 200 * 0.1315 * 30 / 365 = 2.16
        invoice = self._invoice(1000.0, "2025-01-31")
        self._pay(invoice, 1000.0, "2025-01-15")
        self.assertAlmostEqual(invoice._dunning_late_penalty(self._d("2025-03-02")), 2.16)
        self.assertAlmostEqual(invoice._dunning_recovery_indemnity(self._d("2025-03-02")), 40.0)

    def test_several_invoices(self):
        # A: 1,200 due 31 Jan -> 12.97 (above); B: 600 due 15 Feb, 16 Feb .. 2 Mar = 15 days:
        # 600 * 0.1315 * 15 / 365 = 3.2425 -> 3.24
        invoice_a = self._invoice(1000.0, "2025-01-31")
        invoice_b = self._invoice(500.0, "2025-02-15")
        penalties = (invoice_a + invoice_b)._dunning_late_penalty_map(self._d("2025-03-02"))
        self.assertAlmostEqual(sum(p["amount"] for p in penalties[invoice_a.id]), 12.97)
        self.assertAlmostEqual(sum(p["amount"] for p in penalties[invoice_b.id]), 3.24)
        indemnities = (invoice_a + invoice_b)._dunning_recovery_indemnity_map(self._d("2025-03-02"))
        self.assertEqual(indemnities, {invoice_a.id: 40.0, invoice_b.id: 40.0})

    def test_consumer_owes_no_penalty_nor_indemnity(self):
        invoice = self._invoice(1000.0, "2025-01-31", partner=self.consumer)
        self.assertEqual(invoice._dunning_late_penalty(self._d("2025-03-02")), 0.0)
        self.assertEqual(invoice._dunning_recovery_indemnity(self._d("2025-03-02")), 0.0)
        # a contact of a company is judged by its company
        employee = self.env["res.partner"].create({"name": "Paul", "parent_id": self.business.id})
        invoice = self._invoice(1000.0, "2025-01-31", partner=employee)
        self.assertAlmostEqual(invoice._dunning_late_penalty(self._d("2025-03-02")), 12.97)

    def test_rate_changes_on_1_july(self):
        # 1,200 due 20 Jun 2025, open on 10 Jul:
        # 21 Jun .. 30 Jun: 10 days at 3.15 + 10: 1200 * 0.1315 * 10 / 365 = 4.32329
        # 1 Jul .. 10 Jul:  10 days at 2.15 + 10: 1200 * 0.1215 * 10 / 365 = 3.99452
        # rounded once: 8.31781 -> 8.32; the cent left over by 4.32 + 3.99 goes to the larger remainder: 4.00
        invoice = self._invoice(1000.0, "2025-06-20")
        periods = invoice._dunning_late_penalty_periods(self._d("2025-07-10"))
        self.assertEqual(
            [(p["date_from"], p["date_to"], p["rate"], p["amount"]) for p in periods],
            [
                (self._d("2025-06-21"), self._d("2025-06-30"), 13.15, 4.32),
                (self._d("2025-07-01"), self._d("2025-07-10"), 12.15, 4.0),
            ],
        )
        self.assertAlmostEqual(invoice._dunning_late_penalty(self._d("2025-07-10")), 8.32)

    def test_rate_changes_on_1_january(self):
        # 1,200 due 21 Dec 2024, open on 10 Jan 2025:
        # 22 Dec .. 31 Dec: 10 days at 4.25 + 10: 1200 * 0.1425 * 10 / 365 = 4.68493
        # 1 Jan .. 10 Jan:  10 days at 3.15 + 10: 1200 * 0.1315 * 10 / 365 = 4.32329
        # rounded once: 9.00822 -> 9.01 (9.00 when each period was rounded), shared 4.69 + 4.32
        invoice = self._invoice(1000.0, "2024-12-21")
        periods = invoice._dunning_late_penalty_periods(self._d("2025-01-10"))
        self.assertEqual([(p["rate"], p["amount"]) for p in periods], [(14.25, 4.69), (13.15, 4.32)])
        self.assertAlmostEqual(invoice._dunning_late_penalty(self._d("2025-01-10")), 9.01)
        # H2 2025 and H1 2026 share 2.15 %: one period of 20 days, 1200 * 0.1215 * 20 / 365 = 7.989 -> 7.99
        invoice = self._invoice(1000.0, "2025-12-21")
        periods = invoice._dunning_late_penalty_periods(self._d("2026-01-10"))
        self.assertEqual([(p["days"], p["rate"], p["amount"]) for p in periods], [(20, 12.15, 7.99)])

    def test_missing_half_year_uses_latest_earlier_rate(self):
        # no rate for H2 2026 in the table: 2.15 of H1 2026 goes on; 10 days: 1200 * 0.1215 * 10 / 365 -> 3.99
        invoice = self._invoice(1000.0, "2026-07-05")
        periods = invoice._dunning_late_penalty_periods(self._d("2026-07-15"))
        self.assertEqual([(p["rate"], p["amount"]) for p in periods], [(12.15, 3.99)])
        # a new rate for H2 2026 is used as soon as it is entered: 3 + 10 = 13 %, 1200 * 0.13 * 10 / 365 = 4.27
        self.env["account.dunning.ecb.rate"].create({"date": "2026-07-01", "rate": 3.0})
        self.assertAlmostEqual(invoice._dunning_late_penalty(self._d("2026-07-15")), 4.27)

    @freeze_time("2025-03-01")  # the rates saved are checked against the legal floor of the day: H1 2025, 11.13 %
    def test_fixed_contractual_rate_and_margin(self):
        invoice = self._invoice(1000.0, "2025-01-31")
        # fixed 15 %: 1200 * 0.15 * 30 / 365 = 14.7945 -> 14.79
        self.company.write({"dunning_rate_mode": "fixed", "dunning_fixed_rate": 15.0})
        self.assertAlmostEqual(invoice._dunning_late_penalty(self._d("2025-03-02")), 14.79)
        # ECB + 8 points (EU directive minimum): 11.15 %, above the floor of 3 x 3.71 = 11.13 % of H1 2025:
        # 1200 * 0.1115 * 30 / 365 = 10.9973 -> 11.00
        self.company.write({"dunning_rate_mode": "ecb", "dunning_rate_margin": 8.0})
        self.assertAlmostEqual(invoice._dunning_late_penalty(self._d("2025-03-02")), 11.0)
        with self.assertRaises(ValidationError):
            self.company.dunning_fixed_rate = 150.0
        with self.assertRaises(ValidationError):
            self.company.dunning_fixed_rate = -1.0
        with self.assertRaises(ValidationError):
            self.company.dunning_notice_days = 0

    @freeze_time("2025-03-01")  # saving 12 % is allowed today: H1 2025 floor 3 x 3.71 = 11.13 %
    def test_contractual_rate_below_the_floor_of_a_past_half_year(self):
        # A contractual 12 % is below the floor of H2 2024 (3 x 4.92 = 14.76 %): those days accrue at 14.76 %.
        # 1,200 due 21 Dec 2024, open on 10 Jan 2025:
        # 22 Dec .. 31 Dec: 10 days at 14.76 % (floor): 1200 * 0.1476 * 10 / 365 = 4.85260
        # 1 Jan .. 10 Jan:  10 days at 12 % (contract, above 11.13 %): 1200 * 0.12 * 10 / 365 = 3.94521
        # rounded once: 8.79781 -> 8.80, shared 4.85 + 3.95
        self.company.write({"dunning_rate_mode": "fixed", "dunning_fixed_rate": 12.0})
        invoice = self._invoice(1000.0, "2024-12-21")
        periods = invoice._dunning_late_penalty_periods(self._d("2025-01-10"))
        self.assertEqual(
            [(p["date_from"], p["rate"], p["legal"], p["amount"]) for p in periods],
            [(self._d("2024-12-22"), 14.76, 4.92, 4.85), (self._d("2025-01-01"), 12.0, None, 3.95)],
        )
        self.assertAlmostEqual(invoice._dunning_late_penalty(self._d("2025-01-10")), 8.80)
        self.assertEqual(
            invoice._dunning_rate_label(periods[0]), "14.76 % (legal floor: 3 x the legal interest rate of 4.92 %)"
        )
        self.assertEqual(invoice._dunning_rate_label(periods[1]), "12.00 % (contractual rate)")
        # ECB + 8 points in H1 2024: 4.50 + 8 = 12.50 %, below 3 x 5.07 = 15.21 %: 30 days at 15.21 %,
        # 1200 * 0.1521 * 30 / 365 = 15.00164 -> 15.00
        self.company.write({"dunning_rate_mode": "ecb", "dunning_rate_margin": 8.0})
        invoice = self._invoice(1000.0, "2024-03-01", invoice_date="2024-02-01")
        periods = invoice._dunning_late_penalty_periods(self._d("2024-03-31"))
        self.assertEqual([(p["days"], p["rate"], p["amount"]) for p in periods], [(30, 15.21, 15.0)])
        # the legal default (ECB + 10 points) is the law's own rate: no floor, 4.50 + 10 = 14.50 %:
        # 1200 * 0.145 * 30 / 365 = 14.30137 -> 14.30
        self.company.dunning_rate_margin = 10.0
        self.assertAlmostEqual(invoice._dunning_late_penalty(self._d("2024-03-31")), 14.30)

    def test_foreign_currency_penalties_are_in_the_invoice_currency(self):
        # 2,000 USD + 20 % = 2,400 USD due 31 Jan 2025, open on 2 Mar: 30 days at 13.15 %, in USD:
        # 2400 * 0.1315 * 30 / 365 = 25.9397 -> 25.94 USD
        usd = self.setup_other_currency("USD", rates=[("2024-01-01", 2.0)])
        invoice = self._invoice(2000.0, "2025-01-31", currency=usd)
        self.assertAlmostEqual(invoice._dunning_late_penalty(self._d("2025-03-02")), 25.94)
        # the 40 EUR indemnity at the day's rate of 2 USD per EUR: 80 USD
        self.assertAlmostEqual(invoice._dunning_recovery_indemnity(self._d("2025-03-02")), 80.0)
        # 1,200 USD paid on 10 Feb: 2400 * 0.1315 * 10 / 365 = 8.64658 and 1200 * 0.1315 * 20 / 365 = 8.64658:
        # 17.29315, rounded once per instalment: 17.29 USD (rounding each period gave 8.65 + 8.65 = 17.30)
        self._pay(invoice, 1200.0, "2025-02-10")
        self.assertAlmostEqual(invoice._dunning_late_penalty(self._d("2025-03-02")), 17.29)
        periods = invoice._dunning_late_penalty_periods(self._d("2025-03-02"))
        self.assertEqual([period["amount"] for period in periods], [8.65, 8.64], "the periods add up to the total")
        # the penalty invoice is in USD too: 17.29 + 80 = 97.29
        penalty_move = invoice._dunning_create_penalty_move(self._d("2025-03-02"))
        self.assertEqual(penalty_move.currency_id, usd)
        self.assertAlmostEqual(penalty_move.amount_total, 97.29)

    def test_missing_eur_rate_is_a_clear_error(self):
        gbp = self.setup_other_currency("GBP", rates=[("2025-06-01", 0.85)])
        invoice = self._invoice(1000.0, "2025-01-31", currency=gbp)
        with self.assertRaisesRegex(UserError, "No exchange rate of GBP"):
            invoice._dunning_recovery_indemnity(self._d("2025-03-02"))
        # the invoice form shows no indemnity rather than a wrong one
        self.assertEqual(invoice._dunning_recovery_indemnity_map(self._d("2025-03-02"), strict=False)[invoice.id], 0.0)

    def test_indemnity_is_converted_when_company_currency_is_not_eur(self):
        company = self._create_company(name="Dunning USD Co", currency_id=self.env.ref("base.USD").id)
        self.env["res.currency.rate"].create(
            {"name": "2025-01-01", "rate": 0.8, "currency_id": self.eur.id, "company_id": company.id}
        )
        # 40 EUR at 0.8 EUR per USD = 50 USD
        invoice = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.business.id,
                    "invoice_date": "2025-01-01",
                    "invoice_date_due": "2025-01-31",
                    "invoice_line_ids": [(0, 0, {"name": "Work", "price_unit": 100.0, "tax_ids": []})],
                }
            )
        )
        invoice.action_post()
        self.assertAlmostEqual(invoice._dunning_recovery_indemnity(self._d("2025-03-02")), 50.0)

    def test_ecb_rate_table(self):
        rates = self.env["account.dunning.ecb.rate"]
        self.assertEqual(rates._dunning_rate_at(self._d("2025-03-15")), 3.15)
        self.assertEqual(rates._dunning_rate_at(self._d("2023-12-31")), 4.0)
        self.assertEqual(rates._dunning_rate_at(self._d("2022-06-30")), 0.0)
        with self.assertRaises(ValidationError):
            rates.create({"date": "2026-03-01", "rate": 2.0})
        billing_rates = rates.with_user(self.billing_user)
        self.assertTrue(billing_rates.search([]))
        with self.assertRaises(AccessError):  # billing users only read the table
            billing_rates.create({"date": "2027-01-01", "rate": 2.0})

    def _without_payment_entries(self):
        """Registered payments get no journal entry, as with the full accounting app and no outstanding account.

        Community always creates the entry; like core's test_payments_invoice_payment_state_without_outstanding_
        accounts, this simulates the accounting app's override of _get_invoice_in_payment_state.
        """
        self.company_data["default_journal_bank"].inbound_payment_method_line_ids.payment_account_id = False
        patcher = patch.object(
            self.env.registry["account.move"], "_get_invoice_in_payment_state", lambda _self: "in_payment"
        )
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_registered_payment_without_journal_entry(self):
        # Without an outstanding account (accounting app), a registered payment has no journal entry: the invoice
        # is "in payment" but not reconciled. It still stops the penalty on its date.
        self._without_payment_entries()
        invoice = self._invoice(1000.0, "2025-01-31")
        # 600 paid on 10 Feb, like the reconciled partial payment: 4.32329 + 4.32329 = 8.64658 -> 8.65 on 2 Mar
        partial = self._pay(invoice, 600.0, "2025-02-10")
        self.assertFalse(partial.move_id)
        self.assertAlmostEqual(invoice._dunning_late_penalty(self._d("2025-03-02")), 8.65)
        # the other 600 paid on 2 Mar: nothing accrues afterwards, 8.65 still on 1 Jun
        self._pay(invoice, 600.0, "2025-03-02")
        self.assertEqual(invoice.payment_state, "in_payment")
        self.assertAlmostEqual(invoice._dunning_late_penalty(self._d("2025-06-01")), 8.65)

    def test_grouped_payment_without_journal_entry_covers_each_invoice(self):
        # A (1,200 due 31 Jan) and B (600 due 15 Feb) paid together on 2 Mar by one payment without journal
        # entry: A 30 days = 12.97, B 15 days = 3.24, whether B is computed alone or with A
        self._without_payment_entries()
        invoice_a = self._invoice(1000.0, "2025-01-31")
        invoice_b = self._invoice(500.0, "2025-02-15")
        payment = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=(invoice_a + invoice_b).ids)
            .create({"payment_date": "2025-03-02", "group_payment": True})
            ._create_payments()
        )
        self.assertEqual(len(payment), 1)
        self.assertFalse(payment.move_id)
        self.assertAlmostEqual(invoice_b._dunning_late_penalty(self._d("2025-06-01")), 3.24)
        penalties = (invoice_a + invoice_b)._dunning_late_penalty_map(self._d("2025-06-01"))
        self.assertAlmostEqual(sum(p["amount"] for p in penalties[invoice_a.id]), 12.97)
        self.assertAlmostEqual(sum(p["amount"] for p in penalties[invoice_b.id]), 3.24)
