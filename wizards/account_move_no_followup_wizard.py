from odoo import api, fields, models


class AccountMoveNoFollowupWizard(models.TransientModel):
    _name = "account.move.dunning.no.followup.wizard"
    _description = "Take Invoices out of the Follow-ups"

    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    reason = fields.Char(required=True, help="Why these invoices are not chased, e.g. a credit note under negotiation.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "account.move" and "move_ids" in fields_list:
            values["move_ids"] = [fields.Command.set(self.env.context.get("active_ids", []))]
        return values

    def action_confirm(self):
        """Flag the invoices "no follow-up" with the reason."""
        self.ensure_one()
        self.move_ids._dunning_set_no_followup(self.reason)
        return {"type": "ir.actions.act_window_close"}
