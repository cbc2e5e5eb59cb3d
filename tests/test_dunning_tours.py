import io
from datetime import date, timedelta

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.pdf import PdfFileReader

from .common import DunningRunCommon
from .test_dunning_letters import VALID_IBAN


@tagged("post_install", "-at_install")
class TestDunningTours(DunningRunCommon, HttpCase):
    """The accountant's path through the follow-ups in a real browser (tours in static/tests/tours/).

    Each tour runs as a user of the test company with the rights the feature is meant for: an accounting
    manager for the configuration, a billing user for the daily work. The data is made here, with real
    posted invoices and real runs; the tour clicks through the menus and the test checks the database.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        user_values = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)], "tz": "UTC"}
        cls.accountant = new_test_user(
            cls.env, login="dunning_accountant", groups="account.group_account_invoice", **user_values
        )
        cls.manager = new_test_user(
            cls.env, login="dunning_manager", groups="account.group_account_manager", **user_values
        )
        cls.today = date.today()

    def _overdue_customer(self, name, amount, days, **values):
        """A good payer (no tolerance) with one posted invoice due `days` days ago."""
        partner = self._create_customer(name, **values)
        return partner, self._invoice(partner, amount, self.today - timedelta(days=days))

    def test_manager_changes_the_trigger_of_a_level(self):
        level = self.levels.filtered(lambda level: level.name == "Reminder 2")
        self.assertEqual(level.trigger_days, 15)
        self.start_tour("/odoo", "account_dunning_scenario_level_tour", login=self.manager.login)
        self.assertEqual(level.trigger_days, 20)
        self.assertEqual(level.write_uid, self.manager)

    def test_preview_lists_the_follow_ups_and_why_customers_are_skipped(self):
        self.company.dunning_send_enabled = False  # review mode: every follow-up waits for validation
        waiting, _invoice = self._overdue_customer("Waiting Trading", 300, 20, email="ap@waiting.example")
        self._run(self.today - timedelta(days=1))
        self.assertEqual(self._actions(waiting).state, "to_validate")
        due, _invoice = self._overdue_customer("Due Industries", 1200, 20, email="ap@due.example")
        self._overdue_customer("Excluded Holding", 800, 20, email="ap@excluded.example", dunning_excluded=True)
        self.start_tour("/odoo", "account_dunning_run_preview_tour", login=self.accountant.login)
        # the preview changed nothing
        self.assertFalse(self._actions(due))
        self.assertEqual(len(self._actions()), 1)

    def test_billing_user_validates_and_sends_the_waiting_follow_ups(self):
        self.company.dunning_send_enabled = False
        first, _invoice = self._overdue_customer("Validate Alpha", 500, 20, email="ap@alpha.example")
        second, _invoice = self._overdue_customer("Validate Beta", 700, 20, email="ap@beta.example")
        self._run(self.today)
        actions = self._actions()
        self.assertEqual(actions.partner_id, first | second)
        self.assertEqual(actions.mapped("state"), ["to_validate", "to_validate"])
        self.start_tour("/odoo", "account_dunning_validate_send_tour", login=self.accountant.login)
        self.assertEqual(actions.mapped("state"), ["done", "done"])
        for action in actions:
            self.assertTrue(action.mail_message_id, "the email of the follow-up is queued")
            self.assertEqual(action.mail_message_id.author_id, self.accountant.partner_id)

    @mute_logger("odoo.addons.base.models.ir_actions_report")  # wkhtmltopdf builds without patched Qt warn
    def test_billing_user_prints_the_letter_queue(self):
        self.company.partner_id.bank_ids.unlink()
        bank = self.env["res.bank"].create({"name": "Crédit Agricole", "bic": "AGRIFRPP"})
        self.env["res.partner.bank"].create(
            {"acc_number": VALID_IBAN, "partner_id": self.company.partner_id.id, "bank_id": bank.id}
        )
        # customers without email get a letter instead, queued as soon as the follow-up is sent
        first, _invoice = self._overdue_customer("Letter Alpha", 500, 20)
        second, _invoice = self._overdue_customer("Letter Beta", 700, 20)
        self._run(self.today)
        actions = self._actions()
        self.assertEqual(actions.partner_id, first | second)
        self.assertEqual(actions.mapped("letter_state"), ["to_print", "to_print"])
        # The nightly letters job renders the queue as real PDFs; printing then merges them. (In test mode a
        # report printed from the browser is rendered as HTML, which cannot be merged into one PDF.)
        self.env["account.dunning.action"].with_context(force_report_rendering=True)._cron_render_letters()
        pdfs = actions.letter_attachment_id
        self.assertEqual(len(pdfs), 2)
        self.start_tour("/odoo", "account_dunning_print_letters_tour", login=self.accountant.login)
        self.assertEqual(actions.mapped("letter_state"), ["printed", "printed"])
        self.assertEqual(actions.letter_attachment_id, pdfs, "printing keeps each letter's PDF")
        for action in actions:
            attachment = action.letter_attachment_id
            self.assertEqual((attachment.res_model, attachment.res_id), (action._name, action.id))
            self.assertTrue(attachment.raw.startswith(b"%PDF"))
        batch = self.env["ir.attachment"].search(
            [("create_uid", "=", self.accountant.id), ("mimetype", "=", "application/pdf")]
        )
        self.assertEqual(len(batch), 1, "one PDF with all the selected letters, opened in a new window")
        self.assertEqual(len(PdfFileReader(io.BytesIO(batch.raw)).pages), 2)

    def test_billing_user_records_a_dispute_and_a_promise_from_the_invoices(self):
        _partner, disputed = self._overdue_customer("Dispute Partner", 400, 10, email="ap@dispute.example")
        _partner, promised = self._overdue_customer("Promise Partner", 600, 10, email="ap@promise.example")
        self.start_tour("/odoo", "account_dunning_dispute_promise_tour", login=self.accountant.login)
        self.assertRecordValues(
            disputed,
            [
                {
                    "dunning_dispute": True,
                    "dunning_dispute_reason": "Goods damaged on delivery",
                    "dunning_dispute_date": self.today,
                    "dunning_promise_date": False,
                }
            ],
        )
        self.assertRecordValues(
            promised,
            [
                {
                    "dunning_dispute": False,
                    "dunning_promise_date": date(2099, 7, 15),
                    "dunning_promise_amount": 250.0,
                }
            ],
        )
        # both are left out of the next run
        result = self._run(self.today, preview=True)
        self.assertFalse([entry for entry in result["followups"] if entry["moves"] & (disputed | promised)])

    def test_billing_user_opens_the_analysis_pivot_and_the_kpis(self):
        # an invoice of the last day of last month, still open: in the analysis today and in the closing
        # receivables of last month, the latest month measured
        self._invoice(self.customer, 1500, self.today.replace(day=1) - timedelta(days=1))
        self.env["account.dunning.kpi"]._dunning_refresh(
            self.company, *self.env["account.dunning.kpi"]._dunning_default_range()
        )
        self.start_tour("/odoo", "account_dunning_reporting_tour", login=self.accountant.login)
