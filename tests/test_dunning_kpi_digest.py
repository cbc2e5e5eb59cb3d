from odoo import Command
from odoo.tests import freeze_time, new_test_user, tagged

from .test_dunning_kpi import DunningLedgerCommon


@tagged("post_install", "-at_install")
@freeze_time("2024-07-03")
class TestDunningKpiDigest(DunningLedgerCommon):
    """The weekly collections email on the ledger of April-June 2024 (see DunningLedgerCommon): June is the latest
    month measured, compared with May.

    May: opening AR 800, sales 3,100, closing 3,100 of which 1,000 not yet due (A's invoice due 9 June): overdue
    2,100 (67.74 %), DSO countback 31.0 (3,100 of May's 3,100 sales), CEI 800 / 2,900 = 27.59 %.
    June: overdue 1,300 (41.94 % of 3,100), DSO countback 31.0, CEI 69.77 % (see TestDunningKpi).
    Today (3 July): B owes 1,800 of its invoice due 25 May (39 days late); A's 1,800 is due on 5 July.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_june_ledger()
        cls.company = cls.company_data["company"]
        cls.Kpi = cls.env["account.dunning.kpi"]
        cls.Kpi._dunning_refresh(cls.company, "2024-04-01", "2024-06-30")
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["account_dunning"], ["fr_FR"], overwrite=True)
        cls.manager_en = cls._user("digest_manager_en", "account.group_account_manager", "en_US", cls.company)
        cls.manager_fr = cls._user("digest_manager_fr", "account.group_account_manager", "fr_FR", cls.company)
        cls.billing = cls._user("digest_billing", "account.group_account_invoice", "en_US", cls.company)
        cls.other = cls._user("digest_other", "account.group_account_manager", "en_US", cls.company_data_2["company"])

    @classmethod
    def _user(cls, login, group, lang, company):
        return new_test_user(
            cls.env,
            login=login,
            groups=group,
            lang=lang,
            email=f"{login}@example.com",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    def _digest_mails(self):
        before = self.env["mail.mail"].search([])
        self.env.ref("account_dunning.account_dunning_kpi_cron_weekly_digest").method_direct_trigger()
        return self.env["mail.mail"].search([]) - before

    def test_off_by_default(self):
        self.assertFalse(self.company.dunning_weekly_digest)
        self.assertFalse(self._digest_mails())

    def test_managers_of_the_company_receive_it_in_their_language(self):
        self.company.dunning_weekly_digest = True
        mails = self._digest_mails()
        managers = self.Kpi._dunning_digest_recipients(self.company)
        self.assertEqual(mails.recipient_ids, managers.partner_id, "one email per manager")
        self.assertEqual(len(mails), len(managers))
        self.assertLessEqual(self.manager_en | self.manager_fr, managers)
        self.assertFalse(managers & (self.billing | self.other), "not billing users, not another company's managers")
        english = mails.filtered(lambda mail: mail.recipient_ids == self.manager_en.partner_id)
        self.assertEqual(english.subject, f"{self.company.name}: collections of June 2024")
        body = english.body_html
        for text in ("DSO, countback (days)", "31.0", "69.8 %", "+42.2 pts", "41.9 %", "Customer B", "Overdue"):
            self.assertIn(text, body)
        # the Follow-up KPIs, or the Collections dashboard when its bridge is installed (tested there)
        self.assertIn(f'href="{self.Kpi._dunning_digest_url(self.company)}"', body)
        french = mails.filtered(lambda mail: mail.recipient_ids == self.manager_fr.partner_id)
        self.assertEqual(french.subject, f"{self.company.name} : recouvrement de juin 2024")
        for text in ("DSO, méthode par épuisement (jours)", "69,8 %", "Les cinq plus gros débiteurs", "Customer B"):
            self.assertIn(text, french.body_html)

    def test_changes_are_coloured_by_what_they_mean(self):
        values = self.Kpi._dunning_digest_values(self.company, *self.Kpi._dunning_digest_rows(self.company))
        figures = values["figures"]
        self.assertEqual(values["month"], "June 2024")
        self.assertEqual(values["previous_month"], "May 2024")
        # CEI rose from 27.59 to 69.77: good news; the overdue fell from 2,100 to 1,300: good news as well
        self.assertEqual((figures["cei"]["change"], figures["cei"]["color"]), ("+42.2 pts", "#00A04A"))
        self.assertEqual(figures["overdue_ar"]["color"], "#00A04A")
        self.assertTrue(figures["overdue_ar"]["change"].startswith("\N{MINUS SIGN}"))
        self.assertEqual((figures["dso_countback"]["change"], figures["dso_countback"]["color"]), ("0.0", "#666666"))
        self.assertEqual(
            [(debtor["name"], debtor["days"]) for debtor in values["debtors"]], [("Customer B", 39)], "overdue only"
        )

    def test_nothing_before_a_first_month_is_measured(self):
        self.Kpi.search([]).unlink()
        self.company.dunning_weekly_digest = True
        self.assertFalse(self._digest_mails())
