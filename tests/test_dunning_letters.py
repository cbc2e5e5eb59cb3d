import io
from datetime import date, timedelta

from stdnum import iso11649

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.pdf import PdfFileReader

from .common import DunningRunCommon

VALID_IBAN = "FR76 3000 6000 0112 3456 7890 189"
INVALID_IBAN = "FR7630006000011234567890188"  # wrong check digits
REPORT = "account_dunning.account_dunning_letter_report"


class LettersCommon(DunningRunCommon):
    """A company with a valid bank account, whose formal notice may be reached directly."""

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

    def _set_company_iban(self, acc_number):
        """Store an account number as is: in SQL, as the bank account's own check refuses an invalid IBAN."""
        self.env.cr.execute(
            "UPDATE res_partner_bank SET acc_number = %s WHERE partner_id = %s",
            [acc_number, self.company.partner_id.id],
        )
        self.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestDunningLetters(LettersCommon):
    """Reminder and formal-notice letters of real follow-ups, rendered as HTML."""

    def _followup(self, partner, run_date="2025-03-20"):
        self._run(run_date)
        return self._actions(partner)[-1:]

    def _html(self, action):
        return self.env["ir.actions.report"]._render_qweb_html(REPORT, action.ids)[0].decode()

    def test_formal_notice_has_the_legal_mentions_penalties_and_indemnity(self):
        invoice = self._invoice(self.customer, 1000, "2025-01-01")
        action = self._followup(self.customer)
        self.assertEqual(action.level_id, self.formal_level)
        with freeze_time("2025-03-20"):
            action.action_send()
            values = action._get_letter_values()
        self.assertTrue(values["formal"])
        # 78 days late (2 January to 20 March) at 3.15 % (ECB, 1 January 2025) + 10 points: 1000 x 13.15 % x 78 / 365
        # = 28.1014 -> 28.10; total claimed 1,000 + 28.10 + 40 = 1,068.10
        self.assertEqual(
            values["totals"][invoice.currency_id],
            {"due": 1000.0, "penalties": 28.10, "indemnities": 40.0, "total": 1068.10},
        )
        self.assertEqual(values["lines"][0]["penalty"], invoice._dunning_late_penalty(action.sent_date))
        self.assertEqual([period["rate"] for period in values["periods"]], [13.15])
        with freeze_time("2025-03-20"):
            html = self._html(action)
        for amount in ("1,000.00", "28.10", "40.00", "1,068.10", "13.15 % (ECB 3.15 % + 10 points)"):
            self.assertIn(amount, html)
        registered = "Lettre recommandée avec accusé de réception"
        for mention in ("1344", "L441-10", "D441-5", "injonction de payer", registered):
            self.assertIn(mention, html)
        self.assertNotIn("1231-6", html)
        self.assertIn(invoice.name, html)
        self.assertIn(values["reference_display"], html)
        self.assertEqual(values["reference_display"].replace(" ", ""), values["reference"])
        self.assertIn("FR76", html)
        self.assertIn("one thousand and sixty-eight", html.lower())

    def test_formal_notice_deadline_counts_from_the_day_it_is_sent(self):
        self.company.dunning_notice_days = 15
        self._invoice(self.customer, 1000, "2025-01-01")
        action = self._followup(self.customer)  # prepared on 20 March, waiting for validation
        # validated a week later, on 27 March: the customer still gets its 15 days, until 11 April
        with freeze_time("2025-03-27"):
            action.action_send()
            self.assertEqual(action.sent_date, date(2025, 3, 27))
            self.assertEqual(action._get_letter_values()["deadline"], date(2025, 4, 11))
            html = self._html(action)
        # the letter counts its 15 days from its receipt (Code civil 1344), the email gives the date
        self.assertIn("15 days</strong> of receiving this letter", html)
        self.assertNotIn("04/11/2025", html)
        self.assertIn("03/27/2025", html, "the letter is dated the day it is sent")
        self.assertIn("Sum calculated as at 03/27/2025", html)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", action.mail_message_id.id)])
        self.assertIn("by 04/11/2025", mail.body_html)
        self.assertNotIn("8 days", mail.body_html)

    def test_no_indemnity_for_an_individual(self):
        person = self._create_customer("Jean Dupont", email="jean@example.com")
        person.is_company = False
        self._invoice(person, 500, "2025-01-01")
        action = self._followup(person)
        values = action._get_letter_values()
        self.assertFalse(values["penalties"])
        totals = values["totals"][self.company.currency_id]
        self.assertEqual((totals["penalties"], totals["indemnities"], totals["total"]), (0.0, 0.0, 500.0))
        # a consumer's formal notice claims legal interest, not the L441-10 penalties and indemnity
        html = self._html(action)
        for mention in ("1344", "1231-6", "injonction de payer", "Lettre recommandée avec accusé de réception"):
            self.assertIn(mention, html)
        self.assertNotIn("L441-10", html)
        self.assertNotIn("Recovery Indemnity", html)

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
        self.assertIn("mille", action._get_letter_values()["words"][self.company.currency_id])
        self.assertIn("mille", self._html(action))

    def test_reference_is_a_valid_rf_creditor_reference_to_find_the_follow_up(self):
        self._invoice(self.customer, 100, "2025-01-01")
        action = self._followup(self.customer)
        self.assertTrue(iso11649.is_valid(action._get_payment_reference()))
        # a bank transfer quoting the reference leads to its follow-up
        self.assertEqual(action.payment_reference, action._get_payment_reference())
        found = self.env["account.dunning.action"].search([("payment_reference", "=", action.payment_reference)])
        self.assertEqual(found, action)

    def test_invalid_iban_is_refused_when_printing(self):
        self._invoice(self.customer, 100, "2025-01-01")
        action = self._followup(self.customer)
        self._set_company_iban(INVALID_IBAN)
        with self.assertRaises(UserError):
            action._get_letter_values()

    def test_letters_job_renders_the_queue_and_printing_reuses_the_pdfs(self):
        other = self._create_customer("Martin SAS", email="ap@martin.example")
        self._invoice(self.customer, 1000, "2025-01-01")
        self._invoice(other, 800, "2025-01-01")
        actions = self._followup(self.customer) | self._actions(other)
        actions.action_send()
        # letters that cannot be rendered (invalid IBAN of their company) are logged and stay without a PDF
        self._set_company_iban(INVALID_IBAN)
        with mute_logger("odoo.addons.account_dunning.models.account_dunning_action_letter"):
            self.env["account.dunning.action"]._cron_render_letters()
        self.assertFalse(actions.letter_attachment_id)
        self._set_company_iban(VALID_IBAN.replace(" ", ""))
        self.env["account.dunning.action"]._cron_render_letters()
        self.assertEqual(len(actions.letter_attachment_id), 2)
        self.assertEqual(actions.mapped("letter_state"), ["to_print", "to_print"])
        first = actions[0].letter_attachment_id
        posts = len(actions[0].message_ids)
        actions[0].action_print_letters()
        self.assertEqual(actions[0].letter_attachment_id, first, "printing reuses the prepared PDF")
        self.assertEqual(len(actions[0].message_ids), posts, "and does not post it twice")
        self.assertEqual(actions[0].letter_state, "printed")

    def test_no_letter_goes_out_once_nothing_is_owed(self):
        invoice = self._invoice(self.customer, 1000, "2025-01-01")
        action = self._followup(self.customer)
        with freeze_time("2025-03-20"):
            action.action_send()
        self.assertEqual(action.letter_state, "to_print")
        self._pay(invoice, 1000, "2025-03-21")
        self.env["account.dunning.action"]._cron_render_letters()
        self.assertEqual((action.letter_state, action.letter_attachment_id.id), ("none", False))
        self.assertIn("nothing is owed", action.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "no letter to print"):
            action.action_print_letters()

    def test_single_euro_total_gets_a_sepa_transfer_qr_code(self):
        self.formal_level.direct_entry = False
        euro = self.env.ref("base.EUR")
        if self.company.currency_id != euro:
            euro = self.setup_other_currency("EUR")
        self._invoice(self.customer, 1000, "2025-01-01", currency=euro)
        action = self._followup(self.customer, "2025-01-05")
        values = action._get_letter_values()
        amounts = [(currency, total["total"]) for currency, total in values["totals"].items()]
        self.assertEqual([(currency.name, amount) for currency, amount in amounts], [("EUR", 1000.0)])
        payload = action._get_epc_qr_payload(values["bank"], values["reference"], amounts).split("\n")
        amount = amounts[0][1]
        self.assertEqual(payload[:4], ["BCD", "002", "1", "SCT"])
        self.assertEqual(payload[4], "AGRIFRPP")
        self.assertEqual(payload[6], VALID_IBAN.replace(" ", ""))
        self.assertEqual(payload[7], f"EUR{amount:.2f}")
        self.assertEqual(payload[9], values["reference"])
        self.assertEqual(values["qr"]["kind"], "sepa")
        self.assertTrue(values["qr"]["image"].startswith("data:image/png;base64,"))
        html = self._html(action)
        self.assertIn('src="data:image/png;base64,', html)
        self.assertIn("Scan with your banking app", html)

    def test_several_currencies_get_a_payment_link_qr_code(self):
        self.formal_level.direct_entry = False
        usd = self.setup_other_currency("USD")
        self._invoice(self.customer, 100, "2025-01-01")
        self._invoice(self.customer, 250, "2025-01-02", currency=usd)
        action = self._followup(self.customer, "2025-01-05")
        values = action._get_letter_values()
        amounts = [(currency, total["total"]) for currency, total in values["totals"].items()]
        self.assertFalse(action._get_epc_qr_payload(values["bank"], values["reference"], amounts))
        self.assertEqual(values["qr"]["kind"], "url")

    def test_customer_prints_its_latest_follow_up_letter(self):
        self._invoice(self.customer, 1000, "2025-01-01")
        billing = new_test_user(self.env, login="letters_customer", groups="account.group_account_invoice")
        customer = self.customer.with_user(billing)
        with self.assertRaisesRegex(UserError, "no follow-up"):
            customer.action_dunning_print_letter()
        action = self._followup(self.customer)
        result = customer.action_dunning_print_letter()
        self.assertEqual(action.letter_attachment_id.res_id, action.id)
        self.assertEqual(result["type"], "ir.actions.act_url")
        self.assertEqual(result["url"], f"/web/content/{action.letter_attachment_id.id}")
        # a formal notice still waiting for validation is printed, but not queued as printed
        self.assertEqual((action.state, action.letter_state), ("to_validate", "none"))

    def test_sending_by_post_uses_snailmail_only_when_installed(self):
        self.customer.write(
            {"street": "3 rue Neuve", "zip": "69001", "city": "Lyon", "country_id": self.env.ref("base.fr").id}
        )
        self._invoice(self.customer, 1000, "2025-01-01")
        action = self._followup(self.customer)
        action.letter_state = "printed"
        self.assertEqual(action.notice_delivery, "registered")
        if "snailmail.letter" in self.env:
            with self.assertRaisesRegex(UserError, "not registered letters"):
                action.action_send_letters_by_post()
        action.notice_delivery = "post"  # the accountant chooses ordinary post before sending
        if "snailmail.letter" not in self.env:
            self.assertFalse(action.snailmail_available)
            with self.assertRaisesRegex(UserError, "Snailmail"):
                action.action_send_letters_by_post()
            self.assertEqual(action.letter_state, "printed")
            return
        self.assertTrue(action.snailmail_available)
        action.action_send_letters_by_post()
        letter = self.env["snailmail.letter"].search([("model", "=", action._name), ("res_id", "=", action.id)])
        self.assertEqual(letter.state, "pending")
        self.assertEqual(letter.partner_id, action.partner_id)
        self.assertEqual(letter.report_template, self.env.ref(REPORT))
        self.assertEqual(action.letter_state, "sent")
        self.customer.city = False
        with self.assertRaisesRegex(UserError, "postal address"):
            action.action_send_letters_by_post()


