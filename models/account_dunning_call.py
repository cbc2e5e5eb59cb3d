from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.desk import CALL_OUTCOMES


class AccountDunningCall(models.Model):
    """One phone call of a collector about a follow-up, with its outcome: the history of the calls, and what the
    daily run reads (the calls of a customer's last follow-up that went unanswered)."""

    _name = "account.dunning.call"
    _description = "Follow-up Call"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "action_id"

    action_id = fields.Many2one(
        "account.dunning.action",
        string="Follow-up",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    partner_id = fields.Many2one(
        related="action_id.partner_id", string="Customer", store=True, index=True, readonly=True
    )
    company_id = fields.Many2one(related="action_id.company_id", store=True, index=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Called By", required=True, readonly=True, default=lambda self: self.env.user
    )
    date = fields.Date(required=True, readonly=True, default=fields.Date.context_today, index=True)
    outcome = fields.Selection(CALL_OUTCOMES, required=True, readonly=True)
    attempt = fields.Integer(readonly=True, help="Number of this call among the calls of the follow-up.")
    phone = fields.Char(string="Number Called", readonly=True)
    move_ids = fields.Many2many(
        "account.move",
        "account_dunning_call_account_move_rel",
        "call_id",
        "move_id",
        string="Invoices",
        readonly=True,
        check_company=True,
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    promise_date = fields.Date(string="Promised For", readonly=True)
    promise_amount = fields.Monetary(readonly=True, currency_field="currency_id")
    dispute_reason_id = fields.Many2one("account.dunning.dispute.reason", readonly=True)
    comment = fields.Text(readonly=True)
    next_call_date = fields.Date(string="Call Again On", readonly=True)

    @api.model
    def _dunning_unanswered_counts(self, company, date, partners):
        """Per customer: its calls logged "no answer" on or before the date for its latest follow-up sent by then
        (one query for the batch): {partner id: count}."""
        if not partners:
            return {}
        self.flush_model(["action_id", "partner_id", "company_id", "outcome", "date"])
        self.env["account.dunning.action"].flush_model(["partner_id", "company_id", "state", "date"])
        query = SQL(
            """
            SELECT c.partner_id, COUNT(*)
              FROM account_dunning_call c
             WHERE c.company_id = %(company)s AND c.partner_id = ANY(%(partners)s)
               AND c.outcome = 'no_answer' AND c.date <= %(date)s
               AND c.action_id = (
                    SELECT a.id FROM account_dunning_action a
                     WHERE a.company_id = c.company_id AND a.partner_id = c.partner_id
                       AND a.state = 'done' AND a.date <= %(date)s
                     ORDER BY a.date DESC, a.id DESC
                     LIMIT 1)
             GROUP BY c.partner_id
            """,
            company=company.id,
            partners=partners.ids,
            date=date,
        )
        return dict(self.env.execute_query(query))
