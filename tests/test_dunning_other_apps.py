import re
import traceback

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install", "-standard", "dunning_apps")
class TestDunningOtherApps(DunningRunCommon):
    """With Sales, Purchase, Expenses and Point of Sale installed (the apps phase of scripts/test.sh), their users open
    invoices, bills, expense entries and customers exactly as before: no access error, and none of the follow-up
    parts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(cls.customer, 1000, "2025-01-01")
        cls.env["account.dunning.run"].run_followups(cls.company, cls.d("2025-03-01"))
        cls.invoice._dunning_set_dispute("Quantity")
        cls.customer.with_company(cls.company).sudo().dunning_on_hold = True
        cls.vendor = cls.env["res.partner"].create({"name": "Fournisseur SA", "is_company": True})
        cls.bill = cls.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": cls.vendor.id,
                "invoice_date": "2025-01-01",
                "invoice_line_ids": [Command.create({"name": "Paper", "quantity": 1, "price_unit": 80.0})],
            }
        )
        cls.bill.action_post()
        users = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.salesman = new_test_user(cls.env, login="apps_salesman", groups="sales_team.group_sale_salesman", **users)
        cls.purchaser = new_test_user(cls.env, login="apps_purchaser", groups="purchase.group_purchase_user", **users)
        # salesmen read the invoices they sell (Odoo's record rule)
        cls.invoice.with_context(skip_invoice_sync=True).invoice_user_id = cls.salesman

    def _form_views(self, record, user):
        """The record's form views as the web client loads them for the user, which show none of our parts."""
        views = record.with_user(user).get_views([(False, "form")])
        arch = views["views"]["form"]["arch"]
        if user.has_group("sales_team.group_sale_salesman"):
            # the Sales bridge shows salespeople that a customer is on credit hold (its own tests), and nothing else
            arch = arch.replace("o_dunning_partner_hold", "").replace("dunning_credit_hold", "")
        self.assertNotIn("dunning_", arch, f"{user.login} sees follow-up parts on {record.display_name}")
        return views

    def _open(self, record, user):
        """Open the record's form as the web client does (views for the user, then the values it shows)."""
        form = Form(record.with_user(user))
        self._form_views(record, user)
        return form

    def test_prerequisites(self):
        self.assertEqual(self.invoice.dunning_level_id, self.levels[0], "the invoice has a follow-up")
        self.assertTrue(self.env["ir.module.module"]._get("sale").state == "installed")
        self.assertTrue(self.env["ir.module.module"]._get("purchase").state == "installed")
        self.assertTrue(self.env["ir.module.module"]._get("hr_expense").state == "installed")
        self.assertTrue(self.env["ir.module.module"]._get("point_of_sale").state == "installed")

    def test_salesman_opens_invoices_and_customers(self):
        form = self._open(self.invoice, self.salesman)
        self.assertEqual(form.partner_id, self.customer)
        form = self._open(self.customer, self.salesman)
        self.assertEqual(form.name, "Dupont SARL")
        self._assert_no_risk_data(self.customer, self.salesman)

    def test_purchase_user_opens_bills_and_partners(self):
        self.assertEqual(self._open(self.bill, self.purchaser).partner_id, self.vendor)
        self._open(self.customer, self.purchaser)
        self._open(self.vendor, self.purchaser)
        # a purchase user may write bills, not their follow-up fields
        with self.assertRaises(AccessError):
            self.bill.with_user(self.purchaser).write({"dunning_dispute": True})

    def _form_fields_refused(self, record, user):
        """Read, one by one, every field of the record's form as the user's web client would; return the fields
        refused, each with the modules whose code ran when it was refused. The arch must hold none of our parts."""
        views = self._form_views(record, user)
        record = record.with_user(user)
        refused = {}
        for fname in views["models"][record._name]["fields"]:
            record.invalidate_recordset()
            try:
                record.read([fname])
            except AccessError as error:
                frames = traceback.extract_tb(error.__traceback__)
                refused[fname] = {
                    m.group(1)
                    for f in frames
                    if (m := re.search(r"/(\w+)/(?:models|wizards|report|controllers)/", f.filename))
                }
        return refused

    def _assert_no_risk_data(self, partner, user):
        """The user reads the partner but none of its payment-risk fields."""
        readable = partner.with_user(user).fields_get()
        self.assertFalse({"dunning_on_hold", "dunning_segment", "dunning_tolerance_days"} & set(readable))
        with self.assertRaises(AccessError):
            partner.with_user(user).read(["dunning_on_hold"])

    def test_expense_approver_opens_expense_entries_and_partners(self):
        employee = self.env["hr.employee"].create({"name": "Marie Employee", "work_email": "marie@example.com"})
        expense = self.env["hr.expense"].create(
            {"name": "Taxi", "employee_id": employee.id, "total_amount_currency": 42.0, "payment_mode": "own_account"}
        )
        sheet = self.env["hr.expense.sheet"].create(
            {"name": "Trip", "employee_id": employee.id, "expense_line_ids": [Command.set(expense.ids)]}
        )
        sheet.action_submit_sheet()
        sheet.action_approve_expense_sheets()
        sheet.action_sheet_move_post()
        entry = sheet.account_move_ids
        self.assertEqual(entry.state, "posted")
        approver = new_test_user(
            self.env,
            login="apps_expense_approver",
            groups="base.group_user,hr_expense.group_hr_expense_team_approver",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        # Odoo 18 itself refuses this form to an expense approver: the tax lock message (account) and, with Sales
        # installed, the sale order count (sale) read journal items outside the approver's record rule. The module
        # adds no refusal of its own to those.
        refused = self._form_fields_refused(entry, approver)
        self.assertLessEqual(set(refused), {"tax_lock_date_message", "sale_order_count"})
        self.assertFalse([fname for fname, modules in refused.items() if "account_dunning" in modules])
        self._open(employee.work_contact_id, approver)
        self._open(self.customer, approver)
        self._assert_no_risk_data(self.customer, approver)

    def _pos_invoice(self, partner, amount):
        """A point-of-sale order of the partner, paid and invoiced at the till as a cashier does."""
        method = self.env["pos.payment.method"].create(
            {"name": "Bank card", "journal_id": self.company_data["default_journal_bank"].id}
        )
        config = self.env["pos.config"].create({"name": "Shop", "payment_method_ids": [Command.set(method.ids)]})
        session = self.env["pos.session"].create({"config_id": config.id, "user_id": self.env.uid})
        product = self.env["product.product"].create(
            {"name": "Widget", "list_price": amount, "available_in_pos": True, "taxes_id": [Command.clear()]}
        )
        line = {"product_id": product.id, "qty": 1, "price_unit": amount}
        order = self.env["pos.order"].create(
            {
                "session_id": session.id,
                "partner_id": partner.id,
                "lines": [Command.create({**line, "price_subtotal": amount, "price_subtotal_incl": amount})],
                "amount_tax": 0.0,
                "amount_total": amount,
                "amount_paid": 0.0,
                "amount_return": 0.0,
                "to_invoice": True,
            }
        )
        payment = self.env["pos.make.payment"].with_context(active_id=order.id, active_ids=order.ids)
        payment.create({"amount": amount, "payment_method_id": method.id}).check()
        return order.account_move

    def test_point_of_sale_user_opens_till_invoices_and_customers(self):
        invoice = self._pos_invoice(self.customer, 120.0)
        self.assertEqual((invoice.move_type, invoice.state), ("out_invoice", "posted"))
        # the till's invoice is disputed: the follow-up fields of the invoice hold something to hide
        invoice._dunning_set_dispute("Quality")
        cashier = new_test_user(
            self.env,
            login="apps_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        # Odoo 18 itself refuses one field of this form to a cashier: has_reconciled_entries (account) reads the
        # partial reconciliations, which a cashier may not. The module adds none.
        refused = self._form_fields_refused(invoice, cashier)
        self.assertLessEqual(set(refused), {"has_reconciled_entries"})
        self.assertFalse([fname for fname, modules in refused.items() if "account_dunning" in modules])
        self._open(self.customer, cashier)
        self._assert_no_risk_data(self.customer, cashier)
