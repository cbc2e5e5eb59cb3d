import calendar
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.addons.account_dunning.tests.common import DunningRunCommon
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCollectionsDashboardTour(DunningRunCommon, HttpCase):
    """The dashboard in a real browser (headless Chromium), as a billing user, on a ledger of the last three months.

    M is last month (the latest month measured), P the month before, Q the one before P:
    - Atelier (risky): 1,000 invoiced on Q 1, due Q 15, never paid;
    - Dupont (good payer): 300 invoiced on P 1, due P 15, paid on M 3; 600 invoiced on M 1, due M 10, unpaid;
    - Bistrot (good payer): 400 invoiced on M 5, due on the 4th of this month.
    The tour compares the dashboard's cells with the KPI model and the follow-up analysis (through the user's RPC),
    also with the Risk segment filter set; this test checks the KPI model against the figures computed by hand.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env["account.dunning.kpi"])
        cls.m = today.replace(day=1) - relativedelta(months=1)
        cls.p, cls.q = cls.m - relativedelta(months=1), cls.m - relativedelta(months=2)
        atelier = cls._create_customer("Atelier Fabre", segment="risky", email="a@example.com")
        bistrot = cls._create_customer("Bistrot Caron", email="b@example.com")
        cls._dated_invoice(atelier, 1000, cls.q, cls.q + timedelta(days=14))
        older = cls._dated_invoice(cls.customer, 300, cls.p, cls.p + timedelta(days=14))
        cls._pay(older, 300, cls.m + timedelta(days=2))
        cls._dated_invoice(cls.customer, 600, cls.m, cls.m + timedelta(days=9))
        cls._dated_invoice(bistrot, 400, cls.m + timedelta(days=4), today.replace(day=4))
        kpi = cls.env["account.dunning.kpi"]
        kpi._dunning_refresh(cls.company, *kpi._dunning_default_range())

    @classmethod
    def _dated_invoice(cls, partner, amount, invoice_date, due):
        invoice = cls._invoice(partner, amount, invoice_date)
        invoice.button_draft()
        invoice.invoice_date_due = due
        invoice.action_post()
        return invoice

    def test_dashboard_shows_the_kpis_of_last_month(self):
        days = {month: calendar.monthrange(month.year, month.month)[1] for month in (self.m, self.p, self.q)}
        month = self.env["account.dunning.kpi"].search(
            [("company_id", "=", self.company.id), ("partner_id", "=", False), ("date", "=", self.m)]
        )
        self.assertRecordValues(
            month,
            [
                {
                    "closing_ar": 2000.0,  # 1,000 + 600 + 400
                    "overdue_ar": 1600.0,  # Bistrot's 400 is not due at the end of M
                    "overdue_share": 80.0,
                    "overdue_60_ar": 1000.0,  # Atelier's, due Q 15: at least 70 days before the end of M
                    "formal_notice_count": 0,
                    "cei": 15.79,  # (1,300 + 1,000 - 2,000) / (1,300 + 1,000 - 400) x 100
                },
            ],
        )
        # countback: M's 1,000 of sales, P's 300, then 700 of Q's 1,000
        self.assertAlmostEqual(month.dso_countback, round(days[self.m] + days[self.p] + 0.7 * days[self.q], 2))
        self.start_tour("/odoo", "account_dunning_collections_dashboard_tour", login=self.collector.login)
