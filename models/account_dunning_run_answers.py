from odoo import api, models

from ..tools.rules import is_paused


class AccountDunningRun(models.AbstractModel):
    _inherit = "account.dunning.run"  # pylint: disable=consider-merging-classes-inherited

    # The customer answers back (issue 13): a reply waiting for our answer holds the customer back, an announced
    # payment pauses its invoices, and every follow-up sent carries the customer's page link.

    @api.model
    def _new_history(self):
        return {**super()._new_history(), "awaiting_answer": False}

    @api.model
    def _get_history(self, company, date, partners):
        """The history also says which customers wait for our answer to their reply."""
        history = super()._get_history(company, date, partners)
        for partner_id in self.env["account.dunning.answer"]._dunning_awaiting_partner_ids(company, date, partners):
            history[partner_id]["awaiting_answer"] = True
        return history

    @api.model
    def _get_blocking_reason(self, company, history, amount, credit):
        """A customer whose reply waits for our answer gets no new follow-up."""
        reason = super()._get_blocking_reason(company, history, amount, credit)
        if not reason and history.get("awaiting_answer"):
            return "awaiting_answer"
        return reason

    @api.model
    def _is_move_followed(self, item, date):
        """An invoice whose payment the customer announced is not chased while the pause runs (as known that day:
        item.paused_until)."""
        if is_paused(item.paused_until, date):
            return False
        return super()._is_move_followed(item, date)

    @api.model
    def _get_skip_reasons(self):
        return {
            **super()._get_skip_reasons(),
            "awaiting_answer": self.env._("The customer replied: awaiting our answer (mark the reply handled)"),
        }

    @api.model
    def _send_actions(self, actions):
        """Each follow-up sent carries its customer's page link (made for the batch before the emails)."""
        actions._dunning_ensure_page_access()
        return super()._send_actions(actions)
