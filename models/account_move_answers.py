from odoo import fields, models

from ..tools.security import READERS


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    # The customer answers back (issue 13): a payment announced on the follow-up page pauses the chase.
    dunning_paid_announced_date = fields.Date(
        string="Payment Date Announced",
        copy=False,
        readonly=True,
        help="Day the customer says it paid this invoice (on its follow-up page).",
        groups=READERS,
    )
    dunning_pause_until = fields.Date(
        string="Chase Paused Until",
        copy=False,
        readonly=True,
        help="The customer announced its payment: no follow-up until this day, waiting for the bank statement. "
        "Without a payment by then, follow-ups resume where they were.",
        groups=READERS,
    )
    dunning_answer_ids = fields.Many2many(
        "account.dunning.answer",
        "account_dunning_answer_account_move_rel",
        "move_id",
        "answer_id",
        string="Customer Answers",
        copy=False,
        readonly=True,
        groups=READERS,
    )
