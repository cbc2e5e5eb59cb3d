from odoo import fields, models


class AccountDunningActionLine(models.Model):
    _name = "account.dunning.action.line"
    _description = "Customer Follow-up Invoice"
    _order = "date_due, id"
    _check_company_auto = True

    action_id = fields.Many2one("account.dunning.action", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="action_id.company_id", store=True, index=True)
    company_currency_id = fields.Many2one(related="action_id.company_currency_id")
    move_id = fields.Many2one("account.move", string="Invoice", required=True, index=True, check_company=True)
    currency_id = fields.Many2one("res.currency", required=True)
    amount_residual = fields.Monetary(
        string="Amount Due", currency_field="currency_id", help="Amount due in the invoice currency at follow-up time."
    )
    amount_residual_company = fields.Monetary(
        string="Amount Due (Company Currency)", currency_field="company_currency_id"
    )
    date_due = fields.Date(string="Due Date")
    days_overdue = fields.Integer(help="Days past the due date on the follow-up date.")
