from odoo import fields, models
from odoo.exceptions import UserError


class AccountMoveDunningWizard(models.TransientModel):
    _name = "account.move.dunning.wizard"
    _inherit = "account.move.dunning.wizard.mixin"
    _description = "Invoice Dispute or Promise to Pay"

    mode = fields.Selection([("dispute", "Dispute"), ("promise", "Promise to pay")], required=True, default="dispute")
    dispute_reason = fields.Text(string="Reason")
    promise_date = fields.Date(string="Promised Payment Date")
    promise_amount = fields.Float(
        string="Promised Amount", help="Leave empty when the customer promised to pay the whole amount due."
    )

    def action_confirm(self):
        """Record the dispute or the promise on the invoices."""
        self.ensure_one()
        moves = self.move_ids
        if any(move.move_type != "out_invoice" or move.state != "posted" for move in moves):
            raise UserError(self.env._("Disputes and promises are recorded on posted customer invoices only."))
        if self.mode == "dispute":
            moves._dunning_set_dispute(self.dispute_reason)
        else:
            moves._dunning_set_promise(self.promise_date, self.promise_amount)
        return {"type": "ir.actions.act_window_close"}
