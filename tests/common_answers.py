import re
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from odoo import Command

from .common import DunningRunCommon
from .test_dunning_letters import VALID_IBAN

#: a 1x1 transparent PNG, a valid proof of payment
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000b49444154789c6360000200000500017a5e"
    "ab3f0000000049454e44ae426082"
)


class DunningAnswersCommon(DunningRunCommon):
    """Customers with sent follow-ups of today, their page links, and helpers to answer (issue 13)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = date.today()
        cls.company.partner_id.bank_ids.unlink()
        bank = cls.env["res.bank"].create({"name": "Crédit Agricole", "bic": "AGRIFRPP"})
        cls.env["res.partner.bank"].create(
            {"acc_number": VALID_IBAN, "partner_id": cls.company.partner_id.id, "bank_id": bank.id}
        )

    @classmethod
    def _overdue(cls, partner, amount, days):
        """A posted invoice of the customer due `days` days ago."""
        return cls._invoice(partner, amount, cls.today - timedelta(days=days))

    def _send_followup(self, partner):
        """Run today's follow-ups; returns the customer's follow-up, sent."""
        self._run(self.today)
        action = self._actions(partner)
        self.assertEqual(action.state, "done")
        return action

    @staticmethod
    def _path(access):
        return f"/followup/{access.token}"

    def _link(self, partner):
        return self.env["account.dunning.access"]._dunning_get_for(partner, self.company)[partner.id]

    @staticmethod
    def _csrf(html):
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def _post_form(self, access, action, data, files=None, csrf=True):
        """Post a form of the customer's page as its browser does (the CSRF token of the page it opened)."""
        page = self.url_open(self._path(access))
        self.assertEqual(page.status_code, 200)
        payload = [("csrf_token", self._csrf(page.text))] if csrf else []
        for key, value in data.items():
            payload += [(key, item) for item in value] if isinstance(value, list) else [(key, value)]
        return self.url_open(f"{self._path(access)}/{action}", data=payload, files=files, allow_redirects=False)

    def _reply(self, action, body="We paid last week, see the attached transfer.", subject=None, headers=None):
        """An email answering the follow-up's email, through Odoo's mail gateway."""
        message = EmailMessage()
        message["From"] = f"Compta Dupont <{action.email_to or 'compta@dupont.example'}>"
        message["To"] = "catchall@dunning.example"
        message["Subject"] = subject or f"Re: {action.mail_message_id.subject or action.name}"
        message["Message-Id"] = make_msgid(domain="dupont.example")
        message["In-Reply-To"] = action.mail_message_id.message_id
        message["References"] = action.mail_message_id.message_id
        for name, value in (headers or {}).items():
            message[name] = value
        message.set_content(body)
        return self.env["mail.thread"].message_process(None, message.as_bytes())

    @classmethod
    def _portal_user(cls, partner, login):
        user = cls.env["res.users"].create(
            {
                "name": f"{partner.name} portal",
                "login": login,
                "password": login,
                "partner_id": cls.env["res.partner"].create({"name": "Paul Portail", "parent_id": partner.id}).id,
                "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
            }
        )
        return user
