from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_amount, format_date


class AccountDunningAction(models.Model):
    _inherit = "account.dunning.action"  # pylint: disable=consider-merging-classes-inherited

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
