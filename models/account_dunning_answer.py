import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.rules import awaiting_answer
from ..tools.security import check_billing

_logger = logging.getLogger(__name__)


class AccountDunningAnswer(models.Model):
    _name = "account.dunning.answer"
    _description = "Customer Answer to a Follow-up"
    _order = "date desc, id desc"
    _check_company_auto = True

    kind = fields.Selection(
        [
            ("reply", "Email reply"),
            ("paid", "Payment announced"),
            ("promise", "Promise to pay"),
            ("dispute", "Dispute"),
            ("online", "Paid online"),
        ],
        required=True,
        readonly=True,
        index=True,
    )
    channel = fields.Selection(
        [("email", "Email"), ("page", "Follow-up page")], required=True, readonly=True, default="page"
    )
    state = fields.Selection(
        [("open", "To handle"), ("handled", "Handled")], default="open", required=True, readonly=True, index=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    action_id = fields.Many2one(
        "account.dunning.action",
        string="Follow-up",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        help="The follow-up the customer answered: the one replied to, else its latest follow-up.",
    )
    move_ids = fields.Many2many(
        "account.move",
        "account_dunning_answer_account_move_rel",
        "answer_id",
        "move_id",
        string="Invoices",
        readonly=True,
        check_company=True,
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary(readonly=True, currency_field="currency_id")
    payment_date = fields.Date(string="Paid On", readonly=True, help="Day the customer says it paid.")
    payment_reference = fields.Char(readonly=True)
    pause_until = fields.Date(string="Chase Paused Until", readonly=True)
    promise_date = fields.Date(string="Promised For", readonly=True)
    dispute_reason_id = fields.Many2one("account.dunning.dispute.reason", readonly=True)
    comment = fields.Text(readonly=True)
    attachment_ids = fields.Many2many("ir.attachment", string="Documents", readonly=True)
    message_id = fields.Many2one("mail.message", string="Email", readonly=True, ondelete="set null")
    email_from = fields.Char(readonly=True)
    transaction_id = fields.Many2one("payment.transaction", string="Online Payment", readonly=True)
    activity_id = fields.Many2one("mail.activity", string="Task", readonly=True, ondelete="set null")
    handled_uid = fields.Many2one("res.users", string="Handled By", readonly=True)
    handled_date = fields.Datetime(string="Handled On", readonly=True)
    disputed_open = fields.Boolean(compute="_compute_disputed_open", help="Some of its invoices are still disputed.")

    @api.depends("kind", "partner_id", "date")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for answer in self:
            answer.display_name = f"{kinds.get(answer.kind, '')}: {answer.partner_id.display_name or ''}"

    @api.depends("kind", "move_ids.dunning_dispute")
    def _compute_disputed_open(self):
        for answer in self:
            answer.disputed_open = answer.kind == "dispute" and any(answer.move_ids.mapped("dunning_dispute"))

    @api.model
    def _dunning_latest_action(self, partner, company, moves=None):
        """The follow-up a customer answers: its latest sent follow-up holding one of these invoices, else its
        latest sent follow-up in the company (empty when it has none)."""
        # sudo: the customer (anonymous on its page) answers its own follow-ups
        actions = self.env["account.dunning.action"].sudo()
        domain = [
            ("partner_id", "=", partner.commercial_partner_id.id),
            ("company_id", "=", company.id),
            ("state", "=", "done"),
        ]
        if moves:
            action = actions.search([*domain, ("move_ids", "in", moves.ids)], order="date desc, id desc", limit=1)
            if action:
                return action
        return actions.search(domain, order="date desc, id desc", limit=1)

    @api.model
    def _dunning_record(self, vals, note, summary, upload_vals=None):
        """Record a customer's answer: on the answer list with its document, as a note on the follow-up and the
        invoices, and as one task for the collections responsible. Returns the answer (sudo)."""
        # sudo: answers come from the customer (page, email gateway, online payment), after their checks
        answer = self.sudo().create(vals)
        if upload_vals:
            answer._dunning_attach(upload_vals)
        if answer.action_id:
            answer.action_id._message_log(body=note, attachment_ids=answer.attachment_ids.ids)
        if answer.move_ids:
            answer.move_ids._message_log_batch(bodies=dict.fromkeys(answer.move_ids.ids, note))
        answer._dunning_schedule_task(summary, note)
        return answer

    def _dunning_attach(self, upload_vals):
        """Keep the customer's document on the answer, stored on its follow-up (its chatter shows it)."""
        self.ensure_one()
        record = self.action_id or self
        # sudo: the document comes from the customer, checked before (type and size)
        self.attachment_ids = (
            self.env["ir.attachment"]
            .sudo()
            .create({**upload_vals, "res_model": record._name, "res_id": record.id, "company_id": self.company_id.id})
        )

    def _dunning_task_owner(self):
        """Who handles the answer: the follow-up's owner, else the customer's collections responsible, else the
        company's follow-up manager (None when the company has nobody)."""
        self.ensure_one()
        if self.action_id:
            try:
                return self.action_id._get_task_owner()
            except UserError:
                return self.company_id._dunning_manager() or None
        user = self.partner_id.with_company(self.company_id)._dunning_get_responsible()
        return user if user.active and not user.share else self.company_id._dunning_manager() or None

    def _dunning_schedule_task(self, summary, note):
        """One to-do for the responsible on the follow-up, else on the first invoice."""
        self.ensure_one()
        owner = self._dunning_task_owner()
        record = self.action_id or self.move_ids[:1]
        if not owner or not record:
            _logger.info("Customer answer %s has nobody or nothing to give a task to", self.id)
            return
        activity = record.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.context_today(self),
            summary=summary,
            note=Markup("<p>{}</p>").format(note),
            user_id=owner.id,
        )
        self.write({"activity_id": activity.id, "user_id": owner.id})

    def action_mark_handled(self):
        """The customer got its answer: the reply no longer holds the follow-ups back, the task is done."""
        check_billing(self.env)
        answers = self.filtered(lambda answer: answer.state == "open")
        answers._dunning_set_handled()
        activities = answers.activity_id.exists()
        if activities:
            activities.with_context(dunning_answer_handled=True).action_feedback(
                feedback=self.env._("Customer answer handled.")
            )
        return True

    def _dunning_set_handled(self):
        """Mark these answers handled by the current user, noting it on their follow-ups."""
        if not self:
            return
        # sudo: answers are written by the module only; billing users mark them handled through the button
        self.sudo().write({"state": "handled", "handled_uid": self.env.uid, "handled_date": fields.Datetime.now()})
        for action, answers in self.grouped("action_id").items():
            if action:
                action._message_log(
                    body=self.env._(
                        "Customer answer handled by %(user)s: %(answers)s",
                        user=self.env.user.name,
                        answers=", ".join(answers.mapped("display_name")),
                    )
                )
        self._dunning_log_answers_handled()

    def action_resolve_dispute(self):
        """Resolve the disputes of these answers: their invoices are followed up again; the answers are handled."""
        check_billing(self.env)
        disputes = self.filtered(lambda answer: answer.kind == "dispute")
        if not disputes:
            raise UserError(self.env._("Only a customer's dispute can be resolved from its answer."))
        disputes.move_ids.action_dunning_resolve_dispute()
        return disputes.action_mark_handled()

    @api.model
    def _dunning_awaiting_partner_ids(self, company, date, partners):
        """Customers of the company whose email reply waits for our answer at that date (tools/rules.py), from their
        open replies (one query)."""
        start = fields.Datetime.subtract(fields.Datetime.to_datetime(date), days=company.dunning_reply_pause_days - 1)
        replies = defaultdict(list)
        for reply in self.sudo().search_fetch(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partners.commercial_partner_id.ids),
                ("kind", "=", "reply"),
                ("state", "=", "open"),
                ("date", ">=", start),
                ("date", "<", fields.Datetime.add(fields.Datetime.to_datetime(date), days=1)),
            ],
            ["partner_id", "date"],
        ):
            replies[reply.partner_id.id].append((reply.date.date(), None))
        pause_days = company.dunning_reply_pause_days
        return {partner_id for partner_id, days in replies.items() if awaiting_answer(days, date, pause_days)}
