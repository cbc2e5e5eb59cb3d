from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install", "-standard", "dunning_apps")
class TestDunningOtherApps(DunningRunCommon):
    """With Sales and Purchase installed (the apps phase of scripts/test.sh), their users open invoices, bills and
    customers exactly as before: no access error, and none of the follow-up parts."""

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

    def _open(self, record, user):
        """Open the record's form as the web client does (views for the user, then the values it shows)."""
        form = Form(record.with_user(user))
        arch = record.with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("dunning_", arch, f"{user.login} sees follow-up parts on {record.display_name}")
        return form

    def test_prerequisites(self):
        self.assertEqual(self.invoice.dunning_level_id, self.levels[0], "the invoice has a follow-up")
        self.assertTrue(self.env["ir.module.module"]._get("sale").state == "installed")
        self.assertTrue(self.env["ir.module.module"]._get("purchase").state == "installed")

    def test_salesman_opens_invoices_and_customers(self):
        form = self._open(self.invoice, self.salesman)
        self.assertEqual(form.partner_id, self.customer)
        form = self._open(self.customer, self.salesman)
        self.assertEqual(form.name, "Dupont SARL")
        readable = self.customer.with_user(self.salesman).fields_get()
        self.assertFalse({"dunning_on_hold", "dunning_segment"} & set(readable))

    def test_purchase_user_opens_bills_and_partners(self):
        self.assertEqual(self._open(self.bill, self.purchaser).partner_id, self.vendor)
        self._open(self.customer, self.purchaser)
        self._open(self.vendor, self.purchaser)
        # a purchase user may write bills, not their follow-up fields
        with self.assertRaises(AccessError):
            self.bill.with_user(self.purchaser).write({"dunning_dispute": True})
