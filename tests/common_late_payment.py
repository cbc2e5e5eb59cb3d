from odoo import Command, fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import new_test_user


class DunningLatePaymentCommon(AccountTestInvoicingCommon):
    """A company in EUR, a 20 % sales VAT, a business customer and a consumer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.company.currency_id = cls.eur
        cls.vat20 = cls.env["account.tax"].create(
            {"name": "VAT 20 %", "amount": 20.0, "type_tax_use": "sale", "company_id": cls.company.id}
        )
        # an EU VAT number makes a company a professional (L441-10 penalties and the 40 EUR indemnity)
        cls.business = cls.env["res.partner"].create(
            {"name": "Dupont SARL", "is_company": True, "vat": "FR40303265045"}
        )
        cls.consumer = cls.env["res.partner"].create({"name": "Jean Particulier", "is_company": False})
        cls.billing_user = new_test_user(
            cls.env,
            login="dunning_billing",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _invoice(cls, amount_untaxed, due, partner=None, invoice_date=None, currency=None):
        """A posted customer invoice of amount_untaxed + 20 % VAT, due on `due`."""
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or cls.business).id,
                "invoice_date": invoice_date or "2024-12-01",
                "invoice_date_due": due,
                "currency_id": (currency or cls.eur).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Consulting",
                            "quantity": 1,
                            "price_unit": amount_untaxed,
                            "tax_ids": [Command.set(cls.vat20.ids)],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    @classmethod
    def _pay(cls, invoice, amount, day):
        """Register a payment of `amount` (invoice currency) on `day` and reconcile it with the invoice."""
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": day})
            ._create_payments()
        )

    @staticmethod
    def _d(day):
        return fields.Date.to_date(day)
