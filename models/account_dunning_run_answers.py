from odoo import api, models

from ..tools.rules import is_paused


class AccountDunningRun(models.AbstractModel):
    _inherit = "account.dunning.run"  # pylint: disable=consider-merging-classes-inherited

    # The customer answers back (issue 13): a reply waiting for our answer holds the customer back (the history
    # says which: _get_history()), and an announced payment pauses its invoices. Every follow-up sent carries the
    # customer's page link (_send_actions()).

    @api.model
    def _new_history(self):
        return {**super()._new_history(), "awaiting_answer": False}

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
