from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    # The customer answers back (issue 13), stored on the company.
    dunning_page_validity_days = fields.Integer(related="company_id.dunning_page_validity_days", readonly=False)
    dunning_page_pay_enabled = fields.Boolean(related="company_id.dunning_page_pay_enabled", readonly=False)
    dunning_page_paid_enabled = fields.Boolean(related="company_id.dunning_page_paid_enabled", readonly=False)
    dunning_page_promise_enabled = fields.Boolean(related="company_id.dunning_page_promise_enabled", readonly=False)
    dunning_page_dispute_enabled = fields.Boolean(related="company_id.dunning_page_dispute_enabled", readonly=False)
    dunning_paid_pause_days = fields.Integer(related="company_id.dunning_paid_pause_days", readonly=False)
    dunning_promise_max_days = fields.Integer(related="company_id.dunning_promise_max_days", readonly=False)
    dunning_reply_pause_days = fields.Integer(related="company_id.dunning_reply_pause_days", readonly=False)
