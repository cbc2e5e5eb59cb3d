import logging

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.tools import format_amount, format_date, formatLang

_logger = logging.getLogger(__name__)

#: the headline figures of the weekly email, as on the Collections dashboard: (KPI field, kind of value)
DIGEST_FIGURES = (
    ("dso_countback", "days"),
    ("cei", "percent"),
    ("overdue_ar", "amount"),
    ("overdue_share", "percent"),
    ("overdue_60_ar", "amount"),
    ("formal_notice_count", "count"),
)
#: the figures whose rise is good news (for the others a rise is bad news)
RISE_IS_GOOD = ("cei",)
DIGEST_DEBTORS = 5


class AccountDunningKpi(models.Model):
    _inherit = "account.dunning.kpi"  # pylint: disable=consider-merging-classes-inherited

    # The weekly email to the accounting managers: headline figures and their change, the largest debtors.
    @api.model
    def _cron_send_weekly_digest(self):
        """Send the weekly collections email of each company that asked for it to its accounting managers."""
        template = self.env.ref("account_dunning.mail_template_dunning_weekly_digest")
        for company in self.env["res.company"].search([("dunning_weekly_digest", "=", True)]):
            self.with_company(company)._dunning_send_digest(company, template)

    @api.model
    def _dunning_send_digest(self, company, template):
        """One email per accounting manager of the company, in the manager's language; nothing before the KPIs of a
        first month are measured."""
        rows = self._dunning_digest_rows(company)
        if not rows:
            _logger.info("no collection KPIs measured yet for %s: no weekly email", company.name)
            return self.env["mail.mail"]
        mails = self.env["mail.mail"]
        for user in self._dunning_digest_recipients(company):
            values = self.with_context(lang=user.lang)._dunning_digest_values(company, *rows)
            mail_id = template.with_context(dunning_digest=values).send_mail(user.id)
            mails |= self.env["mail.mail"].browse(mail_id)
        return mails

    @api.model
    def _dunning_digest_rows(self, company):
        """The company rows of the latest month measured and of the month before (empty when never measured)."""
        latest = self.search([("company_id", "=", company.id), ("partner_id", "=", False)], order="date desc", limit=1)
        if not latest:
            return ()
        previous = self.search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "=", False),
                ("date", "=", latest.date - relativedelta(months=1)),
            ]
        )
        return latest, previous

    @api.model
    def _dunning_digest_recipients(self, company):
        """The company's accounting managers: internal users with an email address."""
        return self.env["res.users"].search(
            [
                ("groups_id", "in", self.env.ref("account.group_account_manager").id),
                ("company_ids", "in", company.id),
                ("share", "=", False),
                ("email", "!=", False),
            ]
        )

    @api.model
    def _dunning_digest_values(self, company, latest, previous):
        """What the email shows, formatted in the language of the context (the recipient's)."""
        month_format = "MMMM y"
        return {
            "company": company.name,
            "email_from": company.email_formatted or self.env.user.email_formatted,
            "month": format_date(self.env, latest.date, date_format=month_format),
            "previous_month": previous and format_date(self.env, previous.date, date_format=month_format),
            "figures": {
                field: self._dunning_digest_figure(field, kind, latest, previous, company)
                for field, kind in DIGEST_FIGURES
            },
            "debtors": self._dunning_digest_debtors(company),
            "url": self._dunning_digest_url(company),
        }

    @api.model
    def _dunning_digest_figure(self, field, kind, latest, previous, company):
        """A figure of the latest month, and its change on the month before with its colour (green: better)."""
        value = latest[field]
        figure = {"value": self._dunning_digest_format(value, kind, company), "change": "", "color": "#666666"}
        if previous:
            change = value - previous[field]
            sign = "+" if change > 0 else "\N{MINUS SIGN}" if change < 0 else ""
            if kind == "percent":  # a change of a percentage is in points
                text = self.env._("%(points)s pts", points=formatLang(self.env, abs(change), digits=1))
            else:
                text = self._dunning_digest_format(abs(change), kind, company)
            figure["change"] = sign + text
            if change:
                figure["color"] = "#00A04A" if (change > 0) == (field in RISE_IS_GOOD) else "#DC6965"
        return figure

    @api.model
    def _dunning_digest_format(self, value, kind, company):
        if kind == "amount":
            return format_amount(self.env, value, company.currency_id)
        if kind == "count":
            return formatLang(self.env, value, digits=0)
        text = formatLang(self.env, value, digits=1)
        return f"{text} %" if kind == "percent" else text

    @api.model
    def _dunning_digest_debtors(self, company):
        """The customers who owe the most past the due date today, with their segment and last follow-up."""
        debtors = self.env["account.dunning.debtor"]._dunning_top(company, DIGEST_DEBTORS)
        segments = dict(debtors._fields["segment"]._description_selection(self.env))
        return [
            {
                "name": debtor.partner_id.display_name,
                "segment": segments.get(debtor.segment, ""),
                "amount": format_amount(self.env, debtor.amount_overdue, company.currency_id),
                "days": debtor.days_overdue_max,
                "last_followup": format_date(self.env, debtor.last_followup_date) if debtor.last_followup_date else "",
            }
            for debtor in debtors
        ]

    @api.model
    def _dunning_digest_url(self, company):
        """Where the email's button leads: the Follow-up KPIs (the Collections dashboard when its module is there)."""
        return f"{company.get_base_url()}/odoo/action-account_dunning.account_dunning_kpi_action"
