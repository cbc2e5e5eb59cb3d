from odoo.tests import tagged

from .common import DunningRunCommon
from .test_dunning_letters import VALID_IBAN


@tagged("post_install", "-at_install")
class TestDunningSetupChecklist(DunningRunCommon):
    """The first-run checklist says what is missing before real follow-ups go out, with where to fix it."""

    def _state(self, company=None):
        return {item["key"]: item["done"] for item in (company or self.company)._dunning_setup_checklist()}

    def test_a_new_company_sees_what_is_missing_then_nothing(self):
        company = self.setup_other_company(name="Nouvelle SAS")["company"]
        company.partner_id.bank_ids.unlink()
        company.alias_domain_id = False
        state = self._state(company)
        missing = {"contact": False, "bank": False, "responsible": False, "alias": False, "sending": False}
        self.assertEqual(state, {**missing, "templates": True})
        html = company._dunning_setup_checklist_html()
        self.assertIn("fa-times", html)
        self.assertIn(f"/odoo/action-base.action_res_company_form/{company.id}", html)
        # fixing each item ticks it
        company.write(
            {
                "email": "compta@nouvelle.example",
                "street": "1 rue de la Paix",
                "zip": "75002",
                "city": "Paris",
                "country_id": self.env.ref("base.fr").id,
            }
        )
        bank = self.env["res.bank"].create({"name": "Crédit Agricole", "bic": "AGRIFRPP"})
        self.env["res.partner.bank"].create(
            {"acc_number": VALID_IBAN, "partner_id": company.partner_id.id, "bank_id": bank.id}
        )
        company.alias_domain_id = self.env["mail.alias.domain"].create({"name": "nouvelle.example"})
        company.write({"dunning_responsible_id": self.collector.id, "dunning_send_enabled": True})
        self.assertTrue(all(self._state(company).values()), self._state(company))

    def test_templates_in_the_customers_languages(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        self._invoice(self.customer, 100, "2025-01-01")
        # the module's French terms are not loaded in this database: the templates are still English
        self.assertFalse(self._state()["templates"])
        self.assertIn("fr_FR", self.company._dunning_template_status()[2])
        self.env["ir.module.module"]._load_module_terms(["account_dunning"], ["fr_FR"], overwrite=True)
        self.assertTrue(self._state()["templates"])

    def test_checklist_in_the_settings_and_on_the_empty_follow_up_list(self):
        settings = self.env["res.config.settings"].create({})
        self.assertIn("o_dunning_setup_checklist", settings.dunning_setup_checklist)
        help_html = self.env["account.dunning.action"].get_empty_list_help("<p>No follow-up yet</p>")
        self.assertIn("No follow-up yet", help_html)
        self.assertIn("Default collections responsible", help_html)
