from odoo import api, fields, models

from ..tools.desk import CALL_OUTCOMES


class AccountDunningCallWizard(models.TransientModel):
    _name = "account.dunning.call.wizard"
    _description = "Log a Follow-up Call"
    _check_company_auto = True

    action_id = fields.Many2one("account.dunning.action", string="Follow-up", required=True, readonly=True)
    company_id = fields.Many2one(related="action_id.company_id")
    partner_id = fields.Many2one(related="action_id.partner_id", string="Customer")
    phone = fields.Char(string="Number Called", compute="_compute_phone", store=True, readonly=False)
    outcome = fields.Selection(CALL_OUTCOMES, required=True, default="promise")
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        compute="_compute_move_ids",
        store=True,
        readonly=False,
        help="The invoices the customer promised to pay or disputed (all the open ones of the follow-up by default).",
    )
    allowed_move_ids = fields.Many2many("account.move", compute="_compute_due")
    currency_id = fields.Many2one("res.currency", compute="_compute_due")
    amount_due = fields.Monetary(string="Still Due", compute="_compute_due", currency_field="currency_id")
    promise_date = fields.Date(string="Promised For")
    promise_amount = fields.Monetary(
        string="Promised Amount",
        currency_field="currency_id",
        help="Leave empty when the customer promised to pay the whole amount due; a smaller amount covers the oldest "
        "invoices first.",
    )
    dispute_reason_id = fields.Many2one(
        "account.dunning.dispute.reason",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    comment = fields.Text()
    attempt_info = fields.Char(string="Attempts", compute="_compute_attempt_info")

    @api.depends("action_id")
    def _compute_phone(self):
        for wizard in self:
            partner = wizard.action_id.partner_id
            wizard.phone = partner.mobile or partner.phone or False

    @api.depends("action_id")
    def _compute_move_ids(self):
        for wizard in self:
            wizard.move_ids = wizard.action_id._dunning_call_moves() if wizard.action_id else False

    @api.depends("action_id")
    def _compute_due(self):
        for wizard in self:
            moves = wizard.action_id._dunning_call_moves() if wizard.action_id else self.env["account.move"]
            currency = moves.currency_id[:1] or wizard.action_id.company_currency_id
            wizard.allowed_move_ids = moves
            wizard.currency_id = currency
            wizard.amount_due = sum(move.amount_residual for move in moves if move.currency_id == currency)

    @api.depends("action_id")
    def _compute_attempt_info(self):
        for wizard in self:
            attempts = wizard.action_id.company_id.dunning_call_max_attempts
            done = len(wizard.action_id.call_ids.filtered(lambda call: call.outcome == "no_answer"))
            wizard.attempt_info = (
                self.env._("%(done)s unanswered of %(attempts)s before the next level", done=done, attempts=attempts)
                if attempts
                else False
            )

    def action_confirm(self):
        """Log the call and carry its outcome out."""
        self.ensure_one()
        self.action_id._dunning_log_call(
            self.outcome,
            moves=self.move_ids if self.outcome in ("promise", "dispute") else None,
            phone=self.phone,
            promise_date=self.promise_date,
            promise_amount=self.promise_amount,
            dispute_reason_id=self.dispute_reason_id.id,
            comment=self.comment,
        )
        return {"type": "ir.actions.act_window_close"}
