from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMoveDunningWizard(models.TransientModel):
    _name = "account.move.dunning.wizard"
    _description = "Invoice Dispute or Promise to Pay"

    mode = fields.Selection([("dispute", "Dispute"), ("promise", "Promise to pay")], required=True, default="dispute")
    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    dispute_reason = fields.Text(string="Reason")
    promise_date = fields.Date(string="Promised Payment Date")
    promise_amount = fields.Float(
        string="Promised Amount", help="Leave empty when the customer promised to pay the whole amount due."
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "account.move" and "move_ids" in fields_list:
            values["move_ids"] = [fields.Command.set(self.env.context.get("active_ids", []))]
        return values

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
