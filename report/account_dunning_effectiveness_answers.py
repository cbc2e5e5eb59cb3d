from odoo import api, fields, models
from odoo.tools import SQL

#: days after a follow-up within which an online payment counts as its answer
ONLINE_PAYMENT_DAYS = 7


class AccountDunningEffectiveness(models.Model):
    _inherit = "account.dunning.effectiveness"  # pylint: disable=consider-merging-classes-inherited

    # The customers' answers to each follow-up (issue 13), per level and channel like the collections.
    answered_count = fields.Integer(
        string="Answered",
        readonly=True,
        help="1 when the customer answered the follow-up: an email reply or an action on its follow-up page "
        "(payment announced, promise, dispute, online payment).",
    )
    promised_count = fields.Integer(
        string="Promised", readonly=True, help="1 when the customer promised to pay from its follow-up page."
    )
    disputed_count = fields.Integer(
        string="Disputed", readonly=True, help="1 when the customer disputed invoices from its follow-up page."
    )
    paid_online_7_count = fields.Integer(
        string="Paid Online within 7 Days",
        readonly=True,
        help="1 when an online payment of the follow-up's invoices was confirmed within 7 days after it.",
    )

    _depends = {
        "account.dunning.answer": ["action_id", "kind"],
        "payment.transaction": ["state", "last_state_change", "invoice_ids"],
    }

    @api.model
    def _answers_query(self) -> SQL:
        """Per follow-up: whether it got any answer, a promise, a dispute (0 or 1 each)."""
        return SQL(
            """
            SELECT action_id,
                   1 AS answered,
                   MAX(CASE WHEN kind = 'promise' THEN 1 ELSE 0 END) AS promised,
                   MAX(CASE WHEN kind = 'dispute' THEN 1 ELSE 0 END) AS disputed
              FROM account_dunning_answer
             WHERE action_id IS NOT NULL
          GROUP BY action_id
            """
        )

    @api.model
    def _online_payments_query(self) -> SQL:
        """Per follow-up: 1 when an online payment of one of its invoices was confirmed in the days after it."""
        return SQL(
            """
            SELECT DISTINCT line.action_id, 1 AS paid
              FROM account_dunning_action_line line
              JOIN account_dunning_action action ON action.id = line.action_id
              JOIN account_invoice_transaction_rel rel ON rel.invoice_id = line.move_id
              JOIN payment_transaction tx ON tx.id = rel.transaction_id
             WHERE tx.state = 'done'
               AND tx.last_state_change::date >= action.date
               AND tx.last_state_change::date <= action.date + %(days)s
            """,
            days=ONLINE_PAYMENT_DAYS,
        )
