from datetime import date

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .test_dunning_letters import LettersCommon

DECLARATION = "account_dunning.account_dunning_declaration_report"


@tagged("post_install", "-at_install")
class TestDunningProceedings(LettersCommon):
    """A customer in receivership (redressement judiciaire); figures by hand in the comments.

    The company is French (EUR), invoices have no tax, the rate is ECB 3.15 % + 10 points = 13.15 % in H1 2025.
    """

    def _proceedings(self, partner, **values):
        return (
            self.env["account.dunning.proceeding"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": partner.id,
                    "kind": "redressement",
                    "judgment_date": "2025-03-01",
                    "publication_date": "2025-03-10",
                    "court": "Tribunal de commerce de Lyon",
                    "mandataire_name": "Maître Jeanne Martin",
                    "mandataire_address": "12 quai de Saône\n69005 Lyon",
                    **values,
                }
            )
        )

    def _invoice_dated(self, partner, amount, invoice_date, due):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_line_ids": [Command.create({"name": "Service", "price_unit": amount, "tax_ids": []})],
            }
        )
        move.action_post()
        return move

    def _receivership(self):
        """Invoices A (1,000, due 1 Jan), B (500, due 15 Feb), D (300, dated 20 Feb, due 22 Mar) and C (800, due
        10 Mar); a formal notice about A sent on 17 February; receivership opened on 1 March, published 10 March."""
        invoice_a = self._invoice(self.customer, 1000, "2025-01-01")
        # a formal notice sent on 17 February (47 days late) claims A's indemnity before the judgment
        self._run("2025-02-17")
        notice = self._actions(self.customer)
        self.assertEqual(notice.level_id, self.formal_level)
        with freeze_time("2025-02-17"):
            notice.action_send()
        invoice_b = self._invoice(self.customer, 500, "2025-02-15")
        # D is dated before the judgment but due after it: to fall due, and frozen all the same
        invoice_d = self._invoice_dated(self.customer, 300, "2025-02-20", "2025-03-22")
        invoice_c = self._invoice(self.customer, 800, "2025-03-10")  # a debt born after the judgment
        with freeze_time("2025-03-12"):
            proceeding = self._proceedings(self.customer)
        return {"a": invoice_a, "b": invoice_b, "c": invoice_c, "d": invoice_d, "notice": notice}, proceeding

    def test_receivership_stops_the_follow_ups_and_the_penalties(self):
        moves, proceeding = self._receivership()
        invoice_a, invoice_b, invoice_c = moves["a"], moves["b"], moves["c"]
        # the collections responsible declares within two months of the BODACC publication: by 10 May
        self.assertEqual(proceeding.declaration_deadline, date(2025, 5, 10))
        task = proceeding.activity_ids
        self.assertEqual((task.user_id, task.date_deadline), (self.collector, date(2025, 5, 10)))
        # the snapshot the decision reads: earlier invoices carry the judgment date, C none
        items = self.run_service._get_live_items(date(2025, 3, 20), invoice_a | invoice_c)
        self.assertEqual(items[invoice_a.id].proceedings_date, date(2025, 3, 1))
        self.assertIsNone(items[invoice_c.id].proceedings_date)
        self.assertTrue(self.run_service._is_move_followed(items[invoice_a.id], date(2025, 2, 28)))
        self.assertFalse(self.run_service._is_move_followed(items[invoice_a.id], date(2025, 3, 1)))
        # on 20 March only C is followed up (Reminder 1, 10 days late); A, B and D are left alone
        self._run("2025-03-20")
        reminder = self._actions(self.customer)[-1]
        self.assertEqual(reminder.move_ids, invoice_c)
        self.assertEqual(self._actions(self.customer), moves["notice"] | reminder, "no formal notice after it")
        # A: 2 Jan .. 28 Feb = 58 days, nothing from the judgment: 1000 x 13.15 % x 58 / 365 = 20.8959 -> 20.90;
        # its indemnity was claimed by the notice before the judgment: 40
        self.assertEqual(invoice_a._dunning_late_penalty(date(2025, 6, 1)), 20.90)
        self.assertEqual(invoice_a._dunning_recovery_indemnity(date(2025, 6, 1)), 40.0)
        # B: 16 Feb .. 28 Feb = 13 days: 500 x 13.15 % x 13 / 365 = 2.3418 -> 2.34; its indemnity was never claimed
        self.assertEqual(invoice_b._dunning_late_penalty(date(2025, 6, 1)), 2.34)
        self.assertEqual(invoice_b._dunning_recovery_indemnity(date(2025, 6, 1)), 0.0)
        # C runs as usual: 11 Mar .. 20 Mar = 10 days: 800 x 13.15 % x 10 / 365 = 2.8822 -> 2.88, and 40
        self.assertEqual(invoice_c._dunning_late_penalty(date(2025, 3, 20)), 2.88)
        self.assertEqual(invoice_c._dunning_recovery_indemnity(date(2025, 3, 20)), 40.0)
        with self.assertRaisesRegex(UserError, "collective proceedings since"):
            invoice_a._dunning_create_penalty_move(date(2025, 3, 20))
        # the notice's letter, still waiting to be printed at the judgment, no longer goes out
        self.assertEqual(moves["notice"].letter_state, "to_print")
        with freeze_time("2025-03-20"):
            self.env["account.dunning.action"]._cron_render_letters()
        self.assertEqual((moves["notice"].letter_state, moves["notice"].letter_attachment_id.id), ("none", False))

    def test_the_declaration_lists_the_claim_at_the_judgment(self):
        moves, proceeding = self._receivership()
        with freeze_time("2025-03-20"):
            values = proceeding._get_declaration_values()
            html = self.env["ir.actions.report"]._render_qweb_html(DECLARATION, proceeding.ids)[0].decode()
        rows = {row["move"]: row for row in values["lines"]}
        self.assertEqual(list(rows), [moves["a"], moves["b"], moves["d"]], "C, born after the judgment, is not there")
        # penalties until the judgment (see above): A 20.90, B 2.34, D none (not due at the judgment)
        self.assertEqual(
            [(row["owed"], row["to_fall_due"], row["penalty"], row["indemnity"]) for row in rows.values()],
            [(1000.0, 0.0, 20.90, 40.0), (500.0, 0.0, 2.34, 0.0), (300.0, 300.0, 0.0, 0.0)],
        )
        # principal 1,000 + 500 + 300 = 1,800 (300 not due at the judgment); penalties 20.90 + 2.34 = 23.24;
        # indemnity 40: total claimed 1,863.24
        self.assertEqual(
            values["totals"],
            {"owed": 1800.0, "to_fall_due": 300.0, "penalty": 23.24, "indemnity": 40.0, "total": 1863.24},
        )
        for text in ("Declaration of claim", "L622-24", "Maître Jeanne Martin", "69005 Lyon", "1,863.24", "23.24"):
            self.assertIn(text, html)
        self.assertIn("03/01/2025", html, "the judgment date")
        self.assertNotIn(moves["c"].name, html)
        # the claim is declared: the task is done
        proceeding.with_user(self.collector).action_mark_declared()
        self.assertFalse(proceeding.activity_ids)
        self.assertTrue(proceeding.declared_date)

    def test_task_deadline_follows_the_publication(self):
        # before the publication is known, the task is due two months after the judgment (the earliest deadline)
        with freeze_time("2025-03-05"):
            proceeding = self._proceedings(self.customer, publication_date=False)
        self.assertEqual(proceeding.activity_ids.date_deadline, date(2025, 5, 1))
        proceeding.publication_date = "2025-03-14"
        self.assertEqual(proceeding.activity_ids.date_deadline, date(2025, 5, 14))
        self.assertEqual(len(proceeding.activity_ids), 1)

    def test_bad_input_is_refused_clearly(self):
        with self.assertRaisesRegex(ValidationError, "BODACC publication cannot come before"), self.env.cr.savepoint():
            self._proceedings(self.customer, publication_date="2025-02-01")
        person = self._create_customer("Jean Particulier", company_registry=False)
        person.is_company = False
        with self.assertRaisesRegex(ValidationError, "is a consumer"), self.env.cr.savepoint():
            self._proceedings(person)
        with self.assertRaisesRegex(ValidationError, "in the future"), self.env.cr.savepoint():
            self._proceedings(self.customer, judgment_date="2999-01-01", publication_date=False)
        proceeding = self._proceedings(self.customer, mandataire_address=False)
        with self.assertRaisesRegex(UserError, "address of the mandataire"):
            proceeding.with_user(self.collector).action_print_declaration()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self._proceedings(self.customer)

    def test_who_sees_and_records_proceedings(self):
        auditor = new_test_user(
            self.env,
            login="proceedings_auditor",
            groups="account.group_account_readonly",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        proceeding = self._proceedings(self.customer)
        self.assertEqual(proceeding.with_user(auditor).read(["judgment_date"])[0]["judgment_date"], date(2025, 3, 1))
        with self.assertRaises(AccessError):
            proceeding.with_user(auditor).write({"court": "Tribunal de commerce de Paris"})
        # another company does not see them
        other_company = self.setup_other_company(name="Other Dunning Co")["company"]
        self.collector.write({"company_ids": [Command.link(other_company.id)]})
        proceedings = self.env["account.dunning.proceeding"].with_user(self.collector)
        self.assertEqual(proceedings.search([]), proceeding)
        self.assertFalse(proceedings.with_context(allowed_company_ids=other_company.ids).search([]))