@tagged("post_install", "-at_install")
class TestDunningLetterPdf(LettersCommon, HttpCase):
    """Real PDFs: wkhtmltopdf loads the stylesheets from the test server, so this is an HttpCase."""

    @mute_logger("odoo.addons.base.models.ir_actions_report")  # wkhtmltopdf builds without patched Qt warn
    def test_printing_stores_each_letter_posts_it_and_returns_one_pdf(self):
        other = self._create_customer("Martin SAS", email="ap@martin.example")
        self._invoice(self.customer, 1000, "2025-01-01")
        self._invoice(other, 800, "2025-01-01")
        self._run("2025-03-20")
        actions = self._actions().filtered("channel_letter")
        self.assertEqual(len(actions), 2)
        actions.action_send()
        self.assertEqual(actions.mapped("letter_state"), ["to_print", "to_print"])
        billing = new_test_user(self.env, login="letters_billing", groups="account.group_account_invoice")
        result = actions.with_user(billing).with_context(force_report_rendering=True).action_print_letters()
        self.assertEqual(actions.mapped("letter_state"), ["printed", "printed"])
        for action in actions:
            attachment = action.letter_attachment_id
            self.assertEqual((attachment.res_model, attachment.res_id), (action._name, action.id))
            self.assertTrue(attachment.raw.startswith(b"%PDF"))
            self.assertEqual(len(PdfFileReader(io.BytesIO(attachment.raw)).pages), 1)
            # posted in the follow-up's chatter (accounting only), not in the contact's that every employee reads
            self.assertIn(attachment, action.message_ids.attachment_ids)
            self.assertNotIn(attachment, action.partner_id.message_ids.attachment_ids)
        self.assertEqual(result["type"], "ir.actions.act_url")
        batch = self.env["ir.attachment"].browse(int(result["url"].rsplit("/", 1)[1]))
        self.assertNotIn(batch, actions.letter_attachment_id)
        self.assertEqual(batch.create_uid.login, "letters_billing")
        self.assertEqual(len(PdfFileReader(io.BytesIO(batch.raw)).pages), 2)
        # the merged PDF copies personal data: deleted after the company's 90 days, the letters stay
        later = fields.Datetime.now() + timedelta(days=89)
        with freeze_time(later):
            self.env["account.dunning.action"]._cron_delete_letter_batches()
        self.assertTrue(batch.exists())
        with freeze_time(later + timedelta(days=2)):
            self.env["account.dunning.action"]._cron_delete_letter_batches()
        self.assertFalse(batch.exists())
        self.assertEqual(len(actions.letter_attachment_id.exists()), 2)
