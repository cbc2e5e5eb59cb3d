from stdnum import iso11649

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import DunningRunCommon

VALID_IBAN = "FR76 3000 6000 0112 3456 7890 189"
REPORT = "account_dunning.account_dunning_letter_report"


@tagged("post_install", "-at_install")
class TestDunningLetters(DunningRunCommon):
    """Reminder and formal-notice letters of real follow-ups, rendered as HTML (and once as PDF)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.bank_ids.unlink()
        bank = cls.env["res.bank"].create({"name": "Crédit Agricole", "bic": "AGRIFRPP"})
        cls.env["res.partner.bank"].create(
            {"acc_number": VALID_IBAN, "partner_id": cls.company.partner_id.id, "bank_id": bank.id}
        )
        cls.company.partner_id.city = "Lyon"
        cls.formal_level = cls.levels.filtered(lambda level: level.letter_variant == "formal_notice")[:1]
        cls.formal_level.direct_entry = True

    def _followup(self, partner, run_date="2025-03-20"):
        self._run(run_date)
        return self._actions(partner)[-1:]

    def _html(self, action):
        return self.env["ir.actions.report"]._render_qweb_html(REPORT, action.ids)[0].decode()

    def test_formal_notice_has_the_legal_mentions_penalties_and_indemnity(self):
        invoice = self._invoice(self.customer, 1000, "2025-01-01")
        action = self._followup(self.customer)
        self.assertEqual(action.level_id, self.formal_level)
        values = action._get_letter_values()
        self.assertTrue(values["formal"])
        self.assertEqual(values["indemnity_total"], 40.0)
        self.assertEqual(values["penalty_total"], invoice._dunning_late_penalty(action.date))
        self.assertGreater(values["penalty_total"], 0)
        html = self._html(action)
        for mention in ("1344", "L441-10", "injonction de payer", "Lettre recommandée avec accusé de réception"):
            self.assertIn(mention, html)
        self.assertIn(invoice.name, html)
        self.assertIn(values["reference"], html)
        self.assertIn("FR76", html)
        self.assertIn("one thousand", html.lower())

    def test_no_indemnity_for_an_individual(self):
        person = self._create_customer("Jean Dupont", email="jean@example.com")
        person.is_company = False
        self._invoice(person, 500, "2025-01-01")
        action = self._followup(person)
        values = action._get_letter_values()
        self.assertEqual(values["indemnity_total"], 0.0)
        self.assertEqual(values["penalty_total"], 0.0)

    def test_reminder_letter_lists_the_invoices_and_totals_per_currency(self):
        self.formal_level.direct_entry = False
        usd = self.setup_other_currency("USD")
        first = self._invoice(self.customer, 100, "2025-01-01")
        second = self._invoice(self.customer, 250, "2025-01-02", currency=usd)
        action = self._followup(self.customer, "2025-01-05")
        self.assertEqual(action.level_id.letter_variant, "reminder")
        html = self._html(action)
        self.assertIn(first.name, html)
        self.assertIn(second.name, html)
        self.assertNotIn("1344", html)
        self.assertEqual(
            {currency.name for currency, _amount in action._get_totals_by_currency()},
            {"USD", self.company.currency_id.name},
        )

    def test_french_customer_gets_a_french_letter_with_amounts_in_words(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["account_dunning"], ["fr_FR"], overwrite=True)
        self.customer.lang = "fr_FR"
        self._invoice(self.customer, 1000, "2025-01-01")
        action = self._followup(self.customer)
        self.assertIn("mille", action._get_letter_values()["totals_in_words"][0][2])
        self.assertIn("mille", self._html(action))

    def test_reference_is_a_valid_rf_creditor_reference(self):
        self._invoice(self.customer, 100, "2025-01-01")
        action = self._followup(self.customer)
        self.assertTrue(iso11649.is_valid(action._get_payment_reference()))

    def test_invalid_iban_is_refused_when_printing(self):
        self._invoice(self.customer, 100, "2025-01-01")
        action = self._followup(self.customer)
        self.env.cr.execute(
            "UPDATE res_partner_bank SET acc_number = 'FR7630006000011234567890188' WHERE partner_id = %s",
            [self.company.partner_id.id],
        )
        self.env.invalidate_all()
        with self.assertRaises(UserError):
            action._get_letter_values()

    def test_printing_stores_each_letter_posts_it_and_marks_it_printed(self):
        other = self._create_customer("Martin SAS", email="ap@martin.example")
        self._invoice(self.customer, 1000, "2025-01-01")
        self._invoice(other, 800, "2025-01-01")
        self._run("2025-03-20")
        actions = self._actions().filtered("channel_letter")
        self.assertEqual(len(actions), 2)
        actions.letter_state = "to_print"
        billing = new_test_user(self.env, login="letters_billing", groups="account.group_account_invoice")
        result = actions.with_user(billing).action_print_letters()
        self.assertEqual(result["report_name"], "account_dunning.report_dunning_letter")
        self.assertEqual(actions.mapped("letter_state"), ["printed", "printed"])
        for action in actions:
            attachment = action.letter_attachment_id
            self.assertEqual(attachment.mimetype, "application/pdf")
            # tests get the letter's HTML instead of running wkhtmltopdf: check it is this follow-up's letter
            self.assertIn(action._get_payment_reference().encode(), attachment.raw)
            self.assertIn(attachment, action.partner_id.message_ids.attachment_ids)
