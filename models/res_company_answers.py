from odoo import api, fields, models

#: sane range of each numeric answer setting: {field: (minimum, maximum)}, part of res.company._dunning_setting_bounds()
DUNNING_ANSWER_SETTING_BOUNDS = {
    "dunning_page_validity_days": (1, 730),
    "dunning_paid_pause_days": (1, 60),
    "dunning_promise_max_days": (1, 365),
    "dunning_reply_pause_days": (1, 90),
}


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # The customer answers back (issue 13): the follow-up page, its actions and the replies that pause the chase.
    dunning_page_validity_days = fields.Integer(
        string="Follow-up Page Links Valid (days)",
        default=90,
        help="Days a customer's follow-up page link stays valid. Each reminder carries a link valid at least half "
        "of this time; older links keep working until they expire, unless revoked.",
    )
    dunning_page_pay_enabled = fields.Boolean(
        string="Pay Now",
        default=True,
        help="Customers pay the invoices they select online, with the company's payment providers.",
    )
    dunning_page_paid_enabled = fields.Boolean(
        string="I Have Already Paid",
        default=True,
        help="Customers announce a payment (date, amount, reference, proof): the chase of those invoices pauses.",
    )
    dunning_page_promise_enabled = fields.Boolean(
        string="I Will Pay On",
        default=True,
        help="Customers promise to pay the invoices they select by a date (the module's promises to pay).",
    )
    dunning_page_dispute_enabled = fields.Boolean(
        string="I Dispute This Invoice",
        default=True,
        help="Customers dispute the invoices they select, with a reason: they leave the chase until resolved.",
    )
    dunning_paid_pause_days = fields.Integer(
        string="Pause after an Announced Payment (days)",
        default=5,
        help="Days the chase of invoices whose payment the customer announced waits for the bank statement; "
        "without a payment by then, follow-ups resume where they were.",
    )
    dunning_promise_max_days = fields.Integer(
        string="Latest Promise Date (days)",
        default=30,
        help="A customer may promise to pay at most this many days ahead on its follow-up page.",
    )
    dunning_reply_pause_days = fields.Integer(
        string="Pause after a Reply (days)",
        default=7,
        help="A customer who replied to a follow-up gets no new one until the reply is marked handled, or until "
        "this many days after the reply.",
    )

    @api.constrains(*DUNNING_ANSWER_SETTING_BOUNDS)
    def _check_dunning_answer_settings(self):
        """The answer settings stay within their sane ranges, like the other follow-up settings."""
        self._check_dunning_setting_bounds()

    def _dunning_page_action_enabled(self, kind):
        """Whether the company lets its customers take this action (pay, paid, promise, dispute) on their page."""
        self.ensure_one()
        return bool(self[f"dunning_page_{kind}_enabled"])
