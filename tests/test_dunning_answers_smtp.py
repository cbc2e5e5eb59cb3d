import re
import socket
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid
from unittest.mock import patch

from aiosmtpd.controller import Controller

import odoo
from odoo.tests import HttpCase, tagged

from .common_answers import DunningAnswersCommon


class _Inbox:
    """aiosmtpd handler keeping every message the SMTP server accepts, with its envelope."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "message": message_from_bytes(envelope.original_content or envelope.content, policy=policy.default),
            }
        )
        return "250 Message accepted for delivery"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestDunningAnswersSmtp(DunningAnswersCommon, HttpCase):
    """The whole email path on a real SMTP server (aiosmtpd on a free local port): the daily run queues the
    follow-ups, Odoo's mail cron sends them through an ir.mail_server pointing at it, the test reads what the
    server received; then a reply is fed back through Odoo's mail gateway (issue 13).

    Odoo never opens an SMTP connection while a test runs (a guard on the module of the running test): the test
    lifts that guard around the mail cron only, so that Odoo's own SMTP client delivers the messages.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inbox = _Inbox()
        cls.smtp = Controller(cls.inbox, hostname="127.0.0.1", port=_free_port())
        cls.smtp.start()
        cls.addClassCleanup(cls.smtp.stop)
        cls.env["ir.mail_server"].search([]).active = False
        cls.env["ir.mail_server"].create(
            {
                "name": "Test SMTP",
                "smtp_host": "127.0.0.1",
                "smtp_port": cls.smtp.port,
                "smtp_encryption": "none",
                "from_filter": "dunning.example",  # the server sends for the company's domain: From is kept
            }
        )
        # replies reach Odoo through the company's catchall address (its alias domain)
        alias_domain = cls.env["mail.alias.domain"].create(
            {"name": "dunning.example", "bounce_alias": "bounce", "catchall_alias": "catchall"}
        )
        cls.company.alias_domain_id = alias_domain
        cls.collector.email = "claire@dunning.example"
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["account_dunning"], ["fr_FR"], overwrite=True)
        # a French good payer whose first level attaches the invoices, an English occasional late payer
        cls.levels[0].attach_invoices = True
        cls.customer.write(
            {"lang": "fr_FR", "dunning_email": "compta@dupont.example", "email": "achats@dupont.example"}
        )
        cls.french_invoice = cls._overdue(cls.customer, 1200, 3)
        cls.english = cls._create_customer("Smith Ltd", segment="occasional", lang="en_US")
        cls.english.dunning_email = "ap@smith.example"
        cls.english_invoice = cls._overdue(cls.english, 400, 3)

    def _send_queue(self):
        """Odoo's mail cron, with the test guard lifted: the queued emails go to the local SMTP server."""
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action")
        with patch.object(odoo.modules.module, "current_test", None):
            cron.method_direct_trigger()

    def _received(self, address):
        found = [item for item in self.inbox.messages if address in item["rcpt_tos"]]
        self.assertEqual(len(found), 1, f"one message to {address}")
        return found[0]

    @staticmethod
    def _html(message):
        return message.get_body(preferencelist=("html",)).get_content()

    def test_follow_up_emails_go_out_and_replies_come_back(self):
        self.env["account.dunning.run"]._cron_run_followups()
        french, english = self._actions(self.customer), self._actions(self.english)
        self.assertEqual((french.state, english.state), ("done", "done"))
        self._send_queue()
        self.assertEqual(
            self.env["mail.mail"].search([("res_id", "in", (french | english).ids)]).mapped("state"), ["sent", "sent"]
        )

        received = self._received("compta@dupont.example")
        message = received["message"]
        self.assertEqual(received["mail_from"], "bounce@dunning.example", "bounces come back to the alias domain")
        self.assertEqual([address for _name, address in getaddresses([message["To"]])], ["compta@dupont.example"])
        self.assertIn("claire@dunning.example", message["From"], "from the collections responsible")
        self.assertIn("catchall@dunning.example", message["Reply-To"], "replies go to Odoo's catchall")
        self.assertEqual(message["Message-ID"], french.mail_message_id.message_id)
        self.assertIn("Relance de paiement", message["Subject"], "in the customer's language")
        html = self._html(message)
        self.assertIn(self.french_invoice.name, html)
        attachments = [part.get_filename() for part in message.iter_attachments()]
        self.assertEqual(len(attachments), 1, "the level attaches the invoices")
        self.assertIn(self.french_invoice.name.replace("/", "_"), attachments[0])

        link = re.search(r'href="(https?://[^"]+/followup/[^"]+)"', html).group(1)
        self.assertEqual(link, french.access_id.url, "one link to the customer's follow-up page")
        page = self.url_open("/followup/" + link.split("/followup/", 1)[1])
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.french_invoice.name, page.text)

        english_message = self._received("ap@smith.example")["message"]
        self.assertIn("Payment reminder", english_message["Subject"])
        self.assertFalse(list(english_message.iter_attachments()), "its level attaches nothing")
        self.assertNotIn(self.french_invoice.name, self._html(english_message))

        # the French customer replies to the email it received; the English one is away (automatic reply)
        self.env["mail.thread"].message_process(None, self._reply_to(message, "compta@dupont.example").as_bytes())
        out_of_office = self._reply_to(english_message, "ap@smith.example", subject="Automatic reply: out of office")
        out_of_office["Auto-Submitted"] = "auto-replied"
        self.env["mail.thread"].message_process(None, out_of_office.as_bytes())
        self.assertIn("Nous avons payé hier", french.message_ids.filtered(lambda m: m.message_type == "email")[:1].body)
        self.assertRecordValues(french.answer_ids, [{"kind": "reply", "state": "open"}])
        self.assertFalse(english.answer_ids)
        later = self._run(self.today + timedelta(days=6), preview=True)
        reasons = {entry["partner"]: entry.get("reason") for entry in later["skipped"] + later["followups"]}
        self.assertEqual(reasons[self.customer], "awaiting_answer")
        self.assertNotEqual(reasons.get(self.english), "awaiting_answer")
        self.assertFalse(self.english.with_company(self.company).dunning_awaiting_answer, "out of office: no pause")
        self.assertTrue(self.customer.with_company(self.company).dunning_awaiting_answer)

    @staticmethod
    def _reply_to(received, sender, subject=None):
        """The customer's reply to a received email, threaded on its Message-ID as mail clients do."""
        reply = EmailMessage()
        reply["From"] = sender
        reply["To"] = received["Reply-To"]
        reply["Subject"] = subject or f"RE: {received['Subject']}"
        reply["Message-ID"] = make_msgid(domain=sender.split("@")[1])
        reply["In-Reply-To"] = received["Message-ID"]
        reply["References"] = received["Message-ID"]
        reply.set_content("Nous avons payé hier par virement.\n\n> " + received["Subject"])
        return reply
