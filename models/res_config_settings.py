from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Follow-up letters: penalties, indemnity and payment instructions (stored on the company).
    dunning_notice_days = fields.Integer(related="company_id.dunning_notice_days", readonly=False)
    dunning_rate_mode = fields.Selection(related="company_id.dunning_rate_mode", readonly=False)
    dunning_rate_margin = fields.Float(related="company_id.dunning_rate_margin", readonly=False)
    dunning_fixed_rate = fields.Float(related="company_id.dunning_fixed_rate", readonly=False)
    dunning_penalty_account_id = fields.Many2one(related="company_id.dunning_penalty_account_id", readonly=False)
    dunning_bank_account_id = fields.Many2one(related="company_id.dunning_bank_account_id", readonly=False)
    dunning_company_partner_id = fields.Many2one(related="company_id.partner_id")

    def set_values(self):
        """A payment account chosen for the letters must have a valid IBAN and BIC."""
        for settings in self:
            if settings.dunning_bank_account_id != settings.company_id.dunning_bank_account_id:
                settings.dunning_bank_account_id._dunning_check_iban_bic()
        return super().set_values()
