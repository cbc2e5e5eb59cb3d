from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from ..tools.desk import AGE_DAYS, BROKEN_PROMISE_WEIGHT, RISK_WEIGHTS, TASK_KINDS
from ..tools.security import check_billing


class AccountDunningTask(models.Model):
    """The open tasks of the collections desk (My Work), read live from their sources: calls due, customer answers
    to handle, broken promises, disputes to decide, follow-ups to validate, letters to post, job failures and
    contacts to fix. Each is ranked by what is at stake for its customer (tools/desk.py: task_score); a job failure
    stops a whole company's run and comes first. The query: account_dunning_task_query.py."""

    _name = "account.dunning.task"
    _description = "Collections Task"
    _auto = False
    _order = "blocking desc, score desc, date, id"
    _rec_name = "detail"
    _check_company_auto = True
    # what the query reads, flushed before it runs
    _depends = {
        "account.move": [
            "move_type",
            "state",
            "payment_state",
            "commercial_partner_id",
            "company_id",
            "name",
            "invoice_date_due",
            "amount_residual",
            "dunning_dispute",
            "dunning_dispute_date",
            "dunning_promise_date",
            "dunning_promise_amount",
            "dunning_promise_residual",
            "dunning_promise_broken_date",
            "dunning_promise_broken_handled",
        ],
        "account.move.line": [
            "move_id",
            "company_id",
            "parent_state",
            "account_id",
            "reconciled",
            "amount_residual",
            "date_maturity",
        ],
        "account.dunning.action": [
            "name",
            "state",
            "letter_state",
            "partner_id",
            "company_id",
            "user_id",
            "date",
            "sent_date",
            "move_ids",
        ],
        "account.dunning.answer": [
            "state",
            "partner_id",
            "company_id",
            "user_id",
            "action_id",
            "activity_id",
            "comment",
            "payment_reference",
            "email_from",
            "date",
            "move_ids",
        ],
        "account.account": ["account_type"],
        "account.dunning.job.failure": ["state", "message", "first_date", "company_id"],
        "mail.activity": ["res_model", "res_id", "active", "activity_type_id", "date_deadline", "user_id", "summary"],
        "res.partner": [
            "user_id",
            "phone",
            "mobile",
            "dunning_wrong_phone",
            "dunning_responsible_id",
            "dunning_segment",
        ],
        "res.users": ["active"],
        "res.company": ["dunning_responsible_id", "currency_id"],
    }

    kind = fields.Selection(TASK_KINDS, readonly=True)
    detail = fields.Char(string="Task", readonly=True)
    date = fields.Date(string="Due", readonly=True, help="Day the task became due.")
    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    action_id = fields.Many2one("account.dunning.action", string="Follow-up", readonly=True)
    answer_id = fields.Many2one("account.dunning.answer", readonly=True)
    activity_id = fields.Many2one("mail.activity", string="Call Task", readonly=True)
    failure_id = fields.Many2one("account.dunning.job.failure", string="Job Failure", readonly=True)
    move_count = fields.Integer(string="Invoices", readonly=True)
    amount_overdue = fields.Monetary(
        currency_field="company_currency_id",
        readonly=True,
        help="What the customer owes past its due dates in the company (company currency).",
    )
    segment = fields.Selection(
        selection=lambda self: self.env["res.partner"]._dunning_segment_selection(),
        string="Risk Segment",
        readonly=True,
    )
    oldest_days = fields.Integer(
        string="Oldest Overdue (days)", readonly=True, help="Days past the due date of its oldest overdue invoice."
    )
    broken_promise_count = fields.Integer(
        string="Broken Promises", readonly=True, help="Promises to pay the customer broke in the last year."
    )
    score = fields.Float(
        string="Rank",
        digits=(16, 0),
        readonly=True,
        help="What is at stake: amount overdue x risk weight of the segment x (1 + days of the oldest overdue "
        "invoice / 30) x (1 + 0.5 x broken promises of the last year). Job failures come first.",
    )
    blocking = fields.Boolean(readonly=True, help="A job failure: the follow-ups of a whole company wait for it.")
    rank_explanation = fields.Char(string="Why This Rank", compute="_compute_rank_explanation")

    @api.depends("amount_overdue", "segment", "oldest_days", "broken_promise_count")
    def _compute_rank_explanation(self):
        segments = dict(self._fields["segment"]._description_selection(self.env))
        for task in self:
            if task.blocking:
                task.rank_explanation = self.env._("A job failure: the run of the whole company waits for it.")
                continue
            amount = format_amount(self.env, task.amount_overdue, task.company_currency_id)
            task.rank_explanation = self.env._(
                "%(amount)s overdue x %(weight)s (%(segment)s) x %(age)s (oldest %(days)s days late) x %(promises)s "
                "(%(count)s broken promises)",
                amount=amount,
                weight=RISK_WEIGHTS.get(task.segment or "new", 1.0),
                segment=segments.get(task.segment or "new", task.segment or ""),
                age=round(1 + max(task.oldest_days, 0) / AGE_DAYS, 2),
                days=task.oldest_days,
                promises=1 + BROKEN_PROMISE_WEIGHT * task.broken_promise_count,
                count=task.broken_promise_count,
            )

    # ------------------------------------------------------------------
    # What the collector does from the list
    # ------------------------------------------------------------------
    def action_open(self):
        """Open what the task is about."""
        self.ensure_one()
        if self.kind in ("promise", "dispute"):
            return self._open_invoices()
        record = self.action_id or self.answer_id or self.failure_id
        if self.kind == "answer":
            record = self.answer_id
        elif self.kind == "contact":
            record = self.partner_id
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _open_invoices(self):
        """The customer's invoices of a broken-promise or dispute task."""
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        moves = self._get_moves()
        action.update(
            domain=[("id", "in", moves.ids)],
            context={"create": False, "default_move_type": "out_invoice"},
            name=dict(self._fields["kind"]._description_selection(self.env))[self.kind],
        )
        return action

    def _get_moves(self):
        """The open invoices of the customer a broken-promise or dispute task is about."""
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("commercial_partner_id", "=", self.partner_id.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
        ]
        if self.kind == "dispute":
            return self.env["account.move"].search([*domain, ("dunning_dispute", "=", True)])
        moves = self.env["account.move"].search(domain)
        return moves.filtered(lambda move: move._dunning_is_promise_task())

    def action_log_call(self):
        """Log the outcome of the call."""
        self.ensure_one()
        if self.kind != "call":
            raise UserError(self.env._("Only a call task has a call to log."))
        return self.action_id.action_dunning_log_call()

    def action_mark_done(self):
        """Mark the tasks done that end by a click: an answer handled, a broken promise dealt with, a job failure
        resolved; letters open their posting form (the day they were posted, registration numbers)."""
        check_billing(self.env)
        done = {"answer", "promise", "letter", "failure"}
        if any(task.kind not in done for task in self):
            raise UserError(
                self.env._("Calls end with their outcome, disputes with a decision, follow-ups when sent or cancelled.")
            )
        # what each task is about, read before acting: a task done leaves the list (the view) at once
        answers = self.filtered(lambda task: task.kind == "answer").answer_id
        promises = [task._get_moves() for task in self.filtered(lambda task: task.kind == "promise")]
        letters = self.filtered(lambda task: task.kind == "letter").action_id
        failures = self.filtered(lambda task: task.kind == "failure").failure_id
        answers.action_mark_handled()
        for moves in promises:
            moves._dunning_promise_handled()
        failures.action_resolve()
        return letters.action_mark_letter_sent() if letters else True

    def action_send_followup(self):
        """Validate and send the follow-ups of these tasks."""
        actions = self.filtered(lambda task: task.kind == "validate").action_id
        if not actions:
            raise UserError(self.env._("Select follow-ups waiting for validation."))
        return actions.action_send()

    @api.model
    def _cron_send_digest(self):
        """Daily digest: each collector with open tasks in a company that wants it gets one email listing them, the
        most at stake first (after the daily run)."""
        # sudo: the job reads every collector's tasks to send each one its own
        companies = self.env["res.company"].sudo().search([("dunning_task_digest", "=", True)])
        mails = []
        for company in companies:
            tasks = (
                self.sudo().with_company(company).search([("company_id", "=", company.id), ("user_id", "!=", False)])
            )
            for user, user_tasks in tasks.grouped("user_id").items():
                if user.active and not user.share and user.email:
                    mails.append(self._prepare_digest_mail(company, user, user_tasks))
        # sudo: the digest is the module's notification, queued for the mail cron
        return self.env["mail.mail"].sudo().create(mails)

    @api.model
    def _prepare_digest_mail(self, company, user, tasks):
        """One collector's digest email, in its language."""
        tasks = tasks.with_context(lang=user.lang)
        kinds = dict(self._fields["kind"]._description_selection(tasks.env))
        counts = [(kinds[kind], len(group)) for kind, group in tasks.grouped("kind").items()]
        body = (
            self.env["ir.qweb"]
            .with_context(lang=user.lang)
            ._render(
                "account_dunning.task_digest_email",
                {
                    "user": user,
                    "company": company,
                    "counts": counts,
                    "tasks": tasks[:20],
                    "kinds": kinds,
                    "url": f"{company.get_base_url()}/odoo/action-account_dunning.account_dunning_task_action",
                },
            )
        )
        return {
            "subject": self.with_context(lang=user.lang).env._(
                "%(company)s: your %(count)s follow-up tasks today", company=company.name, count=len(tasks)
            ),
            "body_html": body,
            "email_to": user.email_formatted,
            "email_from": company.email_formatted or user.email_formatted,
            "auto_delete": True,
        }
