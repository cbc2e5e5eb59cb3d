from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDunningEmail(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Dupont SARL", "is_company": True, "email": "contact@dupont.example"}
        )
        cls.buyer = cls.env["res.partner"].create(
            {"name": "Jean Buyer", "parent_id": cls.customer.id, "type": "contact", "email": "jean@dupont.example"}
        )

    def test_accounting_contact_is_the_recipient(self):
        self.customer.dunning_email = "compta@dupont.example"
        self.assertEqual(self.customer._dunning_get_recipient_email(), "compta@dupont.example")
        # asked from a contact, the company's accounting contact answers
        self.assertEqual(self.buyer._dunning_get_recipient_email(), "compta@dupont.example")

    def test_contacts_show_their_company_value(self):
        self.customer.dunning_email = "compta@dupont.example"
        self.assertEqual(self.buyer.dunning_email, "compta@dupont.example")
        new_contact = self.env["res.partner"].create({"name": "Paul", "parent_id": self.customer.id})
        self.assertEqual(new_contact.dunning_email, "compta@dupont.example")

    def test_invoice_address_email_is_the_fallback(self):
        self.env["res.partner"].create(
            {
                "name": "Service comptable",
                "parent_id": self.customer.id,
                "type": "invoice",
                "email": "factures@dupont.example",
            }
        )
        self.assertFalse(self.customer.dunning_email)
        self.assertEqual(self.customer._dunning_get_recipient_email(), "factures@dupont.example")
        self.assertEqual(self.buyer._dunning_get_recipient_email(), "factures@dupont.example")

    def test_without_invoice_address_the_company_email_is_used(self):
        # address_get falls back to the commercial entity itself
        self.assertEqual(self.customer._dunning_get_recipient_email(), "contact@dupont.example")

    def test_no_email_at_all_returns_nothing(self):
        lonely = self.env["res.partner"].create({"name": "No Mail SAS", "is_company": True})
        self.env["res.partner"].create({"name": "Billing", "parent_id": lonely.id, "type": "invoice"})
        self.assertFalse(lonely._dunning_get_recipient_email())

    def test_invalid_email_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "not a valid email address"):
            self.customer.dunning_email = "compta at dupont"
        with self.assertRaises(ValidationError):
            self.customer.dunning_email = "a@b.example, c@d.example"

    def test_form_shows_the_field(self):
        with Form(self.customer, view="base.view_partner_form") as form:
            form.dunning_email = "Compta <compta@dupont.example>"
        self.assertEqual(self.customer._dunning_get_recipient_email(), "compta@dupont.example")
