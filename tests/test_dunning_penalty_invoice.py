from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common_late_payment import DunningLatePaymentCommon


@tagged("post_install", "-at_install")
class TestDunningPenaltyInvoice(DunningLatePaymentCommon):
    """The "Invoice the Penalties" button, used by a billing user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.penalty_account = cls.company_data["default_account_revenue"].copy({"code": "763000"})
        cls.company.dunning_penalty_account_id = cls.penalty_account

    def _click(self, invoices):
        action = invoices.with_user(self.billing_user).action_dunning_invoice_penalties()
        return self.env["account.move"].browse(action["res_id"])

    @freeze_time("2025-03-02")
    def test_button_creates_a_draft_penalty_invoice(self):
        # 1,200 due 31 Jan: 30 days at 13.15 % = 12.97 (see TestDunningLatePenalty) + 40 indemnity = 52.97
        invoice = self._invoice(1000.0, "2025-01-31")
        self.assertTrue(invoice.dunning_show_late_payment)
        self.assertAlmostEqual(invoice.dunning_penalty_amount, 12.97)
        self.assertAlmostEqual(invoice.dunning_indemnity_amount, 40.0)
        penalty = self._click(invoice)
        self.assertEqual(penalty.state, "draft")
        self.assertEqual(penalty.move_type, "out_invoice")
        self.assertEqual(penalty.partner_id, self.business)
        lines = penalty.invoice_line_ids
        self.assertEqual(lines.mapped("price_unit"), [12.97, 40.0])
        self.assertFalse(lines.tax_ids)
        self.assertEqual(lines.account_id, self.penalty_account)
        self.assertAlmostEqual(penalty.amount_total, 52.97)
        self.assertAlmostEqual(penalty.amount_tax, 0.0)
        self.assertIn(invoice.name, lines[0].name)
        self.assertIn("L441-10", lines[0].name)
        self.assertIn("30", lines[0].name)
        self.assertIn(invoice.name, lines[1].name)
        self.assertEqual(invoice.dunning_penalty_move_ids, penalty)
        self.assertEqual(invoice.dunning_penalty_invoiced_until, self._d("2025-03-02"))
        self.assertEqual(penalty.dunning_penalty_source_ids, invoice)
        # an unpaid penalty invoice bears no penalty itself (no interest on interest)
        penalty.action_post()
        self.assertFalse(penalty._dunning_is_penalty_eligible(self._d("2025-12-31")))
        self.assertEqual(penalty._dunning_late_penalty(self._d("2025-12-31")), 0.0)
        self.assertEqual(penalty._dunning_recovery_indemnity(self._d("2025-12-31")), 0.0)

    def test_no_period_is_invoiced_twice(self):
        invoice = self._invoice(1000.0, "2025-01-31")
        with freeze_time("2025-03-02"):
            first = self._click(invoice)
            with self.assertRaisesRegex(UserError, "Nothing to invoice"):
                self._click(invoice)
        with freeze_time("2025-04-01"):
            # 3 Mar .. 1 Apr = 30 days on 1,200 at 13.15 % = 12.97; the indemnity was already charged
            second = self._click(invoice)
            self.assertEqual(second.invoice_line_ids.mapped("price_unit"), [12.97])
            self.assertEqual(invoice.dunning_penalty_move_ids, first + second)
            self.assertEqual(invoice.dunning_penalty_invoiced_until, self._d("2025-04-01"))
            # cancelling the second penalty invoice gives its period back
            second.button_cancel()
            self.assertEqual(invoice.dunning_penalty_invoiced_until, self._d("2025-03-02"))
            third = self._click(invoice)
            self.assertEqual(third.invoice_line_ids.mapped("price_unit"), [12.97])
            # deleting a draft penalty invoice gives its period back too
            third.unlink()
            self.assertEqual(invoice.dunning_penalty_invoiced_until, self._d("2025-03-02"))

    @freeze_time("2025-03-02")
    def test_several_invoices_of_one_customer(self):
        # A 12.97 + B (600 due 15 Feb, 15 days: 3.24) = 16.21 penalties; 2 x 40 = 80 indemnity
        invoice_a = self._invoice(1000.0, "2025-01-31")
        invoice_b = self._invoice(500.0, "2025-02-15")
        penalty = self._click(invoice_a + invoice_b)
        self.assertEqual(penalty.invoice_line_ids.mapped("price_unit"), [16.21, 80.0])
        self.assertIn(invoice_a.name, penalty.invoice_line_ids[0].name)
        self.assertIn(invoice_b.name, penalty.invoice_line_ids[0].name)
        self.assertEqual(penalty.dunning_penalty_source_ids, invoice_a + invoice_b)
        self.assertEqual(invoice_b.dunning_penalty_move_ids, penalty)

    @freeze_time("2025-03-02")
    def test_errors(self):
        invoice = self._invoice(1000.0, "2025-01-31")
        other = self.env["res.partner"].create({"name": "Martin SA", "is_company": True})
        other_invoice = self._invoice(1000.0, "2025-01-31", partner=other)
        with self.assertRaisesRegex(UserError, "single customer"):
            self._click(invoice + other_invoice)
        consumer_invoice = self._invoice(1000.0, "2025-01-31", partner=self.consumer)
        self.assertFalse(consumer_invoice.dunning_show_late_payment)
        with self.assertRaisesRegex(UserError, "Nothing to invoice"):
            self._click(consumer_invoice)
        on_time = self._invoice(1000.0, "2025-02-28")
        self._pay(on_time, 1200.0, "2025-02-20")
        with self.assertRaisesRegex(UserError, "Nothing to invoice"):
            self._click(on_time)
        draft = invoice.copy()
        with self.assertRaisesRegex(UserError, "posted customer invoices"):
            self._click(draft)
        self.assertFalse(self.env["account.move"].search([("dunning_penalty_source_ids", "!=", False)]))

    @freeze_time("2025-03-02")
    def test_journal_default_account_is_the_fallback(self):
        self.company.dunning_penalty_account_id = False
        invoice = self._invoice(1000.0, "2025-01-31")
        penalty = self._click(invoice)
        self.assertEqual(penalty.invoice_line_ids.account_id, invoice.journal_id.default_account_id)

    @freeze_time("2025-03-02")
    def test_company_terms_stay_and_the_indemnity_has_its_own_account(self):
        # 1,200 due 31 Jan: 12.97 of penalties on the penalty account, 40 of indemnity on the indemnity account
        self.env["ir.config_parameter"].set_param("account.use_invoice_terms", True)
        self.company.write({"terms_type": "plain", "invoice_terms": "<p>Payment by bank transfer.</p>"})
        indemnity_account = self.company_data["default_account_revenue"].copy({"code": "758000"})
        self.company.dunning_indemnity_account_id = indemnity_account
        penalty = self._click(self._invoice(1000.0, "2025-01-31"))
        lines = penalty.invoice_line_ids
        self.assertEqual(
            [(line.price_unit, line.account_id) for line in lines],
            [
                (12.97, self.penalty_account),
                (40.0, indemnity_account),
            ],
        )
        self.assertIn("Payment by bank transfer.", penalty.narration, "the company's invoice terms are kept")
        self.assertIn("Transaction outside the scope of VAT.", penalty.narration)
        self.assertIn("not subject to VAT", penalty.narration)

    @freeze_time("2025-03-02")
    def test_french_chart_accounts_are_the_defaults(self):
        # with the French chart: penalties on 7631 (income from trade receivables), the indemnity on 7588
        self.env.cr.execute("UPDATE res_company SET chart_template = 'fr' WHERE id = %s", [self.company.id])
        self.company.invalidate_recordset(["chart_template"])
        revenue = self.company_data["default_account_revenue"]
        account_7631 = revenue.copy({"code": "763100", "name": "Revenus des créances commerciales"})
        account_7588 = revenue.copy({"code": "758800", "name": "Produits divers de gestion courante"})
        self.company.dunning_penalty_account_id = False
        penalty = self._click(self._invoice(1000.0, "2025-01-31"))
        self.assertEqual(penalty.invoice_line_ids.account_id, account_7631 | account_7588)
        self.assertEqual(penalty.invoice_line_ids[1].account_id, account_7588)

    @freeze_time("2025-03-02")
    def test_list_action_and_invoice_form(self):
        invoice_a = self._invoice(1000.0, "2025-01-31")
        invoice_b = self._invoice(500.0, "2025-02-15")
        form = Form(invoice_a.with_user(self.billing_user))
        self.assertTrue(form.dunning_show_late_payment)
        self.assertAlmostEqual(form.dunning_penalty_amount, 12.97)
        self.assertAlmostEqual(form.dunning_indemnity_amount, 40.0)
        server_action = self.env.ref("account_dunning.account_move_action_dunning_invoice_penalties")
        action = (
            server_action.with_user(self.billing_user)
            .with_context(active_model="account.move", active_ids=(invoice_a + invoice_b).ids)
            .run()
        )
        penalty = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(penalty.invoice_line_ids.mapped("price_unit"), [16.21, 80.0])
        self.assertEqual(Form(penalty).dunning_penalty_date_to, "2025-03-02")

    @freeze_time("2025-03-02")
    def test_auditor_sees_the_amounts_but_cannot_invoice(self):
        auditor = new_test_user(
            self.env,
            login="dunning_auditor",
            groups="account.group_account_readonly",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        invoice = self._invoice(1000.0, "2025-01-31").with_user(auditor)
        self.assertAlmostEqual(invoice.dunning_penalty_amount, 12.97)
        self.assertAlmostEqual(invoice.dunning_indemnity_amount, 40.0)
        with self.assertRaises(AccessError):
            invoice.action_dunning_invoice_penalties()
