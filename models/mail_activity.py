from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """Marking done the task of a customer's answer (e.g. from the chatter) marks the answer handled."""
        if not self.env.context.get("dunning_answer_handled"):
            # sudo: any user who may mark the task done ends the answer it was made for
            answers = (
                self.env["account.dunning.answer"]
                .sudo()
                .search([("activity_id", "in", self.ids), ("state", "=", "open")])
            )
            answers.with_user(self.env.user)._dunning_set_handled()
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
