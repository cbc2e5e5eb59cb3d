import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date

_logger = logging.getLogger(__name__)


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
    failure_reason = fields.Text(readonly=True)
    payment_reference = fields.Char(
        compute="_compute_payment_reference",
        store=True,
        index="btree_not_null",
        help="ISO 11649 creditor reference (RF) printed on the letter: search it to find the follow-up "
        "a bank transfer pays.",
    )
    letter_attachment_id = fields.Many2one("ir.attachment", string="Letter PDF", readonly=True, copy=False)
    snailmail_available = fields.Boolean(compute="_compute_snailmail_available")
    # Parts of the emails computed in Python, so that the templates hold plain field placeholders only:
    # Odoo then fills them without compiling the template for each customer (and any user may edit them).
    dunning_invoice_table = fields.Html(
        string="Invoices Table",
        compute="_compute_dunning_email_parts",
        sanitize=False,
        help="The invoices of the follow-up with their online payment links and the totals per currency.",
    )
    dunning_signature = fields.Char(
        string="Signature", compute="_compute_dunning_email_parts", help="Collections responsible, else the company."
    )
    dunning_notice_deadline = fields.Char(
        string="Payment Deadline",
        compute="_compute_dunning_email_parts",
        help="Date by which a formal notice demands payment, in the customer's language.",
    )

    def init(self):
        """A customer gets a given level at most once a day (also under concurrent runs)."""
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS account_dunning_action_unique_per_day
                ON account_dunning_action (company_id, partner_id, level_id, date)
             WHERE state IN ('to_validate', 'done')
            """
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
        return super().create(vals_list)

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
        """Send the follow-ups waiting for validation."""
        if any(action.state != "to_validate" for action in self):
            raise UserError(self.env._("Only follow-ups waiting for validation can be sent."))
        self.env["account.dunning.run"]._send_actions(self)
        return True

    def action_cancel(self):
        """Cancel follow-ups that were not sent."""
        if any(action.state not in ("to_validate", "failed") for action in self):
            raise UserError(self.env._("Only follow-ups waiting for validation or failed can be cancelled."))
        self.write({"state": "cancelled"})
        return True

    def action_mark_printed(self):
        """Letters printed: ready to be posted."""
        self.filtered(lambda action: action.letter_state == "to_print").letter_state = "printed"
        return True

    @api.depends_context("lang")
    @api.depends("line_ids", "user_id", "company_id", "date", "partner_id.lang", "company_id.dunning_notice_days")
    def _compute_dunning_email_parts(self):
        for action in self:
            action.dunning_invoice_table = action._render_invoice_table()
            action.dunning_signature = action.user_id.name or action.company_id.name or ""
            action.dunning_notice_deadline = format_date(
                self.env, action._get_notice_deadline(), lang_code=action.partner_id.lang or None
            )

    def mail_allowed_qweb_expressions(self):
        return (
            *super().mail_allowed_qweb_expressions(),
            "object.company_id.name",
            "object.dunning_invoice_table",
            "object.dunning_signature",
            "object.dunning_notice_deadline",
        )

    def _render_invoice_table(self):
        """The invoices of the follow-up with a 'View and pay' portal link each, then the totals per currency."""
        self.ensure_one()
        _ = self.env._
        cell = Markup('<td style="{}">{}</td>')
        rows = Markup().join(
            Markup("<tr>{}{}{}{}</tr>").format(
                cell.format("", line["name"]),
                cell.format("", format_date(self.env, line["date_due"])),
                cell.format("text-align: right;", format_amount(self.env, line["amount"], line["currency"])),
                Markup('<td><a href="{}">{}</a></td>').format(line["url"], _("View and pay")),
            )
            for line in self._get_portal_lines()
        )
        totals = Markup(", ").join(
            Markup("<strong>{}</strong>").format(format_amount(self.env, amount, currency))
            for currency, amount in self._get_totals_by_currency()
        )
        return Markup(
            '<table style="border-collapse: collapse; width: 100%;" border="1" cellpadding="4">'
            '<tr><th>{}</th><th>{}</th><th style="text-align: right;">{}</th><th>{}</th></tr>{}</table>'
            "<p>{} {}</p>"
        ).format(_("Invoice"), _("Due date"), _("Amount due"), _("Pay online"), rows, _("Total due:"), totals)

    def _get_portal_lines(self):
        """Invoices of the follow-up with their portal link, for the templates."""
        self.ensure_one()
        base_url = self.company_id.get_base_url()
        return [
            {
                "name": line.move_id.name,
                "date_due": line.date_due,
                "amount": line.amount_residual,
                "currency": line.currency_id,
                "days_overdue": line.days_overdue,
                "url": base_url + line.move_id.sudo().get_portal_url(),
            }
            for line in self.line_ids.sorted(lambda line: (line.date_due, line.id))
        ]

    def _get_payment_url(self):
        """Portal link to pay the oldest invoice of the follow-up."""
        self.ensure_one()
        lines = self._get_portal_lines()
        return lines[0]["url"] if lines else ""

    def _get_sms_invoice_summary(self):
        """Short list of the invoices for an SMS: number, due date and amount due."""
        self.ensure_one()
        lang = self.partner_id.lang or None
        return "; ".join(
            "{} ({}) {}".format(
                line["name"],
                format_date(self.env, line["date_due"], lang_code=lang),
                format_amount(self.env, line["amount"], line["currency"], lang_code=lang),
            )
            for line in self._get_portal_lines()
        )

    def _get_sms_totals(self):
        """Totals per currency, for an SMS."""
        self.ensure_one()
        lang = self.partner_id.lang or None
        return ", ".join(
            format_amount(self.env, amount, currency, lang_code=lang)
            for currency, amount in self._get_totals_by_currency()
        )
