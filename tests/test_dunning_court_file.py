import base64
import io
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.pdf import PdfFileReader

from .test_dunning_letters import LettersCommon

COURT_FILE = "account_dunning.account_dunning_court_file_report"


class CourtFileCommon(LettersCommon):
    """The good payers' ladder with a litigation level after the formal notice (60 days)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.litigation_level = cls.env["account.dunning.level"].create(
            {
                "name": "Litigation",
                "scenario_id": cls.scenario_good.id,
                "sequence": 100,
                "trigger_days": 60,
                "interval_days": 14,
                "channel_email": False,
                "channel_phone": True,
                "to_litigation": True,
            }
        )

    def _to_litigation(self, partner, amount):
        """An invoice due 1 Jan 2025, its registered formal notice printed and posted on 20 March, first presented on
        22 March, and the litigation follow-up of 10 April."""
        invoice = self._invoice(partner, amount, "2025-01-01")
        self._run("2025-03-20")
        notice = self._actions(partner)
        with freeze_time("2025-03-20"):
            notice.action_send()
            notice.action_print_letters()
            result = notice.action_mark_letter_sent()
            wizard = self.env[result["res_model"]].browse(result["res_id"])
            wizard.line_ids.registered_number = "1A 987 654 3210 9"
            wizard.action_confirm()
        notice.first_presentation_date = "2025-03-22"
        with freeze_time("2025-04-10"):
            self._run("2025-04-10")
        litigation = self._actions(partner)[-1]
        self.assertEqual((litigation.level_id, litigation.state), (self.litigation_level, "done"))
        self.assertTrue(invoice.dunning_litigation)
        return invoice, notice, litigation

    def _html(self, action):
        return self.env["ir.actions.report"]._render_qweb_html(COURT_FILE, action.ids)[0].decode()


@tagged("post_install", "-at_install")
class TestDunningCourtFile(CourtFileCommon):
    """The request for an order to pay of a customer at litigation; figures by hand in the comments."""

    def test_professional_court_file(self):
        invoice, notice, litigation = self._to_litigation(self.customer, 1000)
        with freeze_time("2025-04-10"):
            values = litigation._get_court_file_values()
            html = self._html(litigation)
        self.assertEqual(values["notice"], notice)
        row = values["lines"][0]
        # principal 1,000; penalties 2 Jan .. 10 Apr = 99 days: 1000 x 13.15 % x 99 / 365 = 35.6671 -> 35.67;
        # the indemnity, never charged by a penalty invoice: 40; total 1,075.67, under 5,000 EUR
        self.assertEqual(
            (row["move"], row["residual"], row["interest"], row["indemnity"]), (invoice, 1000.0, 35.67, 40.0)
        )
        self.assertEqual(values["totals"][self.company.currency_id]["total"], 1075.67)
        self.assertTrue(values["small_claim"])
        for text in (
            "Request for an order to pay",
            "1405",
            "Cerfa 12948",
            "1406",
            invoice.name,
            "1,075.67",
            "L441-10",
            "D441-5",
            "1A 987 654 3210 9",
            "03/22/2025",
            "L125-1",
            "5,000",
        ):
            self.assertIn(text, html)
        # a claim over 5,000 EUR gets no word of the simplified procedure
        invoice.button_draft()
        invoice.invoice_line_ids.price_unit = 9000
        invoice.action_post()
        invoice.dunning_litigation = True
        with freeze_time("2025-04-10"):
            self.assertFalse(litigation._get_court_file_values()["small_claim"])
            self.assertNotIn("L125-1", self._html(litigation))

    def test_consumer_court_file_claims_legal_interest_from_the_notice(self):
        person = self._create_customer("Jean Particulier", email="jean@example.com", company_registry=False)
        person.is_company = False
        invoice, _notice, litigation = self._to_litigation(person, 500)
        with freeze_time("2025-04-10"):
            values = litigation._get_court_file_values()
            html = self._html(litigation)
        # legal interest (other cases, H1 2025: 3.71 %) from the first presentation on 22 March to 10 April =
        # 20 days: 500 x 3.71 % x 20 / 365 = 1.0164 -> 1.02; no penalty, no indemnity
        row = values["lines"][0]
        self.assertEqual((row["residual"], row["interest"], row["indemnity"]), (500.0, 1.02, 0.0))
        self.assertEqual(values["totals"][self.company.currency_id]["total"], 501.02)
        self.assertIn("1231-6", html)
        self.assertNotIn("L441-10", html)
        self.assertNotIn("Recovery Indemnity", html)
        self.assertIn(invoice.name, html)

    def test_no_court_file_without_litigation_or_for_a_public_buyer(self):
        with self.assertRaisesRegex(UserError, "no follow-up sent to litigation"):
            self.customer.with_user(self.collector).action_dunning_court_file()
        town = self._create_customer("Mairie de Lyon", email="compta@lyon.example", dunning_debtor_type="public")
        _invoice, _notice, litigation = self._to_litigation(town, 1000)
        with self.assertRaisesRegex(UserError, "référé-provision"):
            litigation.with_user(self.collector).action_print_court_file()


@tagged("post_install", "-at_install")
class TestDunningLimitation(LettersCommon):
    """Time-barred invoices are no longer chased; the follow-up and the customer warn six months before."""

    def test_consumer_invoice_is_time_barred_after_two_years(self):
        person = self._create_customer("Jean Particulier", email="jean@example.com", company_registry=False)
        person.is_company = False
        invoice = self._invoice(person, 300, "2023-01-10")
        # 2 years from the invoice date (Code de la consommation L218-2): time-barred from 11 January 2025
        self.assertEqual(invoice._dunning_time_barred_dates()[invoice.id], date(2025, 1, 11))
        with freeze_time("2024-08-01"):
            self._run("2024-08-01")
            action = self._actions(person)
            self.assertIn("becomes time-barred on 01/11/2025", action.limitation_warning)
            self.assertIn("L218-2", person.dunning_limitation_warning)
        with freeze_time("2024-07-10"):
            action.invalidate_recordset(["limitation_warning"])
            self.assertFalse(action.limitation_warning, "more than six months before")
        action.action_cancel()
        run = self.run_service
        item = run._get_live_items(date(2025, 1, 11), invoice)[invoice.id]
        self.assertEqual(item.time_barred_date, date(2025, 1, 11))
        self.assertTrue(run._is_move_followed(item, date(2025, 1, 10)))
        self.assertFalse(run._is_move_followed(item, date(2025, 1, 11)))
        with freeze_time("2025-01-11"):
            result = self._run("2025-01-11", preview=True)
            self.assertNotIn(person, [followup["partner"] for followup in result["followups"]])
            person.invalidate_recordset(["dunning_limitation_warning"])
            self.assertIn("time-barred since 01/11/2025", person.dunning_limitation_warning)

    def test_a_payment_starts_the_limitation_again(self):
        # between traders, 5 years from the due date (Code de commerce L110-4): from 2 March 2025
        invoice = self._invoice(self.customer, 1000, "2020-03-01")
        self.assertEqual(invoice._dunning_time_barred_dates()[invoice.id], date(2025, 3, 2))
        # a payment acknowledges the debt (Code civil 2240): 5 years from 1 June 2022, to 2 June 2027
        self._pay(invoice, 100, "2022-06-01")
        self.assertEqual(invoice._dunning_time_barred_dates()[invoice.id], date(2027, 6, 2))

    def test_public_buyer_limitation_runs_from_1_january(self):
        # 4 years from 1 January of the year after the due date (loi n° 68-1250): due in 2021, barred from 2026
        town = self._create_customer("Mairie de Lyon", dunning_debtor_type="public")
        invoice = self._invoice(town, 1000, "2021-05-15")
        self.assertEqual(invoice._dunning_time_barred_dates()[invoice.id], date(2026, 1, 1))
        # a written claim interrupts it: a follow-up sent in 2023 gives 4 years from 1 January 2024
        invoice.dunning_last_date = "2023-02-01"
        self.assertEqual(invoice._dunning_time_barred_dates()[invoice.id], date(2028, 1, 1))


@tagged("post_install", "-at_install")
class TestDunningLegalPdf(CourtFileCommon, HttpCase):
    """Real PDFs of the court file and the declaration: wkhtmltopdf loads the stylesheets from the test server."""

    @mute_logger("odoo.addons.base.models.ir_actions_report")  # wkhtmltopdf builds without patched Qt warn
    def test_court_file_and_declaration_are_pdfs(self):
        invoice, notice, litigation = self._to_litigation(self.customer, 1000)
        # the notice's letter printed in this test is HTML (tests render HTML): the court file renders it again
        notice.letter_attachment_id.unlink()
        notice.receipt_proof = base64.b64encode(self.env["ir.actions.report"].barcode("QR", "AR 1A 987 654 3210 9"))
        billing = new_test_user(self.env, login="court_billing", groups="account.group_account_invoice")
        with freeze_time("2025-04-10"):
            result = litigation.with_user(billing).with_context(force_report_rendering=True).action_print_court_file()
        attachment = litigation.court_file_attachment_id
        self.assertEqual(result["url"], f"/web/content/{attachment.id}")
        self.assertEqual((attachment.res_model, attachment.res_id), (litigation._name, litigation.id))
        pages = len(PdfFileReader(io.BytesIO(attachment.raw)).pages)
        # the request (2 pages: its text, the acknowledgment of receipt), the invoice, the notice
        self.assertGreaterEqual(pages, 4)
        self.assertIn(attachment, litigation.message_ids.attachment_ids)
        proceeding = self.env["account.dunning.proceeding"].create(
            {
                "partner_id": self.customer.id,
                "kind": "liquidation",
                "judgment_date": "2025-04-01",
                "publication_date": "2025-04-08",
                "court": "Tribunal de commerce de Lyon",
                "mandataire_name": "SELARL Martin & Associés",
                "mandataire_address": "12 quai de Saône\n69005 Lyon",
            }
        )
        declaration = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account_dunning.account_dunning_declaration_report", proceeding.ids)[0]
        )
        self.assertTrue(declaration.startswith(b"%PDF"))
        self.assertIn(invoice, proceeding._get_declared_moves())
