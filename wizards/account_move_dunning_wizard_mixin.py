from odoo import api, fields, models


class AccountMoveDunningWizardMixin(models.AbstractModel):
    _name = "account.move.dunning.wizard.mixin"
    _description = "Follow-up Action on Selected Invoices"

    # The wizards opened from invoices (a dispute or a promise, no follow-up): the invoices selected are theirs.
    move_ids = fields.Many2many("account.move", string="Invoices", required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "account.move" and "move_ids" in fields_list:
            values["move_ids"] = [fields.Command.set(self.env.context.get("active_ids", []))]
        return values
