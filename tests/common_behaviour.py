from datetime import date, timedelta

from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon

TODAY = date(2026, 6, 30)


class PaymentBehaviourCommon(AccountTestInvoicingCommon):
    """Real invoices with chosen due dates, paid by real registered payments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.partner_model = cls.env["res.partner"]

    @classmethod
    def make_customer(cls, name):
        return cls.env["res.partner"].create({"name": name, "is_company": True})

    @classmethod
    def make_invoice(cls, partner, due, amount=1000.0, currency=None, company_data=None, invoice_date=None):
        """Post a customer invoice of `amount` (no tax) falling due on `due`."""
        company_data = company_data or cls.company_data
        invoice = (
            cls.env["account.move"]
            .with_company(company_data["company"])
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": invoice_date or due - timedelta(days=30),
                    "invoice_date_due": due,
                    "invoice_payment_term_id": False,
                    "currency_id": (currency or company_data["currency"]).id,
                    "journal_id": company_data["default_journal_sale"].id,
                    "invoice_line_ids": [
                        Command.create({"name": "Service", "quantity": 1, "price_unit": amount, "tax_ids": []})
                    ],
                }
            )
        )
        invoice.action_post()
        return invoice

    @classmethod
    def pay(cls, invoice, pay_date, amount=None, currency=None):
        """Register a payment through the payment wizard."""
        vals = {"payment_date": pay_date}
        if amount is not None:
            vals["amount"] = amount
        if currency is not None:
            vals["currency_id"] = currency.id
        wizard = (
            cls.env["account.payment.register"]
            .with_company(invoice.company_id)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(vals)
        )
        return wizard._create_payments()

    @classmethod
    def make_history(cls, partner, delays, amount=1000.0, first_due=date(2025, 9, 1), step=20):
        """One invoice per delay, due every `step` days from `first_due`, paid `delay` days after its due date."""
        invoices = cls.env["account.move"]
        for index, delay in enumerate(delays):
            due = first_due + timedelta(days=step * index)
            invoice = cls.make_invoice(partner, due, amount)
            cls.pay(invoice, due + timedelta(days=delay))
            invoices |= invoice
        return invoices

    def stats(self, partner, as_of=None, company=None):
        company = company or self.company
        return partner._dunning_compute_payment_stats(company, as_of=as_of)[partner.id]
