from odoo import api, fields, models
from odoo.tools import email_normalize

from ..tools.security import READERS, check_billing

#: follow-up settings of this file that billing users (only) may change, and that belong to the commercial entity
#: like the accounting email itself (res.partner._dunning_billing_fields() and _commercial_fields())
DUNNING_ANSWER_PARTNER_FIELDS = ("dunning_email_invalid",)


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # The customer answers back (issue 13): bounced accounting emails, replies waiting for our answer, page links.
    dunning_email_invalid = fields.Boolean(
        string="Accounting Email Bounced",
        groups=READERS,
        help="The accounting contact email bounced for good: follow-ups go to the invoice address's email, else "
        "by letter, until the address is corrected (changing it clears this flag).",
    )
    dunning_awaiting_answer = fields.Boolean(
        string="Awaiting Our Answer",
        compute="_compute_dunning_awaiting_answer",
        groups=READERS,
        help="The customer replied to a follow-up in the current company: no new follow-up until the reply is "
        "marked handled or the company's pause after a reply has passed.",
    )
    dunning_answer_count = fields.Integer(
        string="Customer Answers", compute="_compute_dunning_awaiting_answer", groups=READERS
    )

    @api.depends_context("company", "date")
    def _compute_dunning_awaiting_answer(self):
        company = self.env.company
        commercials = self.commercial_partner_id
        answers = self.env["account.dunning.answer"]
        awaiting = answers._dunning_awaiting_partner_ids(company, fields.Date.context_today(self), commercials)
        counts = dict(
            answers._read_group(
                [("partner_id", "in", commercials.ids), ("company_id", "=", company.id)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.dunning_awaiting_answer = commercial.id in awaiting
            partner.dunning_answer_count = counts.get(commercial._origin, 0)

    def _dunning_bounces_corrected(self, vals):
        """The customers whose bounced accounting email this write corrects (write() then clears their flag), unless
        the same write sets the flag itself."""
        if "dunning_email" not in vals or "dunning_email_invalid" in vals:
            return self.browse()
        new_email = email_normalize(vals["dunning_email"] or "")
        # sudo: the flag is read to clear it; whether the user may change the email is checked by the write
        return self.sudo().filtered(
            lambda partner: partner.dunning_email_invalid and email_normalize(partner.dunning_email or "") != new_email
        )

    def _dunning_mark_email_bounced(self, email):
        """A hard bounce of the accounting email: the address is marked invalid. Returns whether it was that one."""
        self.ensure_one()
        commercial = self.commercial_partner_id
        if not commercial.dunning_email or email_normalize(commercial.dunning_email) != email_normalize(email or ""):
            return False
        # sudo: the bounce comes from the mail gateway; the flag is the module's bookkeeping
        commercial.sudo().dunning_email_invalid = True
        return True

    def action_dunning_page_link(self):
        """Show (and make when needed) the customer's follow-up page link in the current company, to send it by
        hand or open the page as the customer sees it."""
        self.ensure_one()
        check_billing(self.env)
        access = self.env["account.dunning.access"]._dunning_get_for(self, self.env.company)[
            self.commercial_partner_id.id
        ]
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.dunning.access",
            "res_id": access.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Follow-up Page Link"),
        }

    def action_view_dunning_answers(self):
        """Answers of this customer to its follow-ups."""
        self.env["account.dunning.answer"].check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("account_dunning.account_dunning_answer_action")
        action["domain"] = [("partner_id", "in", self.commercial_partner_id.ids)]
        action["context"] = {"create": False}
        return action
