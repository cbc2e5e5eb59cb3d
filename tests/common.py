from datetime import date

from odoo import Command, fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import new_test_user

#: a valid SIRET (Luhn): a company that has one is a professional for the late-payment rules
TRADER_SIRET = "73282932000074"


class DunningRunCommon(AccountTestInvoicingCommon):
    """Real posted invoices of a test company with the default follow-up scenarios."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        # a French company: its currency is the euro, as the 40 EUR indemnity assumes (no conversion to check)
        eur = cls.env.ref("base.EUR")
        eur.active = True
        cls.company.currency_id = eur
        cls.company_data["currency"] = eur
        cls.collector = new_test_user(
            cls.env,
            login="dunning_collector",
            name="Claire Recouvrement",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.company.write({"dunning_responsible_id": cls.collector.id, "dunning_send_enabled": True})
        cls.run_service = cls.env["account.dunning.run"]
        cls.scenario_good = cls.env["account.dunning.scenario"].search(
            [("company_id", "=", cls.company.id), ("segment_ids.code", "=", "good")]
        )
        cls.levels = cls.scenario_good._get_ordered_levels()
        cls.customer = cls._create_customer("Dupont SARL", email="compta@dupont.example")

    @classmethod
    def _create_customer(cls, name, segment="good", tolerance=0, **values):
        # a trading company: its SIRET makes it a professional (a company without one waits for its debtor type)
        values.setdefault("company_registry", TRADER_SIRET)
        partner = cls.env["res.partner"].create({"name": name, "is_company": True, **values})
        # a manual segment: the payment behaviour recomputed when an invoice gets paid keeps it
        # sudo: the test sets the computed figures directly (users cannot)
        partner.with_company(cls.company).sudo().write(
            {
                "dunning_segment": segment,
                "dunning_segment_override": segment,
                "dunning_segment_override_reason": "Test customer",
                "dunning_tolerance_days": tolerance,
            }
        )
        return partner

    @classmethod
    def _invoice(cls, partner, amount, due, currency=None, company=None):
        """A posted customer invoice due (and dated) on `due`, without taxes."""
        company = company or cls.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": due,
                    "invoice_date_due": due,
                    "date": due,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create({"name": "Service", "quantity": 1, "price_unit": amount, "tax_ids": []})
                    ],
                }
            )
        )
        move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount, pay_date, journal=None):
        journal = journal or cls.company_data["default_journal_bank"]
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": pay_date, "journal_id": journal.id})
            ._create_payments()
        )

    def _run(self, run_date, company=None, preview=False):
        return self.run_service.run_followups(company or self.company, fields.Date.to_date(run_date), preview=preview)

    def _actions(self, partner=None, company=None):
        domain = [("company_id", "=", (company or self.company).id)]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        return self.env["account.dunning.action"].search(domain, order="date, id")

    @staticmethod
    def d(value):
        return date.fromisoformat(value)
