from odoo import fields, models


class SaleOrderDunningHoldWizard(models.TransientModel):
    _name = "sale.order.dunning.hold.wizard"
    _description = "Confirm an Order Despite the Credit Hold"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    reason = fields.Text(required=True, help="Logged on the order and on the customer's follow-ups.")

    def action_confirm(self):
        """Confirm the order anyway, with the reason."""
        self.ensure_one()
        self.order_id._dunning_confirm_despite_hold(self.reason)
        return {"type": "ir.actions.act_window_close"}
