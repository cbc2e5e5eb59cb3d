from odoo import models


class AccountDunningAccess(models.Model):
    _inherit = "account.dunning.access"  # pylint: disable=consider-merging-classes-inherited

    # The collections desk (issue 20): an invoice taken out of the chase shows so on the customer's page (without the
    # internal reason).
    def _dunning_move_status(self, move, today):
        status = super()._dunning_move_status(move, today)
        if move.dunning_no_followup:
            status.append(("no_followup", self.env._("Under review: no reminder")))
        return status
