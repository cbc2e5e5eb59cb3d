from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools.security import check_billing
from .account_dunning_level import NOTICE_DELIVERIES


class AccountDunningAction(models.Model):
    _name = "account.dunning.action"
    _description = "Customer Follow-up"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, default="/", copy=False)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True, check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    date = fields.Date(required=True, index=True, readonly=True, default=fields.Date.context_today)
    level_id = fields.Many2one("account.dunning.level", required=True, readonly=True, index=True, check_company=True)
    scenario_id = fields.Many2one("account.dunning.scenario", readonly=True, check_company=True)
    channel_email = fields.Boolean(string="Email", readonly=True)
    channel_sms = fields.Boolean(string="SMS", readonly=True)
    channel_letter = fields.Boolean(string="Letter", readonly=True)
    channel_phone = fields.Boolean(string="Phone Call", readonly=True)
    state = fields.Selection(
        [("to_validate", "To validate"), ("done", "Done"), ("failed", "Failed"), ("cancelled", "Cancelled")],
        default="to_validate",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Responsible", help="Collections responsible for this customer.", tracking=True
    )
    line_ids = fields.One2many("account.dunning.action.line", "action_id", string="Invoices", readonly=True)
    move_ids = fields.Many2many(
        "account.move",
        "account_dunning_action_account_move_rel",
        "action_id",
        "move_id",
        string="Invoices Followed Up",
        readonly=True,
        check_company=True,
    )
    amount_total = fields.Monetary(
        string="Total Due", currency_field="company_currency_id", compute="_compute_amount_total", store=True
    )
    email_to = fields.Char(string="Recipient Email", readonly=True)
    mail_message_id = fields.Many2one("mail.message", string="Email Message", readonly=True)
    sms_id = fields.Many2one("sms.sms", string="SMS Message", readonly=True)
    activity_id = fields.Many2one("mail.activity", string="Phone Call Activity", readonly=True)
    letter_state = fields.Selection(
        [("none", "No letter"), ("to_print", "To print"), ("printed", "Printed"), ("sent", "Sent")],
        default="none",
        required=True,
        tracking=True,
    )
    letter_fallback = fields.Boolean(
        readonly=True, help="A letter replaces the email because the customer has no email address."
    )
    sent_date = fields.Date(
        readonly=True,
        copy=False,
        help="Day the follow-up was sent: its letter is dated and its deadline counts from it.",
    )
    notice_delivery = fields.Selection(
        selection=NOTICE_DELIVERIES,
        string="Formal Notice Sent By",
        help="How the formal notice reaches the customer. The letter says 'registered with acknowledgment of "
        "receipt' only when it is; 'Email only' sends no letter when the customer has an email address.",
    )
    validation_reason = fields.Selection(
        selection=[("debtor_type", "Confirm the debtor type")],
        readonly=True,
        copy=False,
        help="Why this follow-up waits for validation although its level needs none: a company whose debtor type "
        "is not known (no EU VAT number, SIRET nor public-body mark) claims no penalty or indemnity until it is set.",
    )
    failure_reason = fields.Text(readonly=True)
    retry_count = fields.Integer(
        string="Failed Attempts",
        readonly=True,
        copy=False,
        help="Times this follow-up failed. The daily run retries a failed follow-up on this same record, until the "
        "company's maximum of attempts; then it waits for someone to fix the cause.",
    )
    cancel_reason = fields.Text(readonly=True, copy=False)
    partner_key = fields.Integer(
        string="Customer Key",
        readonly=True,
        copy=False,
        help="Id of the customer the follow-up was made for. It keeps the one-follow-up-per-day guard when two "
        "customers are merged: the merged customer then holds both follow-ups.",
    )
    payment_reference = fields.Char(
        compute="_compute_payment_reference",
        store=True,
        index="btree_not_null",
        help="ISO 11649 creditor reference (RF) printed on the letter: search it to find the follow-up "
        "a bank transfer pays.",
    )
    letter_attachment_id = fields.Many2one("ir.attachment", string="Letter PDF", readonly=True, copy=False)
    snailmail_available = fields.Boolean(compute="_compute_snailmail_available")

    def init(self):
        """A customer gets a given level at most once a day (also under concurrent runs).

        The guard is on the customer the follow-up was made for (partner_key, set by create()), not on partner_id:
        merging two customers moves their follow-ups to the one kept instead of deleting those that would clash.
        init() runs on every update: it only makes what must always exist; a later change of existing data or
        indexes goes to a migration script (migrations/<version>/) with a version bump.
        """
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS account_dunning_action_unique_customer_level_day
                ON account_dunning_action (company_id, partner_key, level_id, date)
             WHERE state IN ('to_validate', 'done')
            """
        )

    @api.constrains("partner_id", "move_ids", "line_ids")
    def _check_invoices_of_the_customer(self):
        """A follow-up holds invoices of its own customer only."""
        for action in self:
            moves = action.move_ids | action.line_ids.move_id
            strangers = moves.filtered(lambda move, action=action: move.commercial_partner_id != action.partner_id)
            if strangers:
                raise ValidationError(
                    self.env._(
                        "The follow-up %(name)s of %(customer)s cannot hold invoices of other customers: %(moves)s.",
                        name=action.name,
                        customer=action.partner_id.display_name,
                        moves=", ".join(strangers.mapped("display_name")),
                    )
                )

    @api.depends("name")
    def _compute_payment_reference(self):
        for action in self:
            try:
                action.payment_reference = action._get_payment_reference() if action.name != "/" else False
            except UserError:  # a number that gives no reference: the letter explains it when printed
                action.payment_reference = False

    def _compute_snailmail_available(self):
        self.snailmail_available = "snailmail.letter" in self.env

    @api.depends("line_ids.amount_residual_company")
    def _compute_amount_total(self):
        for action in self:
            action.amount_total = sum(action.line_ids.mapped("amount_residual_company"))

    @api.model_create_multi
    def create(self, vals_list):
        unnamed = [vals for vals in vals_list if vals.get("name", "/") == "/"]
        for vals, name in zip(unnamed, self._next_names(len(unnamed)), strict=True):
            vals["name"] = name
        for vals in vals_list:
            vals.setdefault("partner_key", vals.get("partner_id"))
        return super().create(vals_list)

    @api.model
    def _fields_editable_when_sent(self):
        """Fields a sent follow-up may still change: its letter's progress (printed, posted, its proof of receipt)
        and who is responsible."""
        return {
            "letter_state",
            "letter_attachment_id",
            "letter_date",
            "posted_date",
            "registered_number",
            "first_presentation_date",
            "receipt_proof",
            "receipt_proof_filename",
            "court_file_attachment_id",
            "user_id",
        }

    def write(self, vals):
        """A sent follow-up is a record of what the customer received: only its letter's progress changes."""
        if not self.env.su and any(action.state == "done" for action in self):
            frozen = {
                name
                for name in vals
                if name not in self._fields_editable_when_sent() and not name.startswith(("message_", "activity_"))
            }
            if frozen:
                raise UserError(
                    self.env._(
                        "A sent follow-up cannot be changed (%(fields)s): it records what the customer received.",
                        fields=", ".join(sorted(frozen)),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        """Sent follow-ups are kept as the history of what each customer received; cancel the others instead."""
        if any(action.state == "done" for action in self):
            raise UserError(self.env._("A sent follow-up cannot be deleted: it records what the customer received."))

    @api.model
    def _next_names(self, count):
        """The next `count` follow-up numbers, drawn in one query from a standard sequence (a run creates many)."""
        if not count:
            return []
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "account.dunning.action"), ("company_id", "in", [self.env.company.id, False])],
            order="company_id",
            limit=1,
        )
        if not sequence:
            return ["/"] * count
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence._next() for _index in range(count)]
        self.env.cr.execute(
            SQL("SELECT nextval(%s) FROM generate_series(1, %s)", f"ir_sequence_{sequence.id:03d}", count)
        )
        return [sequence.get_next_char(number) for (number,) in self.env.cr.fetchall()]

    def _get_totals_by_currency(self):
        """Amounts still due, per invoice currency: a list of (currency, amount)."""
        self.ensure_one()
        totals = defaultdict(float)
        for line in self.line_ids:
            totals[line.currency_id] += line.amount_residual
        return [(currency, currency.round(amount)) for currency, amount in totals.items()]

    def _get_channels(self):
        """Channels used by this follow-up, as a list of codes."""
        self.ensure_one()
        return [channel for channel in ("email", "sms", "letter", "phone") if self[f"channel_{channel}"]]

    def action_send(self):
        """Send the follow-ups waiting for validation, with their invoices checked again at this moment."""
        check_billing(self.env)
        if any(action.state != "to_validate" for action in self):
            raise UserError(self.env._("Only follow-ups waiting for validation can be sent."))
        self.env["account.dunning.run"]._send_actions(self._refresh_before_sending())
        return True

    def _refresh_before_sending(self):
        """Drop the invoices paid, disputed, promised, in litigation, frozen by collective proceedings or time-barred
        since the follow-up was prepared and bring
        the amounts due up to date; a follow-up left without invoice is cancelled, so nothing stale goes out
        (and no hold or litigation follows a paid invoice). Returns the follow-ups still to send."""
        today = fields.Date.context_today(self)
        run = self.env["account.dunning.run"]
        items = run._get_live_items(today, self.line_ids.move_id)
        for action in self:
            lines = action.line_ids
            stale = lines.filtered(lambda line: not run._is_move_followed(items[line.move_id.id], today))
            stale_moves = stale.move_id
            # sudo: follow-up lines are written by the module only (billing users read them)
            stale.sudo().unlink()
            for line in (lines - stale).sudo():
                line.write(run._prepare_line_amounts(line.move_id))
            if stale_moves:
                action.move_ids = [fields.Command.unlink(move.id) for move in stale_moves]
                action._message_log(
                    body=self.env._(
                        "Left out when validated (paid, disputed, promised, in litigation, in collective proceedings "
                        "or time-barred since): %(moves)s",
                        moves=", ".join(stale_moves.mapped("name")),
                    )
                )
            if not action.line_ids:
                action._cancel_with_reason(
                    self.env._(
                        "Nothing left to chase when validated: the invoices were paid, "
                        "disputed, promised or sent to litigation in the meantime."
                    )
                )
        return self.filtered(lambda action: action.state == "to_validate")

    def _cancel_with_reason(self, reason):
        """Cancel these follow-ups, keeping why in the record and its chatter."""
        self.write({"state": "cancelled", "cancel_reason": reason})
        self._message_log_batch(bodies=dict.fromkeys(self.ids, reason))

    def action_cancel(self):
        """Cancel follow-ups that were not sent."""
        check_billing(self.env)
        if any(action.state not in ("to_validate", "failed") for action in self):
            raise UserError(self.env._("Only follow-ups waiting for validation or failed can be cancelled."))
        self.write({"state": "cancelled"})
        return True

    def action_retry(self):
        """Retry failed follow-ups now (once their cause is fixed): they are sent again on the same record."""
        check_billing(self.env)
        if any(action.state != "failed" for action in self):
            raise UserError(self.env._("Only failed follow-ups can be retried."))
        self.write({"state": "to_validate", "failure_reason": False, "retry_count": 0})
        return self.action_send()

    def action_mark_printed(self):
        """Letters printed: ready to be posted."""
        check_billing(self.env)
        self.filtered(lambda action: action.letter_state == "to_print").letter_state = "printed"
        return True

    @api.model
    def get_empty_list_help(self, help_message):
        """An empty follow-up list also shows the setup checklist: what is missing before the first real run."""
        help_message = super().get_empty_list_help(help_message)
        if not self.env.user.has_group("account.group_account_invoice"):
            return help_message
        return Markup("{}<div class='text-start mt-3'><p><b>{}</b></p>{}</div>").format(
            Markup(help_message or ""),
            self.env._("Before the first real run:"),
            self.env.company._dunning_setup_checklist_html(),
        )

    def _get_task_owner(self):
        """Who gets the follow-up's tasks (calls, litigation, repeated failures) and signs its letter: its
        responsible, else the company's default collections responsible, else the user at work; never an
        inactive user such as OdooBot."""
        self.ensure_one()
        for user in (self.user_id, self.company_id.dunning_responsible_id, self.env.user):
            if user.active and not user.share:
                return user
        raise UserError(
            self.env._(
                "Set a default collections responsible for %(company)s (Accounting settings, Customer Follow-ups): "
                "the follow-up %(name)s needs someone to own its tasks.",
                company=self.company_id.display_name,
                name=self.name,
            )
        )
