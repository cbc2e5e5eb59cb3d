from odoo import api, fields, models


class AccountDunningLetterPost(models.TransientModel):
    _name = "account.dunning.letter.post"
    _description = "Letters Posted"

    posted_date = fields.Date(
        string="Posted On",
        required=True,
        default=fields.Date.context_today,
        help="Day the letters were handed to the post: each must have been printed that day.",
    )
    line_ids = fields.One2many("account.dunning.letter.post.line", "wizard_id", string="Letters")

    def action_confirm(self):
        """Record the letters as posted, with the registration number of each registered one."""
        self.ensure_one()
        numbers = {line.action_id.id: (line.registered_number or "").strip() for line in self.line_ids}
        self.line_ids.action_id._mark_posted(self.posted_date, numbers)
        return {"type": "ir.actions.act_window_close"}


class AccountDunningLetterPostLine(models.TransientModel):
    _name = "account.dunning.letter.post.line"
    _description = "Letter Posted"

    wizard_id = fields.Many2one("account.dunning.letter.post", required=True, ondelete="cascade")
    action_id = fields.Many2one("account.dunning.action", string="Follow-up", required=True, readonly=True)
    partner_id = fields.Many2one(related="action_id.partner_id")
    letter_date = fields.Date(related="action_id.letter_date", string="Printed On")
    registered = fields.Boolean(compute="_compute_registered")
    registered_number = fields.Char(string="Registration Number")

    @api.depends("action_id.notice_delivery")
    def _compute_registered(self):
        for line in self:
            line.registered = line.action_id.notice_delivery == "registered"
