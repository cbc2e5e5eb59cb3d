import logging
import re

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.security import BILLING, check_billing

_logger = logging.getLogger(__name__)

#: subjects of automatic replies (out of office, vacation), in English and French
AUTO_REPLY_SUBJECT = re.compile(
    r"(out of (the )?office|automatic reply|auto(matic)?[- ]?reply|autoreply|auto[- ]?response|away from|"
    r"on vacation|on holiday|absence|absent du bureau|r[ée]ponse automatique|message automatique|en cong[ée])",
    re.IGNORECASE,
)


class AccountDunningAction(models.Model):
    _inherit = "account.dunning.action"  # pylint: disable=consider-merging-classes-inherited

    # The customer answers back (issue 13): the link to the customer's page carried by every reminder, and the
    # replies and bounces that come back to the follow-up through Odoo's mail gateway.
    access_id = fields.Many2one(
        "account.dunning.access", string="Page Link", readonly=True, copy=False, index="btree_not_null"
    )
    dunning_page_url = fields.Char(
        string="Follow-up Page",
        compute="_compute_dunning_page_url",
        groups=BILLING,
        help="Link to the customer's follow-up page, carried by the email, the SMS and the letter.",
    )
    answer_ids = fields.One2many("account.dunning.answer", "action_id", string="Customer Answers", readonly=True)
    answer_count = fields.Integer(compute="_compute_answer_state", string="Answers")
    awaiting_answer = fields.Boolean(
        compute="_compute_answer_state", help="The customer replied to this follow-up and waits for our answer."
    )

    @api.depends("access_id")
    def _compute_dunning_page_url(self):
        for action in self:
            # sudo: the link's token is for billing users, but every email template of the follow-up carries it
            action.dunning_page_url = action.access_id.sudo().url or False

    @api.depends("answer_ids.state", "answer_ids.kind")
    def _compute_answer_state(self):
        for action in self:
            action.answer_count = len(action.answer_ids)
            action.awaiting_answer = any(
                answer.kind == "reply" and answer.state == "open" for answer in action.answer_ids
            )

    def _dunning_ensure_page_access(self):
        """Give each follow-up about to be sent its customer's page link (made per batch: one search, one create)."""
        for company, actions in self.grouped("company_id").items():
            links = self.env["account.dunning.access"]._dunning_get_for(actions.partner_id, company)
            changes = {}
            for action in actions:
                access = links[action.partner_id.commercial_partner_id.id]
                if action.access_id != access:
                    changes[action.id] = access.id
            # one query for the batch (each follow-up gets its own customer's link)
            self.env["account.dunning.run"]._write_per_record(actions, "access_id", changes)
        # the emails are rendered right after: their invoice table shows the link
        self.invalidate_recordset(["dunning_invoice_table", "dunning_page_url"])

    def _dunning_page_url(self):
        """The customer's page link: the follow-up's own while valid, else a valid one of the customer."""
        self.ensure_one()
        if self.access_id.sudo().state == "valid":
            return self.access_id.sudo().url
        links = self.env["account.dunning.access"]._dunning_get_for(self.partner_id, self.company_id)
        return links[self.partner_id.commercial_partner_id.id].url

    def _get_payment_url(self):
        """The SMS and the letter (its text and its QR code when no SEPA code applies) carry the customer's page
        link: the customer pays there, or says it paid, promises or disputes."""
        self.ensure_one()
        return self._dunning_page_url()

    def _dunning_page_link_html(self):
        """The end of the emails' invoices table: the one link to the customer's follow-up page (if any)."""
        # sudo: the link is part of the email the billing user (or the daily job) sends
        url = self.sudo().dunning_page_url
        if not url:
            return Markup()
        return Markup('<p class="o_dunning_page_link">{} <a href="{}">{}</a></p>').format(
            self.env._("Pay online, tell us you have paid, promise a date or dispute an invoice on your page:"),
            url,
            url,
        )

    def action_mark_replies_handled(self):
        """The customer's replies to this follow-up got our answer: follow-ups may go on."""
        check_billing(self.env)
        replies = self.answer_ids.filtered(lambda answer: answer.kind == "reply" and answer.state == "open")
        if not replies:
            raise UserError(self.env._("No reply of the customer waits for an answer on these follow-ups."))
        return replies.action_mark_handled()

    def action_view_answers(self):
        """Answers of the customer to this follow-up."""
        self.env["account.dunning.answer"].check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("account_dunning.account_dunning_answer_action")
        action["domain"] = [("action_id", "in", self.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Mail gateway: replies and bounces
    # ------------------------------------------------------------------
    def _message_post_after_hook(self, message, msg_vals):
        """An email the gateway routed to the follow-up (a reply to it) is the customer's answer."""
        result = super()._message_post_after_hook(message, msg_vals)
        reply = self.env.context.get("dunning_gateway_reply")
        if reply and len(self) == 1 and message.message_type == "email":
            self._dunning_receive_reply(message, automatic=reply == "auto")
        return result

    def _dunning_receive_reply(self, message, automatic):
        """A real reply pauses the customer's follow-ups until it is handled and tells the responsible; an
        automatic reply (out of office) is only noted."""
        self.ensure_one()
        if automatic:
            self._message_log(body=self.env._("Automatic reply (out of office): the follow-ups go on."))
            return
        note = self.env._(
            "The customer replied to this follow-up (%(email)s): no new follow-up until the reply is marked handled "
            "or the company's pause after a reply has passed.",
            email=message.email_from or "",
        )
        self.env["account.dunning.answer"]._dunning_record(
            {
                "kind": "reply",
                "channel": "email",
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "action_id": self.id,
                "move_ids": [fields.Command.set(self.move_ids.ids)],
                "message_id": message.id,
                "email_from": message.email_from,
                "comment": (message.subject or "")[:500],
            },
            note,
            self.env._("Answer the reply of %(customer)s", customer=self.partner_id.name),
        )

    def _message_receive_bounce(self, email, partner):
        """A hard bounce of the accounting email marks it invalid and tells the responsible: the next follow-up
        goes to the invoice address's email, else by letter. Soft bounces (mailbox full, delays) change nothing."""
        result = super()._message_receive_bounce(email, partner)
        if self.env.context.get("dunning_soft_bounce"):
            return result
        for action in self:
            if action.partner_id._dunning_mark_email_bounced(email):
                action._dunning_tell_bounce(email)
            else:
                action._message_log(body=self.env._("The email to %(email)s bounced.", email=email))
        return result

    def _dunning_tell_bounce(self, email):
        """Note the bounce on the follow-up and give the responsible a task to correct the address."""
        self.ensure_one()
        note = self.env._(
            "The accounting email %(email)s bounced: it is marked invalid. The next follow-up goes to the invoice "
            "address's email, else by letter. Correct the customer's accounting email.",
            email=email,
        )
        self._message_log(body=note)
        try:
            owner = self._get_task_owner()
        except UserError:
            owner = self.company_id._dunning_manager()
        if owner:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(self),
                summary=self.env._("Accounting email bounced: %(customer)s", customer=self.partner_id.name),
                note=Markup("<p>{}</p>").format(note),
                user_id=owner.id,
            )

    @api.model
    def _dunning_is_auto_reply(self, message, message_dict):
        """An automatic reply: Auto-Submitted (other than 'no'), X-Autoreply / X-Autorespond, Precedence bulk,
        junk, list or auto_reply, or a typical out-of-office subject."""
        auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
        precedence = (message.get("Precedence") or "").strip().lower()
        return bool(
            auto_submitted != "no"
            or message.get("X-Autoreply")
            or message.get("X-Autorespond")
            or message.get("X-Autogenerated")
            or precedence in ("bulk", "junk", "list", "auto_reply")
            or AUTO_REPLY_SUBJECT.search(message_dict.get("subject") or "")
        )
