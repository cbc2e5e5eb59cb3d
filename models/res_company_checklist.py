from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # The first-run checklist: what a company still lacks before real follow-ups go out, each with where to fix it.

    def _dunning_setup_checklist(self):
        """[{key, done, label, detail, url}] for this company, in the order a newcomer fixes them."""
        self.ensure_one()
        _ = self.env._
        company_url = f"/odoo/action-base.action_res_company_form/{self.id}"
        settings_url = "/odoo/action-account.action_account_config"
        return [
            self._dunning_check_item(
                "contact",
                self._dunning_has_contact(),
                _("Company email and postal address"),
                _("Letters and emails show them; replies need an address."),
                company_url,
            ),
            self._dunning_check_item("bank", *self._dunning_bank_status(), settings_url),
            self._dunning_check_item(
                "responsible",
                bool(self.dunning_responsible_id.active),
                _("Default collections responsible"),
                _("Owns calls, litigation and failures of customers without a responsible or salesperson."),
                settings_url,
            ),
            self._dunning_check_item(
                "alias",
                bool(self.alias_domain_id),
                _("Incoming mail domain (alias)"),
                _("Customers' replies to follow-up emails come back into Odoo through it."),
                "/odoo/action-base_setup.action_general_configuration",
            ),
            self._dunning_check_item(
                "templates", *self._dunning_template_status(), "/odoo/action-mail.action_email_template_tree_all"
            ),
            self._dunning_check_item(
                "sending",
                self.dunning_send_enabled,
                _("Send follow-ups automatically"),
                _("Off: every follow-up waits in 'To validate' (switch it on once the rest is ready)."),
                settings_url,
            ),
        ]

    def _dunning_check_item(self, key, done, label, detail, url):
        return {"key": key, "done": bool(done), "label": label, "detail": detail, "url": url}

    def _dunning_has_contact(self):
        """An email and a full postal address (street, zip, city, country)."""
        return all((self.email, self.street, self.zip, self.city, self.country_id))

    def _dunning_bank_status(self):
        """(done, label, detail) of the bank account printed on letters: present, with a valid IBAN and BIC."""
        label = self.env._("Bank account with a valid IBAN and BIC")
        try:
            account = self._dunning_payment_bank_account()
        except UserError as error:
            return False, label, str(error)
        return True, label, account.display_name

    def _dunning_template_status(self):
        """(done, label, detail) of the email templates of the active levels in the languages of the customers
        who have open invoices: a template still in English for a French customer is missing."""
        label = self.env._("Email templates in your customers' languages")
        missing = self._dunning_untranslated_template_langs()
        if not missing:
            return True, label, self.env._("Every template used speaks every customer's language.")
        detail = ", ".join(f"{lang}: {', '.join(names)}" for lang, names in sorted(missing.items()))
        return False, label, self.env._("Not translated: %(missing)s", missing=detail)

    def _dunning_untranslated_template_langs(self):
        """{language code: [template names]} for the customers' languages whose template text is the English one."""
        # sudo: the checklist reads configuration and customers' languages, whoever opens it
        levels = self.env["account.dunning.level"].sudo().search([("company_id", "=", self.id)])
        templates = levels.filtered("channel_email").mail_template_id
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", self.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                ],
                ["commercial_partner_id"],
            )
        )
        langs = {partner.lang for (partner,) in groups if partner.lang and partner.lang != "en_US"}
        missing = {}
        for lang in langs:
            for template in templates:
                english = template.with_context(lang="en_US").body_html
                if template.with_context(lang=lang).body_html == english:
                    missing.setdefault(lang, []).append(template.name)
        return missing

    def _dunning_setup_checklist_html(self):
        """The checklist as HTML: a tick or a cross per item, its explanation and a link to fix it."""
        self.ensure_one()
        rows = Markup().join(
            Markup(
                '<li class="mb-1"><span class="fa {icon} me-1" title="{state}"/><strong>{label}</strong> — {detail} '
                '<a href="{url}">{fix}</a></li>'
            ).format(
                icon="fa-check text-success" if item["done"] else "fa-times text-danger",
                state=self.env._("Done") if item["done"] else self.env._("To do"),
                label=item["label"],
                detail=item["detail"],
                url=item["url"],
                fix=self.env._("Open"),
            )
            for item in self._dunning_setup_checklist()
        )
        return Markup('<ul class="list-unstyled o_dunning_setup_checklist">{}</ul>').format(rows)
