from odoo import fields, models
from odoo.tools import format_amount

from ..tools.security import READERS


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    # Pay now, from the customer's follow-up page (issue 13): Odoo's online payment of the selected invoices.
    dunning_access_id = fields.Many2one(
        "account.dunning.access",
        string="Follow-up Page Link",
        readonly=True,
        index="btree_not_null",
        groups=READERS,
        help="The customer paid from its follow-up page, opened with this link.",
    )

    def _post_process(self):
        """A payment confirmed from the follow-up page is the customer's answer: noted on the follow-up and the
        invoices (already paid and reconciled by Odoo), with a task for the responsible."""
        result = super()._post_process()
        # sudo: the transaction is post-processed for an anonymous payer, as Odoo does
        done = self.sudo().filtered(lambda tx: tx.state == "done" and tx.dunning_access_id)
        answered = self.env["account.dunning.answer"].sudo().search([("transaction_id", "in", done.ids)])
        for tx in done.filtered(lambda tx: tx not in answered.transaction_id):
            tx._dunning_record_online_payment()
        return result

    def _dunning_record_online_payment(self):
        """Record the online payment as the customer's answer to its latest follow-up."""
        self.ensure_one()
        access = self.dunning_access_id
        moves = self.invoice_ids
        answers = self.env["account.dunning.answer"]
        action = answers._dunning_latest_action(access.partner_id, access.company_id, moves)
        note = self.env._(
            "The customer paid %(amount)s online (%(reference)s) for %(invoices)s.",
            amount=format_amount(self.env, self.amount, self.currency_id),
            reference=self.reference,
            invoices=", ".join(moves.mapped("name")),
        )
        answers._dunning_record(
            {
                "kind": "online",
                "channel": "page",
                "partner_id": access.partner_id.id,
                "company_id": access.company_id.id,
                "action_id": action.id,
                "move_ids": [fields.Command.set(moves.ids)],
                "currency_id": self.currency_id.id,
                "amount": self.amount,
                "payment_date": fields.Date.context_today(self),
                "payment_reference": self.reference,
                "transaction_id": self.id,
            },
            note,
            self.env._("Paid online by %(customer)s", customer=access.partner_id.name),
        )
