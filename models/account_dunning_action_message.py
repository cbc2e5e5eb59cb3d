from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_amount, format_date


class AccountDunningAction(models.Model):
    _inherit = "account.dunning.action"  # pylint: disable=consider-merging-classes-inherited

    # Parts of the emails computed in Python, so that the templates hold plain field placeholders only:
    # Odoo then fills them without compiling the template for each customer (and any user may edit them).
    # Each part has its own compute: a template rendering its emails for a batch computes the parts it prints only
    # (a reminder never reads the rates of a formal notice's consequences).
    dunning_invoice_table = fields.Html(
        string="Invoices Table",
        compute="_compute_dunning_invoice_table",
        sanitize=False,
        help="The invoices of the follow-up with their online payment links and the totals per currency.",
    )
    dunning_signature = fields.Char(
        string="Signature", compute="_compute_dunning_signature", help="Collections responsible, else the company."
    )
    dunning_notice_deadline = fields.Char(
        string="Payment Deadline",
        compute="_compute_dunning_notice_deadline",
        help="Date by which a formal notice demands payment, in the customer's language.",
    )

    dunning_notice_consequences = fields.Char(
        string="Formal Notice Consequences",
        compute="_compute_dunning_notice_consequences",
        help="What a formal notice says follows a failure to pay, true for the customer's debtor type: penalties and "
        "the indemnity for a professional, public procurement interest for a public buyer, legal interest only for "
        "a consumer or a non-professional legal person.",
    )

    @api.depends_context("lang")
    @api.depends("line_ids", "company_id")
    def _compute_dunning_invoice_table(self):
        for action in self:
            action.dunning_invoice_table = action._render_invoice_table()

    @api.depends("user_id", "company_id")
    def _compute_dunning_signature(self):
        for action in self:
            action.dunning_signature = action.user_id.name or action.company_id.name or ""

    @api.depends_context("lang")
    @api.depends("date", "sent_date", "partner_id.lang", "company_id.dunning_notice_days")
    def _compute_dunning_notice_deadline(self):
        for action in self:
            action.dunning_notice_deadline = format_date(
                self.env, action._get_notice_deadline(), lang_code=action.partner_id.lang or None
            )

    @api.depends_context("lang")
    @api.depends("partner_id.dunning_debtor_type", "company_id")
    def _compute_dunning_notice_consequences(self):
        for action in self:
            action.dunning_notice_consequences = action._get_notice_consequences()

    def _get_notice_consequences(self):
        """The sentence of a formal notice about what follows a failure to pay, by debtor type: no threat of
        penalties or fees that the customer does not owe."""
        self.ensure_one()
        _ = self.env._
        debtor = self.partner_id._dunning_debtor_type()
        if debtor == "professional":
            today = fields.Date.context_today(self)
            rate = self.company_id._dunning_penalty_rate_segments(today, today)[0]
            return _(
                "Failing payment by that date, we will take legal action to recover the debt. Late-payment penalties "
                "at the annual rate of %(rate)s (French Commercial Code, article L441-10) and a fixed recovery "
                "indemnity of 40 EUR per late invoice (article D441-5) are also due.",
                rate=self.env["account.move"]._dunning_rate_label(rate),
            )
        if debtor == "public":
            return _(
                "Failing payment by that date, we will take legal action to recover the debt. Late-payment interest at "
                "the ECB rate + 8 points (French Public Procurement Code, article R2192-31) and a fixed recovery "
                "indemnity of 40 EUR per late invoice (article D2192-35) are also due."
            )
        return _(
            "Failing payment by that date, we may take legal action to recover the debt. From the date of this formal "
            "notice, the amount due bears interest at the legal rate (French Civil Code, articles 1231-6 and 1344-1)."
        )

    def _get_sms_notice_consequences(self):
        """The short SMS version of the consequences of a formal notice, by debtor type: no amount (an SMS may be
        read by anyone who holds the phone)."""
        self.ensure_one()
        debtor = self.partner_id._dunning_debtor_type()
        if debtor == "professional":
            return self.env._("Late-payment penalties (L441-10) and the fixed recovery indemnity are due.")
        if debtor == "public":
            return self.env._("Late-payment interest (ECB + 8 points) and the fixed recovery indemnity are due.")
        return self.env._("From this notice, the amount due bears interest at the legal rate (C. civ. 1231-6).")

    def mail_allowed_qweb_expressions(self):
        return (
            *super().mail_allowed_qweb_expressions(),
            "object.company_id.name",
            "object.dunning_invoice_table",
            "object.dunning_signature",
            "object.dunning_notice_deadline",
            "object.dunning_notice_consequences",
            "object.dunning_page_url",  # account_dunning_action_answers.py
        )

    def _render_invoice_table(self):
        """The invoices of the follow-up with a 'View and pay' portal link each, then the totals per currency, then
        the link to the customer's follow-up page (account_dunning_action_answers.py)."""
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
        table = Markup(
            '<table style="border-collapse: collapse; width: 100%;" border="1" cellpadding="4">'
            '<tr><th>{}</th><th>{}</th><th style="text-align: right;">{}</th><th>{}</th></tr>{}</table>'
            "<p>{} {}</p>"
        ).format(_("Invoice"), _("Due date"), _("Amount due"), _("Pay online"), rows, _("Total due:"), totals)
        return table + self._dunning_page_link_html()

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
