from datetime import timedelta
from email.utils import make_msgid

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_answers import DunningAnswersCommon


@tagged("post_install", "-at_install")
class TestDunningAnswersReplies(DunningAnswersCommon):
    """Replies to a follow-up email come back through Odoo's mail gateway into the follow-up's chatter and hold the
    customer back until handled; automatic replies and soft bounces change nothing; a hard bounce of the accounting
    email sends the next follow-up elsewhere (issue 13)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.dunning_email = "compta@dupont.example"  # the accounting contact, also its own email
        cls.invoice = cls._overdue(cls.customer, 1000, 20)

    def setUp(self):
        super().setUp()
        # its first reminder, 16 days ago: today the second one is due (past the level's interval)
        self._run(self.today - timedelta(days=16))
        self.action = self._actions(self.customer)
        self.assertEqual(self.action.state, "done")

    def _skip_reason(self, run_date):
        result = self._run(run_date, preview=True)
        return {entry["partner"]: entry.get("reason") for entry in result["skipped"] + result["followups"]}.get(
            self.customer
        )

    def test_reply_lands_on_the_follow_up_and_holds_the_customer_back(self):
        self.assertFalse(self._skip_reason(self.today), "without a reply the next reminder goes today")
        self._reply(self.action, body="The goods were returned, please call me.")
        reply = self.action.message_ids.filtered(lambda message: message.message_type == "email")[:1]
        self.assertIn("The goods were returned", reply.body)
        answer = self.action.answer_ids
        self.assertRecordValues(
            answer, [{"kind": "reply", "channel": "email", "state": "open", "message_id": reply.id}]
        )
        self.assertTrue(self.action.awaiting_answer)
        self.assertTrue(self.customer.with_company(self.company).dunning_awaiting_answer)
        task = self.action.activity_ids
        self.assertEqual((task.user_id, len(task)), (self.collector, 1), "the responsible is told")
        # the run leaves the customer out and says why, in the preview too
        self.assertEqual(self._skip_reason(self.today), "awaiting_answer")
        wizard = (
            self.env["account.dunning.run.wizard"]
            .with_user(self.collector)
            .create({"company_id": self.company.id, "date": self.today})
        )
        wizard.action_preview()
        line = wizard.line_ids.filtered(lambda line: line.partner_id == self.customer)
        self.assertIn("awaiting our answer", line.skip_reason)
        # the accountant answers and marks the reply handled: the chase goes on
        self.action.with_user(self.collector).action_mark_replies_handled()
        self.assertEqual(answer.state, "handled")
        self.assertEqual(answer.handled_uid, self.collector)
        self.assertFalse(self.action.activity_ids, "its task is done")
        self.assertFalse(self._skip_reason(self.today))

    def test_reply_pause_ends_after_the_company_days(self):
        self.company.dunning_reply_pause_days = 7
        self._reply(self.action)
        # a reply today holds the customer back 7 days: from the 7th day on, it is followed up again
        self.assertEqual(self._skip_reason(self.today + timedelta(days=6)), "awaiting_answer")
        self.assertNotEqual(self._skip_reason(self.today + timedelta(days=7)), "awaiting_answer")

    def test_marking_the_task_done_in_the_chatter_handles_the_reply(self):
        self._reply(self.action)
        self.action.activity_ids.with_user(self.collector).action_feedback(feedback="Called them back")
        self.assertEqual(self.action.answer_ids.state, "handled")
        self.assertFalse(self.action.awaiting_answer)

    def test_automatic_replies_do_not_hold_the_customer_back(self):
        cases = [
            ({"Auto-Submitted": "auto-replied"}, "Re: your reminder"),
            ({"X-Autoreply": "yes"}, "Re: your reminder"),
            ({"Precedence": "auto_reply"}, "Re: your reminder"),
            ({}, "Réponse automatique : absent du bureau"),
            ({}, "Out of Office: back on Monday"),
        ]
        for headers, subject in cases:
            with self.subTest(subject=subject, headers=headers):
                self._reply(self.action, body="I am away until Monday.", subject=subject, headers=headers)
        self.assertFalse(self.action.answer_ids)
        self.assertFalse(self.action.activity_ids)
        self.assertIn("Automatic reply", self.action.message_ids[0].body, "noted on the follow-up")
        self.assertFalse(self._skip_reason(self.today))

    def _bounce(self, action, status="5.1.1", dsn_action="failed"):
        """A delivery status notification (RFC 3464) for the follow-up's email, as mail servers send them."""
        raw = f"""From: MAILER-DAEMON@mail.dupont.example
To: bounce@dunning.example
Subject: Undelivered Mail Returned to Sender
Message-Id: {make_msgid(domain="mail.dupont.example")}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="DSN-BOUNDARY"

--DSN-BOUNDARY
Content-Type: text/plain

This is the mail system: your message could not be delivered.

--DSN-BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.dupont.example

Final-Recipient: rfc822; {action.email_to}
Action: {dsn_action}
Status: {status}

--DSN-BOUNDARY
Content-Type: message/rfc822

Message-Id: {action.mail_message_id.message_id}
To: {action.email_to}
Subject: Payment reminder

reminder
--DSN-BOUNDARY--
"""
        return self.env["mail.thread"].message_process(None, raw.encode())

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_hard_bounce_of_the_accounting_email_falls_back_to_invoice_address_or_letter(self):
        self.assertEqual(self.action.email_to, "compta@dupont.example")
        self._bounce(self.action, status="4.2.2", dsn_action="delayed")
        self.assertFalse(self.customer.dunning_email_invalid, "a full mailbox is no wrong address")
        self._bounce(self.action)
        self.assertTrue(self.customer.dunning_email_invalid)
        self.assertFalse(self.action.answer_ids, "a bounce is no answer of the customer")
        self.assertIn("bounced", self.action.message_ids[0].body)
        self.assertEqual(self.action.activity_ids.user_id, self.collector, "the responsible is told")
        # the next follow-up goes to the invoice address's email, else by letter
        self.assertFalse(self.customer._dunning_get_recipient_email(), "no other address: a letter")
        self.env["res.partner"].create(
            {"name": "Invoices", "type": "invoice", "parent_id": self.customer.id, "email": "invoices@dupont.example"}
        )
        self.assertEqual(self.customer._dunning_get_recipient_email(), "invoices@dupont.example")
        # correcting the accounting email makes it the recipient again
        self.customer.dunning_email = "payables@dupont.example"
        self.assertFalse(self.customer.dunning_email_invalid)
        self.assertEqual(self.customer._dunning_get_recipient_email(), "payables@dupont.example")

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_next_follow_up_of_a_bounced_customer_is_a_letter(self):
        bounced = self._create_customer("Rebond SA", dunning_email="ap@rebond.example")
        self._overdue(bounced, 500, 40)
        self._run(self.today - timedelta(days=16))  # its first reminder, 16 days ago (past the level interval)
        first = self._actions(bounced)
        self.assertEqual((first.state, first.channel_email), ("done", True))
        self._bounce(first)
        self._run(self.today)
        second = self._actions(bounced) - first
        self.assertEqual(second.level_id, self.levels[1])
        self.assertRecordValues(second, [{"channel_email": False, "channel_letter": True, "letter_fallback": True}])
