from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
@freeze_time("2025-06-30")
class TestDunningDebtor(DunningRunCommon):
    """Overdue Customers on 30 June 2025 (hand-computed).

    Dupont (good payer): 100 due 20 June (10 days late), 200 due 31 May (30), 300 due 1 May (60), 400 due 22 March
    (100), 500 due 15 July (not due); its buyer (a contact) 50 due 25 June (5 days late): 1,050 overdue, of which
    400 more than 60 days late (the 300 due 1 May is exactly 60 days late).
    Risky SA: 1,000 due 30 April (61 days late), 250 paid on 10 June: 750, all over 60 days.
    Paid SARL: its invoice is paid: not a debtor.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.env["res.partner"].create({"name": "Dupont's buyer", "parent_id": cls.customer.id})
        for amount, due in ((100, "2025-06-20"), (200, "2025-05-31"), (300, "2025-05-01"), (400, "2025-03-22")):
            cls._invoice(cls.customer, amount, due)
        cls._invoice(cls.customer, 500, "2025-07-15")
        cls._invoice(cls.buyer, 50, "2025-06-25")
        cls.risky = cls._create_customer("Risky SA", segment="risky", email="risky@example.com")
        cls.risky.with_company(cls.company).dunning_responsible_id = cls.collector
        cls._pay(cls._invoice(cls.risky, 1000, "2025-04-30"), 250, "2025-06-10")
        paid = cls._create_customer("Paid SARL")
        cls._pay(cls._invoice(paid, 80, "2025-05-15"), 80, "2025-06-01")
        cls.Debtor = cls.env["account.dunning.debtor"]

    def _rows(self, user=None):
        self.env.flush_all()
        model = self.Debtor.with_user(user) if user else self.Debtor
        return model.search([("company_id", "=", self.company.id)])

    def test_one_row_per_customer_largest_first(self):
        self.assertRecordValues(
            self._rows(),
            [
                {
                    "partner_id": self.customer.id,  # the buyer's invoice counts for Dupont
                    "segment": "good",
                    "amount_overdue": 1050.0,
                    "amount_1_30": 350.0,  # 100 (10 days), 200 (30 days), 50 (5 days)
                    "amount_31_60": 300.0,  # 60 days late
                    "amount_61_90": 0.0,
                    "amount_91_more": 400.0,  # 100 days late
                    "amount_over_60": 400.0,
                    "item_count": 5,
                    "days_overdue_max": 100,
                    "responsible_id": False,
                },
                {
                    "partner_id": self.risky.id,
                    "segment": "risky",
                    "amount_overdue": 750.0,  # 1,000 - 250
                    "amount_1_30": 0.0,
                    "amount_31_60": 0.0,
                    "amount_61_90": 750.0,  # 61 days late
                    "amount_91_more": 0.0,
                    "amount_over_60": 750.0,
                    "item_count": 1,
                    "days_overdue_max": 61,
                    "responsible_id": self.collector.id,
                },
            ],
        )

    def test_last_followup_and_the_largest(self):
        # on 25 April: Dupont's 400 is 34 days late (a phone call), Risky's 1,000 falls due in 5 days (a courtesy
        # notice); both are sent at once
        self._run("2025-04-25")
        rows = self._rows()
        self.assertEqual(rows.mapped("last_followup_date"), [date(2025, 4, 25), date(2025, 4, 25)])
        top = self.Debtor._dunning_top(self.company, 1)
        self.assertEqual(top.partner_id, self.customer)

    def test_accounting_users_of_the_company_only(self):
        self.assertEqual(self._rows(self.collector).partner_id, self.customer | self.risky, "billing users read it")
        other = self.setup_other_company()["company"]
        self._invoice(self._create_customer("Elsewhere"), 999, "2025-01-31", company=other)
        self.env.flush_all()
        self.assertEqual(self.Debtor.with_user(self.collector).search([]).company_id, self.company)
        employee = new_test_user(
            self.env,
            login="debtor_employee",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with self.assertRaises(AccessError):
            self.Debtor.with_user(employee).search([])

    def test_read_fast(self):
        """The open items have their partial index, and the reports are read without PostgreSQL's JIT compilation."""
        self.env.cr.execute(
            "SELECT 1 FROM pg_indexes WHERE tablename = 'account_move_line' AND indexname = %s",
            ["account_move_line_dunning_open_item_index"],
        )
        self.assertTrue(self.env.cr.fetchone())
        self.env.cr.execute("SET LOCAL jit = on")
        self._rows(self.collector)
        self.env.cr.execute("SHOW jit")
        self.assertEqual(self.env.cr.fetchone()[0], "off")
