from datetime import timedelta

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common_answers import DunningAnswersCommon


@tagged("post_install", "-at_install")
class TestDunningAnswersTours(DunningAnswersCommon, HttpCase):
    """The customer's page and the accountant's handling of the answers, in a real browser (issue 13)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="answers_accountant",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            tz="UTC",
        )

    def test_customer_answers_on_its_page(self):
        customer = self._create_customer("Tour Customer", dunning_email="ap@tour.example")
        oldest = self._overdue(customer, 1000, 30)
        middle = self._overdue(customer, 400, 20)
        recent = self._overdue(customer, 250, 10)
        action = self._send_followup(customer)
        # a public visitor (no login) opens the link of its reminder
        self.start_tour(f"/followup/{action.access_id.token}", "account_dunning_customer_page_tour")
        self.assertRecordValues(
            oldest | middle | recent,
            [
                {
                    "dunning_pause_until": self.today + timedelta(days=5),
                    "dunning_promise_date": False,
                    "dunning_dispute": False,
                },
                {
                    "dunning_pause_until": False,
                    "dunning_promise_date": self.today + timedelta(days=30),
                    "dunning_dispute": False,
                },
                {"dunning_pause_until": False, "dunning_promise_date": False, "dunning_dispute": True},
            ],
        )
        self.assertEqual(recent.dunning_dispute_reason, "Quality problem: Two screens arrived broken")
        answers = action.answer_ids.sorted("id")
        self.assertEqual(answers.mapped("kind"), ["paid", "promise", "dispute"])
        self.assertEqual(answers[0].amount, 1000.0)
        self.assertEqual(answers[0].payment_reference, "VIR-2024-117")
        self.assertEqual(len(action.activity_ids), 3, "one task per answer for the collections responsible")
        self.assertEqual(action.activity_ids.user_id, self.collector)

    def test_accountant_handles_the_reply_and_the_dispute(self):
        customer = self._create_customer("Answer Partner", dunning_email="ap@answer.example")
        invoice = self._overdue(customer, 900, 20)
        disputed = self._overdue(customer, 300, 15)
        action = self._send_followup(customer)
        self._reply(action, body="Please send us a credit note for the second invoice.")
        reason = self.env.ref("account_dunning.dispute_reason_price")
        action.access_id._dunning_dispute([disputed.id], reason.id, "Agreed price was 250", None)
        self.assertTrue(action.awaiting_answer)
        self.start_tour("/odoo", "account_dunning_answer_accountant_tour", login=self.accountant.login)
        self.assertFalse(action.awaiting_answer)
        self.assertEqual(action.answer_ids.mapped("state"), ["handled", "handled"])
        self.assertEqual(action.answer_ids.handled_uid, self.accountant)
        self.assertFalse(disputed.dunning_dispute, "resolved: followed up again")
        self.assertFalse(invoice.dunning_dispute)
        self.assertFalse(action.activity_ids, "both tasks are done")


@tagged("post_install", "-at_install", "-standard", "dunning_pay")
class TestDunningAnswersPayTour(DunningAnswersCommon, HttpCase):
    """Pay now with Odoo's demo payment provider (payment_demo, installed by the apps phase of scripts/test.sh; the
    module does not depend on it)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.env["ir.module.module"]._get("payment_demo").state != "installed":
            cls.skipTest(cls, "payment_demo is not installed")
        # sudo: the demo provider of the main company is copied to the test company, as payment tests do
        providers = cls.env["payment.provider"].sudo()
        provider = providers.search([("code", "=", "demo"), ("company_id", "=", cls.company.id)], limit=1)
        provider = provider or cls.env.ref("payment.payment_provider_demo").sudo().copy({"company_id": cls.company.id})
        provider.write({"state": "test", "is_published": True})
        cls.provider = provider

    def test_customer_pays_online_from_its_page(self):
        customer = self._create_customer("Pay Customer", email="ap@pay.example")
        oldest = self._overdue(customer, 1000, 20)
        other = self._overdue(customer, 300, 10)
        action = self._send_followup(customer)
        self.start_tour(f"/followup/{action.access_id.token}", "account_dunning_customer_pay_tour")
        # Odoo's payment flow confirmed, recorded and reconciled the payment of the selected invoice only
        self.assertEqual(oldest.payment_state, "paid")
        self.assertEqual(other.payment_state, "not_paid")
        transaction = oldest.transaction_ids
        self.assertRecordValues(
            transaction, [{"state": "done", "amount": 1000.0, "dunning_access_id": action.access_id.id}]
        )
        self.assertTrue(transaction.payment_id)
        answer = action.answer_ids
        self.assertRecordValues(answer, [{"kind": "online", "transaction_id": transaction.id, "amount": 1000.0}])
        self.assertEqual(answer.activity_id.user_id, self.collector)
        # the chase stops for the paid invoice (the payment also refreshed the customer's tolerance: paid 20 days
        # late, it now gets 20 days; 40 days on, the other invoice is 50 days late, 30 beyond the tolerance)
        later = self._run(self.today + timedelta(days=40), preview=True)["followups"]
        self.assertEqual([entry["moves"] for entry in later], [other])

    def test_a_failed_online_payment_is_not_thanked(self):
        customer = self._create_customer("Cancel Customer", email="ap@cancel.example")
        invoice = self._overdue(customer, 500, 20)
        action = self._send_followup(customer)
        # sudo: a transaction made as the payment form would, then cancelled by the customer at the provider
        self.env["payment.transaction"].sudo().create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.provider.payment_method_ids[:1].id,
                "amount": 500.0,
                "currency_id": invoice.currency_id.id,
                "partner_id": customer.id,
                "invoice_ids": [(6, 0, invoice.ids)],
                "dunning_access_id": action.access_id.id,
                "state": "cancel",
            }
        )
        page = self.url_open(f"/followup/{action.access_id.token}?done=online").text
        self.assertIn("was not completed", page)
        self.assertNotIn("Thank you for your payment", page)
