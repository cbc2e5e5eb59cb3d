from odoo import models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _generate_template(self, res_ids, render_fields, find_or_create_partners=False):
        """Follow-up emails are answered into their follow-up: without a Reply-To of their own, they get the one
        Odoo gives a document's thread (the company's catchall address when its alias domain has one), so that a
        customer's reply comes back through the mail gateway instead of to the sender's mailbox only."""
        results = super()._generate_template(res_ids, render_fields, find_or_create_partners=find_or_create_partners)
        if self.model != "account.dunning.action" or "reply_to" not in render_fields:
            return results
        missing = [res_id for res_id in res_ids if not results.get(res_id, {}).get("reply_to")]
        if missing:
            # sudo: the reply-to of a follow-up's thread, whoever sends it
            reply_to = self.env["account.dunning.action"].browse(missing).sudo()._notify_get_reply_to(default=False)
            for res_id in missing:
                if reply_to.get(res_id):
                    results[res_id]["reply_to"] = reply_to[res_id]
        return results
