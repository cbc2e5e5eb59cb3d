from odoo import fields, models


class AccountDunningSegmentChange(models.Model):
    """A risk segment set or released by hand, with its reason: the history accounting reads on the customer."""

    _name = "account.dunning.segment.change"
    _description = "Risk Segment Set by Hand"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Changed By", readonly=True)
    segment_before = fields.Selection(
        selection=lambda self: self.env["res.partner"]._dunning_segment_selection(), string="Before", readonly=True
    )
    segment_after = fields.Selection(
        selection=lambda self: self.env["res.partner"]._dunning_segment_selection(), string="After", readonly=True
    )
    manual = fields.Boolean(
        string="Set by Hand", readonly=True, help="Set: the segment was forced. Not set: back to the rules."
    )
    reason = fields.Text(readonly=True)
