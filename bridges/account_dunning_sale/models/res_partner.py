from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # What salespeople may know of a customer's collection: that it is on credit hold in the current company, never
    # why (its segment, delays and amounts stay behind the accounting groups of account_dunning).
    dunning_credit_hold = fields.Boolean(
        string="Customer on Credit Hold",
        compute="_compute_dunning_credit_hold",
        help="The customer is on credit hold in this company: its new sales orders wait for accounting.",
    )

    @api.depends_context("company")
    def _compute_dunning_credit_hold(self):
        # sudo: the flag alone is shown to whoever reads the contact; the reasons stay in accounting
        held = self.commercial_partner_id.sudo().with_company(self.env.company).filtered("dunning_on_hold")
        for partner in self:
            partner.dunning_credit_hold = partner.commercial_partner_id in held
