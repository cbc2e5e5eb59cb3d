import odoo
from odoo.tests import tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestDunningRunChatter(DunningRunCommon):
    """The run writes the follow-ups' chatter in batch with the same content as Odoo's record-by-record mail thread
    (creation note, email, sent note, state tracking, followers), without an "assigned to you" notification, and in
    a few queries per customer."""

    def _customers(self, count, prefix):
        partners = self.env["res.partner"]
        for index in range(count):
            partner = self._create_customer(f"{prefix} {index}", email=f"ap{index}@{prefix.lower()}.example")
            partner.with_company(self.company).dunning_responsible_id = self.collector
            self._invoice(partner, 100 + index, "2025-01-01")
            partners |= partner
        return partners

    def _notifications(self):
        return self.env["mail.message"].search(
            [("model", "=", "account.dunning.action"), ("message_type", "=", "user_notification")]
        )

    def test_chatter_of_a_follow_up_made_by_the_run(self):
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        self.customer.with_company(self.company).dunning_responsible_id = self.collector
        self._run("2025-01-05")
        self.env.cr.precommit.run()  # what the commit does: Odoo's own tracking, if any was left to it
        action = self._actions(self.customer)
        messages = action.message_ids.sorted("id")
        self.assertEqual(
            [(message.message_type, message.subtype_id.name) for message in messages],
            [("notification", "Note"), ("email_outgoing", False), ("notification", "Note"), ("notification", "Note")],
        )
        created, email, sent, tracking = messages
        self.assertEqual(str(created.body), "<p>Customer Follow-up created</p>")
        self.assertEqual(email, action.mail_message_id)
        self.assertEqual(str(sent.body), f"<p>Follow-up {action.name} sent: {self.levels[0].name}.</p>")
        self.assertEqual(
            [
                (value.field_id.name, value.old_value_char, value.new_value_char)
                for value in tracking.tracking_value_ids
            ],
            [("state", "To validate", "Done")],
        )
        self.assertEqual(set(messages.author_id.ids), {self.env.user.partner_id.id})
        self.assertEqual(
            action.message_partner_ids,
            self.env.user.partner_id | self.collector.partner_id,
            "the user who ran it and the responsible follow, as on any record created",
        )
        self.assertFalse(self._notifications(), "no 'assigned to you' notification")
        self.assertIn(f"Follow-up {action.name} sent", invoice.message_ids[0].body)

    def test_call_and_letter_tracked_in_one_message_without_notification(self):
        self.levels[0].write({"channel_phone": True, "channel_letter": True})
        self.customer.with_company(self.company).dunning_responsible_id = self.collector
        self._invoice(self.customer, 100, "2025-01-01")
        mails_before = self.env["mail.mail"].search_count([])
        self._run("2025-01-05")
        self.env.cr.precommit.run()
        action = self._actions(self.customer)
        tracking = action.message_ids.filtered("tracking_value_ids")
        self.assertEqual(len(tracking), 1)
        self.assertEqual(
            sorted((value.field_id.name, value.new_value_char) for value in tracking.tracking_value_ids),
            [("letter_state", "To print"), ("state", "Done")],
        )
        self.assertEqual(action.activity_id.user_id, self.collector)
        self.assertEqual(self.env["mail.mail"].search_count([]) - mails_before, 1, "the customer's email only")
        self.assertFalse(self._notifications())

    def test_queries_per_customer_followed_up(self):
        self._customers(3, "Warm")
        self._run("2025-01-05")  # caches warm
        self._customers(5, "Small")
        before = odoo.sql_db.sql_counter
        self._run("2025-01-05")
        small = odoo.sql_db.sql_counter - before
        self._customers(15, "Large")
        before = odoo.sql_db.sql_counter
        result = self._run("2025-01-05")
        large = odoo.sql_db.sql_counter - before
        self.assertEqual(len(result["followups"]), 15)
        # the run's queries grow by at most 3 per customer followed up (hand-counted: one batch either way)
        self.assertLessEqual(large - small, 3 * 10, f"{small} queries for 5 customers, {large} for 15")

    def test_emails_are_the_ones_odoo_would_queue(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-01-05")
        action = self._actions(self.customer)
        fast = self.env["mail.mail"].search([("mail_message_id", "=", action.mail_message_id.id)])
        self.assertEqual(len(fast), 1)
        # the same email queued by Odoo's own template sending, for comparison
        template = action.level_id.mail_template_id
        odoo_mail = self.env["mail.mail"].browse(
            template.send_mail(action.id, force_send=False, email_values={"recipient_ids": []})
        )
        for fname in (
            "subject",
            "body",
            "body_html",
            "email_from",
            "reply_to",
            "email_to",
            "email_cc",
            "model",
            "res_id",
            "record_name",
            "author_id",
            "message_type",
            "subtype_id",
            "is_internal",
            "mail_server_id",
            "state",
            "auto_delete",
            "is_notification",
            "recipient_ids",
            "attachment_ids",
            "scheduled_date",
            "record_company_id",
            "record_alias_domain_id",
            "email_add_signature",
        ):
            self.assertEqual(fast[fname], odoo_mail[fname], fname)
        self.assertNotEqual(fast.message_id, odoo_mail.message_id, "each email its own Message-ID")
        self.assertIn(f"-{action._name}@", fast.message_id, "a thread Message-ID: replies come back to the follow-up")
