from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

#: who may confirm an order despite its customer's credit hold
OVERRIDE_GROUPS = ("sales_team.group_sale_manager", "account.group_account_manager")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # A credit hold that holds: the flag a follow-up level sets on the customer (account_dunning) stops the
    # confirmation of its orders by salespeople; sales and accounting managers may confirm anyway, logged.
    dunning_credit_hold = fields.Boolean(
        string="Customer on Credit Hold",
        compute="_compute_dunning_credit_hold",
        help="The customer is on credit hold in the order's company: the order waits for accounting.",
    )
    dunning_hold_override_uid = fields.Many2one(
        "res.users", string="Confirmed Despite the Hold By", readonly=True, copy=False
    )
    dunning_hold_override_date = fields.Datetime(string="Confirmed Despite the Hold On", readonly=True, copy=False)
    dunning_hold_override_reason = fields.Text(string="Reason for the Override", readonly=True, copy=False)

    @api.depends("partner_id", "company_id")
    def _compute_dunning_credit_hold(self):
        for order in self:
            partner = order.partner_id.commercial_partner_id
            # sudo: the flag alone is read for whoever sells; why the customer is on hold stays in accounting
            order.dunning_credit_hold = bool(partner) and partner.sudo().with_company(order.company_id).dunning_on_hold

    def _confirmation_error_message(self):
        """An order of a customer on credit hold is not confirmed, except with a manager's logged override, when
        paid online (no credit risk left), or by the system's own jobs."""
        message = super()._confirmation_error_message()
        if message or not self.dunning_credit_hold or self._dunning_hold_lets_through():
            return message
        if self.env.user.share:
            return self.env._(
                "Your order needs the approval of our accounting department before it is confirmed: please contact us."
            )
        if self._dunning_may_override_hold():
            return self.env._(
                "%(customer)s is on credit hold: contact accounting, or confirm the order with Confirm and a reason "
                "(the override is logged).",
                customer=self.partner_id.commercial_partner_id.display_name,
            )
        return self.env._(
            "%(customer)s is on credit hold: contact accounting.",
            customer=self.partner_id.commercial_partner_id.display_name,
        )

    def _dunning_hold_lets_through(self):
        """Confirmations that go through a credit hold: a manager's override (logged), an online payment of the
        order, the scheduler's own jobs (OdooBot)."""
        context = self.env.context
        return bool(context.get("dunning_hold_override") or context.get("dunning_paid_online")) or (
            self.env.user._is_superuser()
        )

    def _dunning_may_override_hold(self):
        """Sales managers and accounting managers may confirm an order despite the customer's credit hold."""
        return any(self.env.user.has_group(group) for group in OVERRIDE_GROUPS)

    def action_dunning_confirm_held(self):
        """Confirm on an order whose customer is on credit hold: refused to salespeople with the reason to contact
        accounting; managers give the reason of their override."""
        self.ensure_one()
        if not self.dunning_credit_hold:
            return self.action_confirm()
        if not self._dunning_may_override_hold():
            raise UserError(self._confirmation_error_message())
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Confirm Despite the Credit Hold"),
            "res_model": "sale.order.dunning.hold.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _dunning_confirm_despite_hold(self, reason):
        """A manager confirms the order anyway: logged on the order and on the customer's follow-ups."""
        self.ensure_one()
        if not self._dunning_may_override_hold():
            raise AccessError(
                self.env._("Only sales managers and accounting managers may confirm an order despite a credit hold.")
            )
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason why the order is confirmed despite the credit hold."))
        self.with_context(dunning_hold_override=True).action_confirm()
        self.write(
            {
                "dunning_hold_override_uid": self.env.uid,
                "dunning_hold_override_date": fields.Datetime.now(),
                "dunning_hold_override_reason": reason,
            }
        )
        note = self.env._(
            "Confirmed despite the customer's credit hold by %(user)s: %(reason)s",
            user=self.env.user.name,
            reason=reason,
        )
        self.message_post(body=Markup("<p>{}</p>").format(note))
        self.partner_id.commercial_partner_id._dunning_note_on_followups(
            self.company_id,
            self.env._(
                "Order %(order)s confirmed despite the credit hold by %(user)s: %(reason)s",
                order=self.name,
                user=self.env.user.name,
                reason=reason,
            ),
        )
        return True
