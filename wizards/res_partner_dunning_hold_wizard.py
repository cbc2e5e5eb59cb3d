from odoo import fields, models


class ResPartnerDunningHoldWizard(models.TransientModel):
    _name = "res.partner.dunning.hold.wizard"
    _description = "Lift a Customer's Credit Hold"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    reason = fields.Text(required=True, help="Kept on the customer's latest follow-up (accounting only).")

    def action_confirm(self):
        """Lift the hold in the company, with the reason."""
        self.ensure_one()
        self.partner_id._dunning_lift_hold(self.company_id, self.reason)
        return {"type": "ir.actions.act_window_close"}
