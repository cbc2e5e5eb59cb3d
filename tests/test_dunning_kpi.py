from datetime import date

from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from .cron import run_manually


class DunningLedgerCommon(AccountTestInvoicingCommon):
    """A small hand-computed ledger (no taxes unless said, amounts in EUR of the company)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_data_2 = cls.setup_other_company()
        cls.env.user.company_ids |= cls.company_data_2["company"]
        Partner = cls.env["res.partner"]
        cls.cust_a = Partner.create({"name": "Customer A", "is_company": True})
        cls.cust_a_contact = Partner.create({"name": "A's buyer", "parent_id": cls.cust_a.id})
        cls.cust_b = Partner.create({"name": "Customer B", "is_company": True})

    @classmethod
    def _invoice(cls, partner, invoice_date, due, amount, move_type="out_invoice", company_data=None, taxes=None):
        company_data = company_data or cls.company_data
        move = (
            cls.env["account.move"]
            .with_company(company_data["company"])
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "journal_id": company_data["default_journal_sale"].id,
                    "invoice_date": invoice_date,
                    "date": invoice_date,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Service",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.set(taxes or [])],
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, pay_date, amount=None):
        vals = {"payment_date": pay_date}
        if amount is not None:
            vals["amount"] = amount
        cls.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            vals
        )._create_payments()

    @classmethod
    def _build_june_ledger(cls):
        """April-June 2024; see the expected values in the tests."""
        a0 = cls._invoice(cls.cust_a, "2024-04-01", "2024-05-01", 800)
        cls._pay(a0, "2024-05-05")
        a1 = cls._invoice(cls.cust_a_contact, "2024-05-10", "2024-06-09", 1000)  # a contact: counts for A
        cls._pay(a1, "2024-06-19")  # 10 days late
        cls.a2 = cls._invoice(cls.cust_a, "2024-06-05", "2024-07-05", 2000)
        cls._pay(cls.a2, "2024-06-25", 200)  # partial, before the due date
        cls.b1 = cls._invoice(cls.cust_b, "2024-05-20", "2024-05-25", 2100)
        cls._pay(cls.b1, "2024-06-10", 300)  # partial, overdue
        b2 = cls._invoice(cls.cust_b, "2024-06-15", "2024-06-20", 1500)
        cls._pay(b2, "2024-06-18")  # 2 days early
        cls.credit_note = cls._invoice(cls.cust_b, "2024-06-20", "2024-06-20", 500, move_type="out_refund")


@tagged("post_install", "-at_install")
class TestDunningKpi(DunningLedgerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_june_ledger()
        cls.Kpi = cls.env["account.dunning.kpi"]

    def _refresh(self, company=None, date_from="2024-04-01", date_to="2024-06-30"):
        return self.Kpi._dunning_refresh(company or self.company_data["company"], date_from, date_to)

    def _row(self, rows, month, partner=None):
        row = rows.filtered(
            lambda r: r.date == date.fromisoformat(month) and r.partner_id == (partner or self.Kpi.partner_id)
        )
        self.assertEqual(len(row), 1)
        return row

    def test_company_kpis_of_june(self):
        row = self._row(self._refresh(), "2024-06-01")
        self.assertRecordValues(
            row,
            [
                {
                    "period_days": 30,
                    "opening_ar": 3100.0,  # 800 - 800 + 1000 + 2100
                    "revenue": 3000.0,  # 2000 + 1500 - 500 (credit note)
                    "closing_ar": 3100.0,  # A2 1800 + B1 1800 - credit note 500
                    "current_ar": 1800.0,  # A2, due in July
                    "overdue_ar": 1300.0,
                    "dso_simple": 31.0,  # 3100 / 3000 * 30
                    "dso_countback": 31.0,  # June 30 days, then 100 / May's 3100 * 31
                    "bpdso_simple": 18.0,  # 1800 / 3000 * 30
                    "bpdso_countback": 18.0,
                    "dbt_simple": 13.0,
                    "dbt_countback": 13.0,
                    "paid_amount": 2500.0,  # A1 and B2
                    "dbt_paid": 4.0,  # (1000 * 10 + 1500 * 0) / 2500
                    "weighted_delay": 2.8,  # (1000 * 10 - 1500 * 2) / 2500
                    "cei": 69.77,  # (3100 + 3000 - 3100) / (3100 + 3000 - 1800) * 100
                    "collection_base": 2100.0,  # B1, overdue on May 31
                    "collected_amount": 300.0,
                    "collection_rate": 14.29,  # 300 / 2100
                }
            ],
        )

    def test_customer_kpis_of_june(self):
        rows = self._refresh()
        self.assertRecordValues(
            self._row(rows, "2024-06-01", self.cust_a),
            [
                {
                    "opening_ar": 1000.0,
                    "revenue": 2000.0,
                    "closing_ar": 1800.0,
                    "current_ar": 1800.0,
                    "dso_simple": 27.0,
                    "dso_countback": 27.0,
                    "bpdso_simple": 27.0,
                    "dbt_simple": 0.0,
                    "dbt_paid": 10.0,
                    "weighted_delay": 10.0,
                    "cei": 100.0,
                    "collection_rate": 0.0,  # nothing was overdue on May 31
                }
            ],
        )
        self.assertRecordValues(
            self._row(rows, "2024-06-01", self.cust_b),
            [
                {
                    "opening_ar": 2100.0,
                    "revenue": 1000.0,
                    "closing_ar": 1300.0,
                    "current_ar": 0.0,
                    "dso_simple": 39.0,  # 1300 / 1000 * 30
                    "dso_countback": 34.43,  # 30 + 300 / 2100 * 31
                    "bpdso_countback": 0.0,
                    "dbt_countback": 34.43,
                    "dbt_paid": 0.0,  # paid early: 0
                    "weighted_delay": -2.0,  # paid early: negative
                    "cei": 58.06,  # (2100 + 1000 - 1300) / (2100 + 1000 - 0) * 100
                    "collection_rate": 14.29,
                }
            ],
        )
        self.assertFalse(
            rows.filtered(lambda r: r.partner_id == self.cust_a_contact), "contacts count for their company"
        )

    def test_opening_and_closing_chain(self):
        rows = self._refresh()
        april, may = self._row(rows, "2024-04-01"), self._row(rows, "2024-05-01")
        # A0 is paid on 5 May: still open, and not yet due, on 30 April
        self.assertRecordValues(
            april, [{"opening_ar": 0.0, "revenue": 800.0, "closing_ar": 800.0, "current_ar": 800.0}]
        )
        self.assertRecordValues(
            may,
            [
                {
                    "opening_ar": 800.0,
                    "revenue": 3100.0,
                    "closing_ar": 3100.0,
                    # A1 (due 9 June, paid 19 June) was still open on 31 May; B1 was already due
                    "current_ar": 1000.0,
                    "bpdso_simple": 10.0,  # 1000 / 3100 * 31
                    "dso_simple": 31.0,
                    "cei": 27.59,  # (800 + 3100 - 3100) / (800 + 3100 - 1000) * 100
                    "collection_base": 0.0,  # A0 fell due on 1 May: not overdue on 30 April
                    "paid_amount": 800.0,
                    "dbt_paid": 4.0,
                }
            ],
        )

    def test_credit_notes_are_not_collections(self):
        credit_note = self._invoice(self.cust_b, "2024-07-05", "2024-07-05", 400, move_type="out_refund")
        receivables = (self.b1 | credit_note).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        receivables.reconcile()
        self._pay(self.b1, "2024-07-10", 500)
        row = self._row(self._refresh(date_from="2024-07-01", date_to="2024-07-31"), "2024-07-01")
        # overdue on June 30: B1's 1800 (A2 falls due in July); collected: the 500 payment, not the 400 credit note
        self.assertRecordValues(row, [{"collection_base": 1800.0, "collected_amount": 500.0, "collection_rate": 27.78}])

    def test_only_posted_items_count(self):
        draft = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.cust_a.id,
                "invoice_date": "2024-06-12",
                "invoice_date_due": "2024-07-12",
                "invoice_line_ids": [Command.create({"name": "Draft", "quantity": 1, "price_unit": 999})],
            }
        )
        cancelled = self._invoice(self.cust_b, "2024-06-14", "2024-07-14", 777)
        cancelled.button_draft()
        cancelled.button_cancel()
        self.assertEqual((draft | cancelled).mapped("state"), ["draft", "cancel"])
        row = self._row(self._refresh(), "2024-06-01")
        self.assertRecordValues(row, [{"revenue": 3000.0, "closing_ar": 3100.0, "current_ar": 1800.0}])

    def test_refresh_replaces_rows(self):
        first = self._refresh()
        second = self._refresh()
        self.assertFalse(first.exists())
        self.assertEqual(len(second), len(first))
        self.assertEqual(
            self.Kpi.search_count([("company_id", "=", self.company_data["company"].id), ("partner_id", "=", False)]),
            3,
        )

    def test_rows_are_stored_as_create_stores_them(self):
        customer = self.env["res.partner"].create({"name": "Customer C", "is_company": True})
        invoice = self._invoice(customer, "2024-06-03", "2024-07-03", 1600)
        self._pay(invoice, "2024-06-20", 1300)
        row = self._row(self._refresh(), "2024-06-01", customer)
        # 300 still owed (due in July) / 1,600 of June's sales * 30 days = 5.625: 5.63 rounded half up as Odoo rounds
        # its float fields (Python's round() gives 5.62)
        self.assertEqual((row.dso_simple, row.dso_countback, row.bpdso_simple), (5.63, 5.63, 5.63))
        # the magic columns as create() sets them: the user, the cursor's time of the transaction
        now = self.env.cr.now()
        self.assertEqual((row.create_uid, row.create_date, row.write_uid, row.write_date), (self.env.user, now) * 2)

    def test_countback_of_the_domain_example(self):
        """Closing AR 25,100 against 12,500 (June, 30 d), 10,000 (May, 31 d), 6,000 (April, 30 d): 30 + 31 + 13."""
        company_data = self.company_data_2
        customer = self.env["res.partner"].create({"name": "Countback SA", "is_company": True})
        april = self._invoice(customer, "2024-04-10", "2024-05-10", 6000, company_data=company_data)
        self._invoice(customer, "2024-05-10", "2024-06-10", 10000, company_data=company_data)
        self._invoice(customer, "2024-06-10", "2024-07-10", 12500, company_data=company_data)
        self._pay(april, "2024-05-15", 3400)
        row = self._row(self._refresh(company_data["company"]), "2024-06-01")
        self.assertEqual(row.closing_ar, 25100.0)
        self.assertEqual(row.dso_countback, 74.0)
        self.assertEqual(row.dso_simple, 60.24)  # 25100 / 12500 * 30
        self.assertEqual(row.current_ar, 12500.0)  # June's invoice, due in July
        self.assertEqual(row.bpdso_countback, 30.0)
        self.assertEqual(row.dbt_countback, 44.0)

    def test_countback_method(self):
        countback = self.Kpi._dunning_countback_days
        self.assertEqual(countback(25100, [(12500, 30), (10000, 31), (6000, 30)]), 74.0)
        # domain.md's figures (20,000 against 12,500 / 10,000 / 6,000) give 30 + 7,500 / 10,000 * 31, not 74
        self.assertEqual(countback(20000, [(12500, 30), (10000, 31), (6000, 30)]), 53.25)
        self.assertEqual(countback(0, [(12500, 30)]), 0.0)
        # a month without sales counts in full; a history too short returns the days consumed
        self.assertEqual(countback(500, [(0, 31), (1000, 30)]), 46.0)
        self.assertEqual(countback(5000, [(1000, 30), (1000, 31)]), 61.0)

    def test_weighted_delay_of_the_domain_example(self):
        """100 paid 10 days late and 1,000 paid 20 days late: 19.1 days, not 15."""
        small = self._invoice(self.cust_a, "2024-07-01", "2024-07-31", 100)
        big = self._invoice(self.cust_b, "2024-07-01", "2024-07-31", 1000)
        self._pay(small, "2024-08-10")
        self._pay(big, "2024-08-20")
        row = self._row(self._refresh(date_from="2024-08-01", date_to="2024-08-31"), "2024-08-01")
        self.assertEqual(round(row.weighted_delay, 1), 19.1)
        self.assertEqual(round(row.dbt_paid, 1), 19.1)

    def test_multi_company_separation(self):
        tax = self.company_data_2["default_tax_sale"]
        self._invoice(self.cust_a, "2024-06-03", "2024-07-03", 1000, company_data=self.company_data_2, taxes=tax.ids)
        rows_1 = self._refresh()
        rows_2 = self._refresh(self.company_data_2["company"])
        june_1, june_2 = self._row(rows_1, "2024-06-01"), self._row(rows_2, "2024-06-01")
        self.assertEqual(june_1.revenue, 3000.0)
        self.assertTrue(tax.amount)
        self.assertAlmostEqual(june_2.revenue, 1000.0 * (1 + tax.amount / 100), places=2)  # incl. VAT
        self.assertEqual(june_2.closing_ar, june_2.revenue)
        self.assertEqual(june_2.company_id, self.company_data_2["company"])
        # refreshing one company leaves the other's rows alone
        self.assertTrue(rows_1.exists())
        user = new_test_user(
            self.env,
            login="kpi_billing",
            groups="account.group_account_invoice",
            company_id=self.company_data["company"].id,
            company_ids=[Command.set(self.company_data["company"].ids)],
        )
        visible = self.Kpi.with_user(user).search([])
        self.assertEqual(visible.company_id, self.company_data["company"])
        self.assertIn(june_1, visible)

    @freeze_time("2024-07-03")
    def test_button_and_menu(self):
        manager = new_test_user(
            self.env,
            login="kpi_manager",
            groups="account.group_account_manager",
            company_id=self.company_data["company"].id,
        )
        billing = new_test_user(
            self.env,
            login="kpi_billing2",
            groups="account.group_account_invoice",
            company_id=self.company_data["company"].id,
        )
        with self.assertRaises(AccessError):
            self.Kpi.with_user(billing).action_refresh()
        action = self.Kpi.with_user(manager).action_refresh()
        company_rows = self.Kpi.search(
            [("company_id", "=", self.company_data["company"].id), ("partner_id", "=", False)]
        )
        self.assertEqual(min(company_rows.mapped("date")), date(2023, 7, 1))
        self.assertEqual(max(company_rows.mapped("date")), date(2024, 6, 1), "only complete months are measured")
        # the button reopens the menu's action: the company rows by month, as a list first
        menu_action = self.env.ref("account_dunning.account_dunning_kpi_menu").action
        self.assertEqual(action["id"], menu_action.id)
        self.assertEqual(action["view_mode"].split(",")[0], "list")
        self.assertIn("search_default_company_level", action["context"])
        auditor = new_test_user(
            self.env,
            login="kpi_auditor",
            groups="account.group_account_readonly",
            company_id=self.company_data["company"].id,
        )
        for user in (billing, auditor):
            rows = self.Kpi.with_user(user).search([("partner_id", "=", False)])
            self.assertEqual(rows[:3].mapped("date"), [date(2024, 6, 1), date(2024, 5, 1), date(2024, 4, 1)])
            self.assertEqual(rows[0].dso_simple, 31.0)
            self.assertEqual(rows[0].with_context(lang="en_US").display_name, "June 2024")
            # one click from a month to its customers' rows
            customers = rows[0].action_open_customers()
            self.assertEqual(
                self.Kpi.with_user(user).search(customers["domain"]),
                self.Kpi.search(
                    [
                        ("company_id", "=", self.company_data["company"].id),
                        ("date", "=", "2024-06-01"),
                        ("partner_id", "!=", False),
                    ]
                ),
            )
            self.assertTrue(self.Kpi.with_user(user).search(customers["domain"]))

    @freeze_time("2024-07-03")
    def test_cron_refreshes_every_company(self):
        # Run Manually: the scheduler's path (progress record, a commit per month), in a cursor of its own
        run_manually(self, "account_dunning.account_dunning_kpi_cron_refresh")
        self.assertEqual(
            set(self.Kpi.sudo().search([("date", "=", "2024-06-01"), ("partner_id", "=", False)]).company_id.ids),
            set(self.env["res.company"].sudo().search([]).ids),
        )
