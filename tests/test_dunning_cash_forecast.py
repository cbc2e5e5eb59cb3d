from datetime import date, timedelta

from odoo import Command
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools.misc import get_lang

from .test_dunning_kpi import DunningLedgerCommon


@tagged("post_install", "-at_install")
@freeze_time("2024-07-03")
class TestDunningCashForecast(DunningLedgerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_june_ledger()
        company, company_2 = cls.company_data["company"], cls.company_data_2["company"]
        cls.cust_a.with_company(company).sudo().payment_delay_avg = 10.4  # rounds to 10
        cls.cust_b.with_company(company).sudo().payment_delay_avg = 4.5  # rounds to 5
        cls.cust_b.with_company(company_2).sudo().payment_delay_avg = 40.0  # another company's habit
        cls.cust_c = cls.env["res.partner"].create({"name": "Customer C", "is_company": True})  # no history
        cls.c1 = cls._invoice(cls.cust_c, "2024-06-25", "2024-07-25", 1000)
        cls.Forecast = cls.env["account.dunning.cash.forecast"]

    def _week(self, day):
        """First day of the week holding `day`, as the read_group of the user's language sees it."""
        week_start = int(get_lang(self.env).week_start)
        return day - timedelta(days=(day.isoweekday() - week_start) % 7)

    def test_expected_dates(self):
        lines = self.Forecast.search([("company_id", "=", self.company_data["company"].id)])
        self.assertRecordValues(
            lines.sorted(lambda line: line.move_id.id),
            [
                # B1: due 25 May + 5 days, already past: counted today, flagged
                {
                    "move_id": self.a2.id,
                    "partner_id": self.cust_a.id,
                    "payment_delay_days": 10,
                    "expected_date": date(2024, 7, 15),
                    "forecast_date": date(2024, 7, 15),
                    "is_past_expected": False,
                    "is_overdue": False,
                    "amount_residual": 1800.0,  # 2000 minus the partial payment
                },
                {
                    "move_id": self.b1.id,
                    "partner_id": self.cust_b.id,
                    "payment_delay_days": 5,
                    "expected_date": date(2024, 5, 30),
                    "forecast_date": date(2024, 7, 3),
                    "is_past_expected": True,
                    "is_overdue": True,
                    "amount_residual": 1800.0,
                },
                {
                    "move_id": self.c1.id,
                    "partner_id": self.cust_c.id,
                    "payment_delay_days": 0,
                    "expected_date": date(2024, 7, 25),
                    "forecast_date": date(2024, 7, 25),
                    "is_past_expected": False,
                    "is_overdue": False,
                    "amount_residual": 1000.0,
                },
            ],
        )
        # paid invoices and the open credit note are not expected receipts
        self.assertNotIn(self.credit_note, lines.move_id)

    def test_only_posted_invoices(self):
        invoice = self._invoice(self.cust_a, "2024-06-28", "2024-07-28", 640)
        invoice.button_draft()
        self.assertFalse(self.Forecast.search([("move_id", "=", invoice.id)]), "draft invoices are not expected")
        invoice.action_post()
        self.assertTrue(self.Forecast.search([("move_id", "=", invoice.id)]))

    def test_weekly_buckets(self):
        groups = self.Forecast._read_group(
            [("company_id", "=", self.company_data["company"].id)], ["forecast_date:week"], ["amount_residual:sum"]
        )
        self.assertEqual(
            dict(groups),
            {
                self._week(date(2024, 7, 3)): 1800.0,  # the overdue B1, this week
                self._week(date(2024, 7, 15)): 1800.0,
                self._week(date(2024, 7, 25)): 1000.0,
            },
        )

    def test_multi_company(self):
        company_2 = self.company_data_2["company"]
        b9 = self._invoice(self.cust_b, "2024-06-30", "2024-07-10", 700, company_data=self.company_data_2)
        line = self.Forecast.search([("move_id", "=", b9.id)])
        self.assertRecordValues(
            line, [{"company_id": company_2.id, "payment_delay_days": 40, "expected_date": date(2024, 8, 19)}]
        )
        billing = new_test_user(
            self.env,
            login="forecast_billing",
            groups="account.group_account_invoice",
            company_id=self.company_data["company"].id,
            company_ids=[Command.set(self.company_data["company"].ids)],
        )
        visible = self.Forecast.with_user(billing).search([])
        self.assertEqual(len(visible), 3)
        self.assertNotIn(b9, visible.move_id)
        self.assertEqual(sum(visible.mapped("amount_residual")), 4600.0)
