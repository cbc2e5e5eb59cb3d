from odoo import api, fields, models


class AccountDunningSegmentOverride(models.TransientModel):
    _name = "account.dunning.segment.override"
    _description = "Set a Customer's Risk Segment by Hand"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    current_segment = fields.Selection(
        selection=lambda self: self.env["res.partner"]._dunning_segment_selection(),
        compute="_compute_current",
    )
    current_explanation = fields.Char(compute="_compute_current", string="Why")
    segment = fields.Selection(
        selection=lambda self: self.env["res.partner"]._dunning_segment_selection(),
        string="New Segment",
        help="Leave empty to let the segment rules decide again.",
    )
    reason = fields.Text(required=True, help="Why the segment is set by hand; it is written in the chatter.")

    @api.depends("partner_id", "company_id")
    def _compute_current(self):
        for wizard in self:
            partner = wizard.partner_id.with_company(wizard.company_id)
            wizard.current_segment = partner.dunning_segment
            wizard.current_explanation = partner.dunning_segment_explanation

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if values.get("partner_id") and "segment" in fields_list:
            partner = self.env["res.partner"].browse(values["partner_id"])
            values["segment"] = partner.dunning_segment_override or False
        return values

    def action_apply(self):
        """Apply the manual segment (or release it) with its reason."""
        self.ensure_one()
        self.partner_id.with_company(self.company_id)._dunning_set_segment_override(self.segment, self.reason)
        return {"type": "ir.actions.act_window_close"}
