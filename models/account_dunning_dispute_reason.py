from odoo import fields, models


class AccountDunningDisputeReason(models.Model):
    _name = "account.dunning.dispute.reason"
    _description = "Invoice Dispute Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to offer this reason to the customers of every company."
    )
    comment_required = fields.Boolean(help="The customer must explain the dispute in a comment (e.g. 'Other').")

    def _dunning_for_company(self, company):
        """Active reasons a customer of this company may choose, in their order."""
        # sudo: the customer's page lists them for an anonymous visitor
        return self.sudo().search([("company_id", "in", [False, company.id])])
