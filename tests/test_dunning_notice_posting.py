from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .test_dunning_letters import REPORT, LettersCommon


@tagged("post_install", "-at_install")
class TestDunningNoticePosting(LettersCommon):
    """A formal notice is dated, and states its amounts, the day it is posted; its proof is kept. Figures by hand in
    the comments (ECB 3.15 % + 10 = 13.15 % in H1 2025, invoices without tax)."""

    def _html(self, action):
        return self.env["ir.actions.report"]._render_qweb_html(REPORT, action.ids)[0].decode()

    def _posting(self, actions, **values):
        """The Mark as Posted form of these letters, as the collections responsible opens it."""
        result = actions.with_user(self.collector).action_mark_letter_sent()
        wizard = self.env[result["res_model"]].with_user(self.collector).browse(result["res_id"])
        wizard.write(values)
        return wizard

    def test_notice_posted_five_days_after_validation_after_a_partial_payment(self):
        notice = self._notice_validated_then_partly_paid()
        with freeze_time("2025-03-25"):
            self._printed_again_with_the_day_amounts(notice)
            self._posted_with_its_registration_number(notice)
        self._receipt_comes_back(notice)

    def _notice_validated_then_partly_paid(self):
        """1,000 due 1 Jan; its formal notice validated and prepared on 20 March; 400 paid on 22 March."""
        invoice = self._invoice(self.customer, 1000, "2025-01-01")
        self._run("2025-03-20")
        notice = self._actions(self.customer)
        with freeze_time("2025-03-20"):
            notice.action_send()
            self.env["account.dunning.action"]._cron_render_letters()  # the nightly job prepares the PDF
        # dated 20 March: 1,000 + 2 Jan .. 20 Mar = 78 days (28.10) + 40 = 1,068.10
        self.assertEqual(notice.letter_date, date(2025, 3, 20))
        self.assertEqual(notice._get_letter_values()["totals"][self.company.currency_id]["total"], 1068.10)
        self._pay(invoice, 400, "2025-03-22")
        return notice

    def _printed_again_with_the_day_amounts(self, notice):
        """On 25 March: printed on 20 March, the letter cannot be posted as it is; printed again, it is dated that
        day with that day's amounts."""
        wizard = self._posting(notice)
        wizard.line_ids.registered_number = "1A 123 456 7890 1"
        with self.assertRaisesRegex(UserError, "not printed on"):
            wizard.action_confirm()
        notice.with_user(self.collector).action_print_letters()
        self.assertEqual(notice.letter_date, date(2025, 3, 25))
        values = notice._get_letter_values()
        html = self._html(notice)
        # 2 Jan .. 22 Mar = 80 days on 1,000: 1000 x 13.15 % x 80 / 365 = 28.82192 (paid on the 22nd, accrues that
        # day); 23 Mar .. 25 Mar = 3 days on 600: 600 x 13.15 % x 3 / 365 = 0.64849; rounded once: 29.47;
        # the indemnity is not reduced by the partial payment: 600 + 29.47 + 40 = 669.47
        self.assertEqual(
            values["totals"][self.company.currency_id],
            {"due": 600.0, "penalties": 29.47, "indemnities": 40.0, "total": 669.47},
        )
        for text in (
            "Sum calculated as at 03/25/2025",
            "Late-payment penalties keep running until full payment.",
            "8 days</strong> of receiving this letter",
            "669.47",
        ):
            self.assertIn(text, html)
        self.assertNotIn("1,068.10", html)

    def _posted_with_its_registration_number(self, notice):
        """Mark as Posted on 25 March: a registered letter needs its number."""
        wizard = self._posting(notice)
        with self.assertRaisesRegex(UserError, "registration number"):
            wizard.action_confirm()
        wizard.line_ids.registered_number = "1A 123 456 7890 1"
        wizard.action_confirm()
        self.assertEqual(
            (notice.letter_state, notice.posted_date, notice.registered_number),
            ("sent", date(2025, 3, 25), "1A 123 456 7890 1"),
        )

    def _receipt_comes_back(self, notice):
        """The acknowledgment of receipt comes back: first presented on 27 March, entered on the sent follow-up."""
        with freeze_time("2025-03-28"):
            with self.assertRaisesRegex(ValidationError, "between its posting"), self.env.cr.savepoint():
                notice.with_user(self.collector).first_presentation_date = "2025-03-24"
            notice.with_user(self.collector).write(
                {
                    "first_presentation_date": "2025-03-27",
                    "receipt_proof": "JVBERi0xLjQK",
                    "receipt_proof_filename": "ar.pdf",
                }
            )
        # printing the posted letter later gives the copy of what was posted, not that day's figures
        pdf = notice.letter_attachment_id
        with freeze_time("2025-04-02"):
            notice.action_print_letters()
        self.assertEqual((notice.letter_attachment_id, notice.letter_date), (pdf, date(2025, 3, 25)))
        # the email of the notice gave its date: 20 March + 8 days
        self.assertEqual(notice.dunning_notice_deadline, "03/28/2025")

    def test_ordinary_letters_are_posted_without_number(self):
        self.formal_level.notice_delivery = "post"
        self._invoice(self.customer, 1000, "2025-01-01")
        self._run("2025-03-20")
        notice = self._actions(self.customer)
        with freeze_time("2025-03-20"):
            notice.action_send()
            notice.with_user(self.collector).action_print_letters()
            self._posting(notice).action_confirm()
        self.assertEqual((notice.letter_state, notice.posted_date), ("sent", date(2025, 3, 20)))
        self.assertFalse(notice.registered_number)
        self.assertNotIn("Lettre recommandée", self._html(notice))
        with self.assertRaisesRegex(UserError, "printed and not posted"):
            notice.with_user(self.collector).action_mark_letter_sent()

    def test_formal_notice_sms_goes_to_a_mobile_marked_for_it_and_tells_no_amount(self):
        sms_template = self.env.ref("account_dunning.sms_template_dunning_formal")
        self.formal_level.write({"channel_sms": True, "sms_template_id": sms_template.id})
        switchboard = self._create_customer("Standard SA", email="ap@standard.example", phone="+33 4 72 00 00 00")
        unmarked = self._create_customer("Mobile SA", email="ap@mobile.example", mobile="+33 6 12 34 56 78")
        marked = self._create_customer(
            "Marked SA", email="ap@marked.example", mobile="+33 6 98 76 54 32", dunning_sms_mobile=True
        )
        invoices = {
            partner: self._invoice(partner, 1234.56, "2025-01-01") for partner in (switchboard, unmarked, marked)
        }
        self._run("2025-03-20")
        actions = self._actions().filtered(lambda action: action.partner_id in invoices)
        with freeze_time("2025-03-20"):
            actions.action_send()
        by_partner = {action.partner_id: action for action in actions}
        self.assertFalse(by_partner[switchboard].sms_id, "never to the switchboard phone")
        self.assertFalse(by_partner[unmarked].sms_id, "a formal notice only to a mobile marked for SMS")
        self.assertTrue(
            any("not marked for follow-up SMS" in body for body in by_partner[unmarked].message_ids.mapped("body"))
        )
        body = by_partner[marked].sms_id.body
        self.assertIn("formal notice", body)
        self.assertIn("03/28/2025", body)
        self.assertIn("/followup/", body)
        for private in (invoices[marked].name, "1,234.56", "1234.56", "40 EUR", "€"):
            self.assertNotIn(private, body)
