from datetime import date

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .test_dunning_letters import REPORT, LettersCommon


@tagged("post_install", "-at_install")
class TestDunningDebtorType(LettersCommon):
    """The debtor type is never professional by default; a public buyer's interest counts from its receipt of the
    invoice. Figures by hand in the comments (invoices without tax)."""

    def _html(self, action):
        return self.env["ir.actions.report"]._render_qweb_html(REPORT, action.ids)[0].decode()

    def test_automatic_debtor_types(self):
        partners = self.env["res.partner"]
        cases = [
            ({"vat": "FR40303265045"}, "professional"),  # an EU VAT number
            ({"company_registry": "732 829 320 00074"}, "professional"),  # a SIRET
            ({"dunning_public_body": True, "company_registry": "21690123100011"}, "public"),  # a town hall
            ({"vat": "CHE-123.456.788"}, False),  # not an EU VAT number
            ({"company_registry": "12345"}, False),  # not a SIRET
            ({}, False),  # an association, a co-owners' association, a non-trading SCI...
            ({"dunning_debtor_type": "non_professional"}, "non_professional"),  # set by hand
        ]
        for values, expected in cases:
            partner = partners.create({"name": "Customer", "is_company": True, **values})
            self.assertEqual(partner._dunning_debtor_type(), expected, values)
        person = partners.create({"name": "Jean Particulier", "is_company": False})
        self.assertEqual(person._dunning_debtor_type(), "consumer")
        club = partners.create({"name": "Club", "is_company": True})
        contact = partners.create({"name": "Paul", "parent_id": club.id})
        self.assertFalse(contact._dunning_debtor_type(), "a contact is judged by its company")
        self.assertIn("To confirm", contact.parent_id.dunning_debtor_rule)

    def test_a_company_of_unknown_type_waits_and_claims_no_penalty(self):
        club = self._create_customer("Amicale des Boulistes", email="tresorier@amicale.example", company_registry=False)
        invoice = self._invoice(club, 1000, "2025-01-01")
        self.formal_level.direct_entry = False
        self._run("2025-01-05")
        action = self._actions(club)
        # Reminder 1 needs no validation, yet it waits: the debtor type is to confirm
        self.assertEqual((action.level_id.need_validation, action.state), (False, "to_validate"))
        self.assertEqual(action.validation_reason, "debtor_type")
        # nothing is claimed before the type is known: no penalty, no indemnity (1,000 x 13.15 % x 78 / 365 = 28.10
        # would be owed by a professional on 20 March)
        self.assertEqual(invoice._dunning_late_penalty(date(2025, 3, 20)), 0.0)
        self.assertEqual(invoice._dunning_recovery_indemnity(date(2025, 3, 20)), 0.0)
        action.with_user(self.collector).action_send()
        self.assertEqual(action.state, "done")
        # its formal notice says only what any debtor owes: legal interest from the notice
        self.formal_level.direct_entry = True
        self._run("2025-03-20")
        notice = self._actions(club)[-1]
        self.assertEqual((notice.level_id, notice.validation_reason), (self.formal_level, "debtor_type"))
        html = self._html(notice)
        self.assertNotIn("L441-10", html)
        self.assertNotIn("Recovery Indemnity", html)
        self.assertIn("1231-6", html)
        # the accountant confirms a professional: the penalties are owed from then on
        club.dunning_debtor_type = "professional"
        self.assertEqual(invoice._dunning_late_penalty(date(2025, 3, 20)), 28.10)
        self.assertIn("L441-10", self._html(notice))

    def test_debtor_type_cannot_flip_by_removing_the_siret(self):
        invoice = self._invoice(self.customer, 1000, "2025-01-01")
        invoice._dunning_create_penalty_move(date(2025, 3, 2)).action_post()
        with self.assertRaisesRegex(ValidationError, "already charged"), self.env.cr.savepoint():
            self.customer.company_registry = False
        self.customer.write({"company_registry": False, "dunning_debtor_type": "professional"})
        self.assertEqual(self.customer._dunning_debtor_type(), "professional")

    def _public_invoice(self, town, invoice_date, due):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": town.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_line_ids": [Command.create({"name": "Works", "price_unit": 1000.0, "tax_ids": []})],
            }
        )
        move.action_post()
        return move

    def test_public_buyer_interest_counts_from_the_receipt_of_the_invoice(self):
        town = self._create_customer("Mairie de Villeurbanne", company_registry=False, dunning_public_body=True)
        self.assertEqual(town._dunning_debtor_type(), "public")
        # dated 21 May, due 20 June (30 days), received on the public platform on 5 June: the 30 days run from
        # the receipt, to 5 July; interest from 6 July, at the ECB rate of that half-year (H2 2025: 2.15 %) + 8
        invoice = self._public_invoice(town, "2025-05-21", "2025-06-20")
        invoice.dunning_receipt_date = "2025-06-05"
        self.assertEqual(invoice._dunning_late_penalty(date(2025, 7, 5)), 0.0)
        self.assertEqual(invoice._dunning_recovery_indemnity(date(2025, 7, 5)), 0.0, "not late yet")
        # 6 Jul .. 20 Jul = 15 days: 1000 x 10.15 % x 15 / 365 = 4.1712 -> 4.17, and the 40 EUR indemnity
        periods = invoice._dunning_late_penalty_periods(date(2025, 7, 20))
        self.assertEqual(
            [(p["date_from"], p["days"], p["rate"], p["ecb"], p["amount"]) for p in periods],
            [(date(2025, 7, 6), 15, 10.15, 2.15, 4.17)],
        )
        self.assertEqual(invoice._dunning_recovery_indemnity(date(2025, 7, 20)), 40.0)
        # from the printed due date it would have been 21 Jun .. 20 Jul = 30 days at 3.15 + 8 = 11.15 %:
        # 1000 x 11.15 % x 30 / 365 = 9.1644 -> 9.16
        invoice.dunning_receipt_date = False
        self.assertEqual(invoice._dunning_late_penalty(date(2025, 7, 20)), 9.16)
        # a professional's penalties never move with the receipt date
        self.customer.dunning_debtor_type = "professional"
        trader_invoice = self._public_invoice(self.customer, "2025-05-21", "2025-06-20")
        trader_invoice.dunning_receipt_date = "2025-06-05"
        # 21 Jun .. 30 Jun at 13.15 % = 3.60274, 1 Jul .. 20 Jul at 12.15 % = 6.65753: 10.26027 -> 10.26
        self.assertEqual(trader_invoice._dunning_late_penalty(date(2025, 7, 20)), 10.26)

    def test_receipt_date_must_be_plausible(self):
        town = self._create_customer("Mairie de Bron", company_registry=False, dunning_public_body=True)
        invoice = self._public_invoice(town, "2025-05-21", "2025-06-20")
        with self.assertRaisesRegex(ValidationError, "before its date"), self.env.cr.savepoint():
            invoice.dunning_receipt_date = "2025-05-20"
        with (
            freeze_time("2025-06-01"),
            self.assertRaisesRegex(ValidationError, "in the future"),
            self.env.cr.savepoint(),
        ):
            invoice.dunning_receipt_date = "2025-06-05"
