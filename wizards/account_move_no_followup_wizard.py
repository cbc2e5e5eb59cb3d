from odoo import fields, models


class AccountMoveNoFollowupWizard(models.TransientModel):
    _name = "account.move.dunning.no.followup.wizard"
    _inherit = "account.move.dunning.wizard.mixin"
    _description = "Take Invoices out of the Follow-ups"

    reason = fields.Char(required=True, help="Why these invoices are not chased, e.g. a credit note under negotiation.")

    def action_confirm(self):
        """Flag the invoices "no follow-up" with the reason."""
        self.ensure_one()
        self.move_ids._dunning_set_no_followup(self.reason)
        return {"type": "ir.actions.act_window_close"}
