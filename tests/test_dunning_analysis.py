from odoo import Command
from odoo.tests import freeze_time, new_test_user, tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
@freeze_time("2024-06-30")
class TestDunningAnalysis(DunningRunCommon):
    """Open receivables on 30 June 2024, aged from each due date (hand-computed)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company()["company"]
        cls.env.user.company_ids |= cls.company_2
        cls.salesperson = new_test_user(cls.env, login="analysis_sales", groups="account.group_account_invoice")
        cls.collector = new_test_user(cls.env, login="analysis_collector", groups="account.group_account_invoice")
        cls.foreign = cls.setup_other_currency("USD", rates=[("2024-01-01", 2.0)])
        # Customer A (good payer): its salesperson is the collections responsible by default
        cls.customer.user_id = cls.salesperson
        cls.a_not_due = cls._invoice(cls.customer, 1000, "2024-06-30")  # due today: not overdue
        cls.a_30 = cls._invoice(cls.customer, 500, "2024-05-31")  # 30 days
        cls._pay(cls.a_30, 200, "2024-06-15")  # partial: 300 left
        cls.a_31 = cls._invoice(cls.customer, 400, "2024-05-30")  # 31 days
        cls.a_90 = cls._invoice(cls.customer, 300, "2024-04-01")  # 90 days
        cls.a_91 = cls._invoice(cls.customer, 200, "2024-03-31")  # 91 days
        cls._pay(cls._invoice(cls.customer, 800, "2024-03-01"), 800, "2024-03-20")  # paid: not in the report
        # Customer B (risky), invoiced through a contact, with its own collections responsible
        cls.customer_b = cls._create_customer("Risky SA", segment="risky", email="b@example.com")
        cls.customer_b.with_company(cls.company).dunning_responsible_id = cls.collector
        contact = cls.env["res.partner"].create({"name": "B's buyer", "parent_id": cls.customer_b.id})
        cls.b_20 = cls._invoice(contact, 700, "2024-06-10")  # 20 days
        cls.b_foreign = cls._invoice(cls.customer_b, 100, "2024-07-15", currency=cls.foreign)  # 50 in company currency
        cls.Analysis = cls.env["account.dunning.analysis"]

    def _group(self, groupby, aggregates=("amount_residual:sum",), domain=None, user=None):
        self.env.flush_all()
        model = self.Analysis.with_user(user) if user else self.Analysis
        domain = domain if domain is not None else [("company_id", "=", self.company.id)]
        groups = model._read_group(domain, [groupby], list(aggregates))
        return {group[0]: group[1:] if len(group) > 2 else group[1] for group in groups}

    def test_one_row_per_open_invoice(self):
        self.env.flush_all()
        rows = self.Analysis.search([("company_id", "=", self.company.id)])
        self.assertEqual(
            rows.move_id, self.a_not_due | self.a_30 | self.a_31 | self.a_90 | self.a_91 | self.b_20 | self.b_foreign
        )
        row = rows.filtered(lambda r: r.move_id == self.b_20)
        self.assertRecordValues(
            row,
            [
                {
                    "partner_id": self.customer_b.id,  # the commercial partner, not the contact
                    "segment": "risky",
                    "responsible_id": self.collector.id,
                    "days_overdue": 20,
                    "aging_bucket": "1_30",
                    "amount_residual": 700.0,
                }
            ],
        )
        row_foreign = rows.filtered(lambda r: r.move_id == self.b_foreign)
        self.assertRecordValues(
            row_foreign,
            [
                {
                    "currency_id": self.foreign.id,
                    "amount_residual": 50.0,
                    "amount_residual_currency": 100.0,
                    "days_overdue": 0,
                    "aging_bucket": "0_not_due",
                }
            ],
        )

    def test_aging_buckets(self):
        self.assertEqual(
            self._group("aging_bucket", ("amount_residual:sum", "__count", "days_overdue:avg")),
            {
                "0_not_due": (1050.0, 2, 0.0),  # 1000 due today + 100 USD at 2.0
                "1_30": (1000.0, 2, 25.0),  # A: 500 - 200 paid, 30 days; B: 700, 20 days
                "31_60": (400.0, 1, 31.0),
                "61_90": (300.0, 1, 90.0),
                "91_more": (200.0, 1, 91.0),
            },
        )

    @freeze_time("2024-07-01")
    def test_aging_follows_today(self):
        buckets = self._group("aging_bucket")
        self.assertEqual(buckets["1_30"], 1000.0 + 700.0)  # A's 1000 is now 1 day late, A's 300 left at 31 days
        self.assertEqual(buckets["31_60"], 300.0 + 400.0)
        self.assertEqual(buckets["91_more"], 300.0 + 200.0)

    def test_partial_payment_lowers_the_residual(self):
        before = self._group("aging_bucket")["61_90"]
        self._pay(self.a_90, 120, "2024-06-20")
        self.assertEqual(self._group("aging_bucket")["61_90"], before - 120.0)
        self._pay(self.a_90, 180, "2024-06-25")
        self.assertNotIn("61_90", self._group("aging_bucket"))

    def test_segments_and_responsibles(self):
        self.assertEqual(self._group("segment"), {"good": 2200.0, "risky": 750.0})
        responsibles = self._group("responsible_id")
        self.assertEqual(responsibles, {self.salesperson: 2200.0, self.collector: 750.0})

    def test_segment_fallbacks(self):
        """No segment: the field's default for the company when one is set, else New (as the run)."""
        nobody = self.env["res.partner"].create({"name": "No Segment Ltd", "is_company": True})
        self._invoice(nobody, 90, "2024-06-01")
        self.assertEqual(self._group("segment")["new"], 90.0)
        self.env["ir.default"].set("res.partner", "dunning_segment", "occasional", company_id=self.company.id)
        self.assertEqual(self._group("segment"), {"good": 2200.0, "risky": 750.0, "occasional": 90.0})

    def test_salesperson_and_level(self):
        self.a_31.invoice_user_id = self.collector
        self.assertEqual(self._group("invoice_user_id")[self.collector], 400.0)
        self._run("2024-06-30")
        followed = self.env["account.move"].search([("dunning_level_id", "!=", False)])
        self.assertEqual(len(followed.dunning_level_id), 2, "A and B are followed up, each on its own scenario")
        expected = {
            level: sum(
                followed.filtered(lambda move, level=level: move.dunning_level_id == level).mapped(
                    "amount_residual_signed"
                )
            )
            for level in followed.dunning_level_id
        }
        levels = self._group("level_id")
        self.assertEqual({level: amount for level, amount in levels.items() if level}, expected)
        self.assertEqual(sum(levels.values()), 2950.0)

    def test_multi_company(self):
        self.customer.with_company(self.company_2).sudo().dunning_segment = "bad"
        other = self._invoice(self.customer, 640, "2024-06-01", company=self.company_2)
        self.env.flush_all()
        row = self.Analysis.search([("move_id", "=", other.id)])
        self.assertRecordValues(row, [{"company_id": self.company_2.id, "segment": "bad", "aging_bucket": "1_30"}])
        billing = new_test_user(
            self.env,
            login="analysis_billing",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        visible = self._group("company_id", domain=[], user=billing)
        self.assertEqual(visible, {self.company: 2950.0})
        auditor = new_test_user(
            self.env,
            login="analysis_auditor",
            groups="account.group_account_readonly",
            company_id=self.company_2.id,
            company_ids=[Command.set(self.company_2.ids)],
        )
        self.assertEqual(self._group("segment", domain=[], user=auditor), {"bad": 640.0})
