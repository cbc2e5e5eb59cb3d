from datetime import date

from odoo import Command
from odoo.tests import freeze_time, tagged

from .test_dunning_letters import LettersCommon


@tagged("post_install", "-at_install")
class TestDunningKpiHeadline(LettersCommon):
    """The manager's headline figures at each month end: old overdue, overdue share, customers at formal notice.

    Dupont (A): 1,000 due 1 January 2025, formal notice on 20 March, 250 paid on 28 March, the rest on 10 April.
    Martin (B): 700 due 10 February 2025, never paid. Bernard (C): 850 invoiced 16 March, due 15 April.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Kpi = cls.env["account.dunning.kpi"]
        cls.customer_b = cls._create_customer("Martin SA", email="b@example.com")
        cls.customer_c = cls._create_customer("Bernard SAS", email="c@example.com")
        cls.invoice_a = cls._invoice(cls.customer, 1000, "2025-01-01")
        cls.invoice_b = cls._invoice(cls.customer_b, 700, "2025-02-10")
        cls.invoice_c = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer_c.id,
                "invoice_date": "2025-03-16",
                "invoice_date_due": "2025-04-15",
                "invoice_line_ids": [
                    Command.create({"name": "Service", "quantity": 1, "price_unit": 850, "tax_ids": []})
                ],
            }
        )
        cls.invoice_c.action_post()

    def _refresh(self):
        rows = self.Kpi._dunning_refresh(self.company, "2025-02-01", "2025-04-30")
        return {(row.date, row.partner_id): row for row in rows}

    def test_overdue_share_and_old_overdue(self):
        self._pay(self.invoice_a, 250, "2025-03-28")
        self._pay(self.invoice_a, 750, "2025-04-10")
        rows = self._refresh()
        february, march, april = (rows[date(2025, month, 1), self.Kpi.partner_id] for month in (2, 3, 4))
        self.assertRecordValues(
            february | march | april,
            [
                # 28 Feb: A due 58 days ago (not yet 60), B due 18 days ago; C not invoiced yet
                {"closing_ar": 1700.0, "overdue_ar": 1700.0, "overdue_share": 100.0, "overdue_60_ar": 0.0},
                # 31 March: A 750 left, due 89 days ago; B 49 days; C 850 not yet due: 1450 / 2300 = 63.04 %
                {"closing_ar": 2300.0, "overdue_ar": 1450.0, "overdue_share": 63.04, "overdue_60_ar": 750.0},
                # 30 April: A paid; B due 79 days ago; C due 15 days ago
                {"closing_ar": 1550.0, "overdue_ar": 1550.0, "overdue_share": 100.0, "overdue_60_ar": 700.0},
            ],
        )
        self.assertEqual(rows[date(2025, 3, 1), self.customer].overdue_60_ar, 750.0)
        self.assertEqual(rows[date(2025, 4, 1), self.customer_b].overdue_60_ar, 700.0)
        self.assertEqual(rows[date(2025, 3, 1), self.customer_c].overdue_share, 0.0, "nothing of C was due")

    def test_customers_at_formal_notice(self):
        self._run("2025-03-20")
        rows = self._refresh()
        self.assertEqual(
            rows[date(2025, 3, 1), self.Kpi.partner_id].formal_notice_count, 0, "a notice to validate is not sent"
        )
        notice = self._actions(self.customer)
        with freeze_time("2025-03-20"):
            notice.action_send()
        self._pay(self.invoice_a, 250, "2025-03-28")  # partly paid: still at formal notice
        self._pay(self.invoice_a, 750, "2025-04-10")
        rows = self._refresh()
        company_counts = [rows[date(2025, month, 1), self.Kpi.partner_id].formal_notice_count for month in (2, 3, 4)]
        # February: before the notice; March: sent on the 20th, A still owes 750; April: A paid on the 10th
        self.assertEqual(company_counts, [0, 1, 0])
        self.assertEqual(rows[date(2025, 3, 1), self.customer].formal_notice_count, 1)
        self.assertEqual(rows[date(2025, 3, 1), self.customer_b].formal_notice_count, 0, "never noticed")
