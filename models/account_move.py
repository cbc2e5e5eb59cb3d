import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import create_index

from ..tools.security import READERS, check_billing

_logger = logging.getLogger(__name__)


class AccountMove(models.Model):
    _inherit = "account.move"

    # Follow-up state of a customer invoice (issue 4: scenarios, levels and the daily run). For accounting only:
    # a salesman or a purchase user who opens an invoice sees none of it (groups on every field).
    dunning_level_id = fields.Many2one(
        "account.dunning.level",
        string="Follow-up Level",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Last follow-up level sent for this invoice.",
        groups=READERS,
    )
    dunning_last_date = fields.Date(string="Last Follow-up", copy=False, readonly=True, groups=READERS)
    dunning_dispute = fields.Boolean(
        string="Disputed",
        copy=False,
        tracking=True,
        help="Disputed invoices are left out of follow-ups.",
        groups=READERS,
    )
    dunning_dispute_reason = fields.Text(string="Dispute Reason", copy=False, groups=READERS)
    dunning_dispute_date = fields.Date(
        string="Disputed On",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Day the invoice was last disputed; kept after the dispute is resolved, as an incident of the "
        "customer's payment behaviour.",
        groups=READERS,
    )
    dunning_dispute_resolved_date = fields.Date(
        string="Dispute Resolved On",
        copy=False,
        readonly=True,
        groups=READERS,
        help="Day the last dispute was resolved: unless the company lets penalties accrue during disputes, "
        "late-payment penalties do not accrue while a dispute stands.",
    )
    dunning_promise_date = fields.Date(
        string="Promised Payment Date",
        copy=False,
        tracking=True,
        help="Follow-ups pause until this date; if the promise is broken they resume one level up.",
        groups=READERS,
    )
    dunning_promise_amount = fields.Monetary(
        string="Promised Amount",
        copy=False,
        help="Amount the customer promised to pay by the promised date; empty means the whole amount due.",
        groups=READERS,
    )
    dunning_promise_residual = fields.Monetary(
        string="Amount Due at Promise",
        copy=False,
        readonly=True,
        help="Amount due when the promise was recorded.",
        groups=READERS,
    )
    dunning_promise_recorded_date = fields.Date(
        string="Promise Recorded On",
        copy=False,
        readonly=True,
        help="Day the promise to pay was recorded: a simulation of the past counts it from then.",
        groups=READERS,
    )
    dunning_promise_ended_date = fields.Date(
        string="Promise Ended On",
        copy=False,
        readonly=True,
        help="Day a follow-up sent after the promised date ended the promise (the promise stays recorded, so that a "
        "simulation of the past replays it).",
        groups=READERS,
    )
    dunning_litigation = fields.Boolean(
        string="In Litigation",
        copy=False,
        tracking=True,
        help="Invoices in litigation get no more follow-ups.",
        groups=READERS,
    )
    dunning_action_ids = fields.Many2many(
        "account.dunning.action",
        "account_dunning_action_account_move_rel",
        "move_id",
        "action_id",
        string="Follow-ups",
        copy=False,
        readonly=True,
        groups=READERS,
    )
    dunning_action_count = fields.Integer(
        compute="_compute_dunning_action_count", string="Follow-up Count", groups=READERS
    )

    def _compute_dunning_action_count(self):
        counts = dict(
            self.env["account.dunning.action"]._read_group([("move_ids", "in", self.ids)], ["move_ids"], ["__count"])
        )
        for move in self:
            move.dunning_action_count = counts.get(move._origin, 0)

    def action_dunning_dispute(self):
        """Open the wizard recording a dispute or a promise to pay."""
        return self._dunning_open_wizard("dispute")

    def action_dunning_promise(self):
        """Open the wizard recording a promise to pay."""
        return self._dunning_open_wizard("promise")

    def _dunning_open_wizard(self, mode):
        check_billing(self.env)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Follow-up Status"),
            "res_model": "account.move.dunning.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "account.move", "active_ids": self.ids, "default_mode": mode},
        }

    def action_dunning_resolve_dispute(self):
        """End the dispute: the invoices are followed up again."""
        check_billing(self.env)
        disputed = self.filtered("dunning_dispute")
        disputed.write(
            {
                "dunning_dispute": False,
                "dunning_dispute_reason": False,
                "dunning_dispute_resolved_date": fields.Date.context_today(self),
            }
        )
        disputed._message_log_batch(
            bodies=dict.fromkeys(disputed.ids, self.env._("Dispute resolved: follow-ups resume."))
        )
        disputed._dunning_log_disputes_resolved()
        return True

    def action_view_dunning_actions(self):
        """Follow-ups of these invoices."""
        self.env["account.dunning.action"].check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("account_dunning.account_dunning_action_action")
        action["domain"] = [("move_ids", "in", self.ids)]
        action["context"] = {"create": False}
        return action

    def _dunning_set_dispute(self, reason):
        """A disputed invoice is out of the follow-ups until the dispute is resolved.

        The reason stays in the invoice's dispute field (accounting only); the chatter only notes the dispute.
        """
        check_billing(self.env)
        if not reason:
            raise UserError(self.env._("Give the reason of the dispute."))
        self.write(
            {
                "dunning_dispute": True,
                "dunning_dispute_reason": reason,
                "dunning_dispute_date": fields.Date.context_today(self),
                "dunning_dispute_resolved_date": False,
            }
        )
        self._message_log_batch(bodies=dict.fromkeys(self.ids, self.env._("Disputed: follow-ups paused.")))

    def _dunning_set_promise(self, date, amount=0.0):
        """A promise to pay pauses the follow-ups until its date; it is kept when the amount is paid."""
        check_billing(self.env)
        if not date:
            raise UserError(self.env._("Give the date the customer promised to pay."))
        if amount < 0:
            raise UserError(self.env._("The promised amount cannot be negative."))
        for move in self:
            move.write(
                {
                    "dunning_promise_date": date,
                    "dunning_promise_amount": amount,
                    "dunning_promise_residual": move.amount_residual,
                    "dunning_promise_recorded_date": fields.Date.context_today(self),
                    "dunning_promise_ended_date": False,
                }
            )
            move._message_log(body=self.env._("Promise to pay by %(date)s.", date=fields.Date.to_string(date)))
        self._dunning_close_broken_promise_tasks()

    # Payment behaviour: both depend on today or on the customer's current statistics, so never stored.
    dunning_days_overdue = fields.Integer(
        string="Days Overdue",
        compute="_compute_dunning_days_overdue",
        help="Days since the due date of this open customer invoice (0 when not yet due or paid).",
        groups=READERS,
    )
    dunning_expected_payment_date = fields.Date(
        string="Expected Payment",
        compute="_compute_dunning_expected_payment_date",
        help="Due date plus the customer's usual delay (its amount-weighted average delay, rounded).",
        groups=READERS,
    )

    def _dunning_is_open_customer_invoice(self):
        """An open customer invoice: posted, not paid, reversed nor waiting for its bank matching."""
        self.ensure_one()
        return (
            self.move_type == "out_invoice"
            and self.state == "posted"
            and self.payment_state in ("not_paid", "partial")
            and bool(self.invoice_date_due)
        )

    @api.depends("move_type", "state", "payment_state", "invoice_date_due")
    def _compute_dunning_days_overdue(self):
        today = fields.Date.context_today(self)
        for move in self:
            is_open = move._dunning_is_open_customer_invoice()
            move.dunning_days_overdue = max((today - move.invoice_date_due).days, 0) if is_open else 0

    @api.depends("move_type", "state", "payment_state", "invoice_date_due", "company_id", "commercial_partner_id")
    def _compute_dunning_expected_payment_date(self):
        for move in self:
            if not move._dunning_is_open_customer_invoice():
                move.dunning_expected_payment_date = False
                continue
            delay = move.commercial_partner_id.with_company(move.company_id).payment_delay_avg
            # half-up rounding, like PostgreSQL's round(numeric), so SQL reports agree
            move.dunning_expected_payment_date = move.invoice_date_due + timedelta(days=int(delay + 0.5))

    def _invoice_paid_hook(self):
        res = super()._invoice_paid_hook()
        self._dunning_refresh_payment_behaviour()
        self._dunning_lift_paid_holds()
        return res

    def _dunning_refresh_payment_behaviour(self):
        """A customer invoice becoming paid refreshes its customer's payment behaviour in the invoice's company.

        It runs in a savepoint: statistics that fail to compute are logged and left for the nightly job, the
        payment itself is never blocked by them.
        """
        invoices = self.filtered(lambda move: move.move_type == "out_invoice" and move.state == "posted")
        for company, moves in invoices.grouped("company_id").items():
            try:
                with self.env.cr.savepoint():
                    # sudo: statistics are bookkeeping of the paid invoice, whoever registered the payment
                    moves.commercial_partner_id.sudo()._dunning_recompute_payment_stats(company)
            except Exception:  # the payment goes through; the nightly job recomputes the statistics
                _logger.exception(
                    "Payment behaviour of customers %s in company %s not refreshed",
                    moves.commercial_partner_id.ids,
                    company.id,
                )

    def init(self):
        res = super().init()
        # The payment behaviour reads one customer's posted invoices (e.g. when one becomes paid) by index.
        create_index(
            self.env.cr,
            "account_move_dunning_customer_index",
            self._table,
            ["company_id", "commercial_partner_id"],
            where="move_type = 'out_invoice' AND state = 'posted'",
        )
        return res
