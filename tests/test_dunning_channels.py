from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestDunningChannels(DunningRunCommon):
    def test_email_is_queued_in_the_customer_language_to_the_accounting_contact(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-01-05")
        action = self._actions()
        self.assertEqual(action.state, "done")
        mail = self.env["mail.mail"].search([("mail_message_id", "=", action.mail_message_id.id)])
        self.assertEqual(mail.state, "outgoing", "the mail is queued, never force-sent")
        self.assertEqual(mail.email_to, "compta@dupont.example")
        self.assertIn(invoice.name, mail.body_html)
        self.assertIn("access_token=", mail.body_html)
        self.assertEqual(mail.model, "account.dunning.action")
        self.assertEqual(mail.res_id, action.id)
        self.assertIn(action.mail_message_id, action.message_ids)
        self.assertIn(self.levels[0].name, invoice.message_ids[0].body)

    def test_invoices_attached_when_the_level_says_so(self):
        self.levels[0].attach_invoices = True
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-01-05")
        mail = self.env["mail.mail"].search([("mail_message_id", "=", self._actions().mail_message_id.id)])
        self.assertEqual(len(mail.attachment_ids), 1)
        self.assertIn(invoice.name.replace("/", "_"), mail.attachment_ids.name)

    def test_no_email_falls_back_to_a_letter(self):
        no_mail = self._create_customer("Sans Mail SAS")
        self._invoice(no_mail, 100, "2025-01-01")
        self._run("2025-01-05")
        action = self._actions(no_mail)
        self.assertEqual(action.state, "done")
        self.assertFalse(action.channel_email)
        self.assertTrue(action.channel_letter)
        self.assertTrue(action.letter_fallback)
        self.assertEqual(action.letter_state, "to_print")
        letters = self.env["account.dunning.action"].search([("letter_state", "=", "to_print")])
        self.assertEqual(letters, action)
        action.action_mark_printed()
        # a letter is posted the day it is printed (its PDF is dated that day): one never printed cannot be posted
        # (the posting itself: TestDunningNoticePosting)
        posting = action.action_mark_letter_sent()
        with self.assertRaisesRegex(UserError, "not printed on"):
            self.env[posting["res_model"]].browse(posting["res_id"]).action_confirm()
        self.assertEqual(action.letter_state, "printed")

    def test_sms_and_phone_call(self):
        responsible = self.env["res.users"].create({"name": "Collector", "login": "collector"})
        self.customer.write({"mobile": "+32 470 12 34 56"})
        self.customer.with_company(self.company).dunning_responsible_id = responsible
        self.levels[0].write(
            {
                "channel_sms": True,
                "sms_template_id": self.env.ref("account_dunning.sms_template_dunning_reminder").id,
                "channel_phone": True,
            }
        )
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-01-05")
        action = self._actions()
        self.assertEqual(action.sms_id.state, "outgoing")
        self.assertEqual(action.sms_id.number.replace(" ", ""), "+32470123456")
        self.assertIn(invoice.name, action.sms_id.body)
        # the SMS carries one link: the customer's follow-up page (pay, say it paid, promise, dispute)
        self.assertIn(action.access_id.url, action.sms_id.body)
        self.assertIn("/followup/", action.sms_id.body)
        self.assertEqual(action.activity_id.user_id, responsible)
        self.assertEqual(action.activity_id.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertIn(invoice.name, action.activity_id.note)

    def test_responsible_defaults_to_the_salesperson(self):
        salesman = self.env["res.users"].create({"name": "Sales", "login": "sales"})
        self.customer.user_id = salesman
        self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-01-05")
        self.assertEqual(self._actions().user_id, salesman)

    def test_formal_notice_waits_for_validation_and_puts_on_hold(self):
        self.levels[3].direct_entry = True
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-03-01")
        action = self._actions()
        self.assertEqual((action.level_id, action.state), (self.levels[3], "to_validate"))
        self.assertFalse(action.mail_message_id)
        self.assertFalse(invoice.dunning_level_id)
        action.action_send()
        self.assertEqual(action.state, "done")
        self.assertEqual(action.letter_state, "to_print")
        self.assertTrue(self.customer.with_company(self.company).dunning_on_hold)
        self.assertEqual(invoice.dunning_level_id, self.levels[3])

    def test_litigation_level(self):
        self.levels[3].write({"direct_entry": True, "to_litigation": True, "need_validation": False})
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-03-01")
        action = self._actions()
        self.assertTrue(invoice.dunning_litigation)
        self.assertIn(self.env.ref("mail.mail_activity_data_todo"), action.activity_ids.activity_type_id)

    def test_sending_disabled_keeps_everything_for_review(self):
        self.company.dunning_send_enabled = False
        self._invoice(self.customer, 100, "2025-01-01")
        other = self._create_customer("Martin SA", email="martin@example.com")
        self._invoice(other, 100, "2025-01-01")
        self._run("2025-01-05")
        actions = self._actions()
        self.assertEqual(set(actions.mapped("state")), {"to_validate"})
        self.assertFalse(actions.mail_message_id)
        # pending follow-ups block new ones
        self.assertEqual({entry["reason"] for entry in self._run("2025-01-30")["skipped"]}, {"pending"})
        actions[0].action_send()
        actions[1].action_cancel()
        self.assertEqual(actions.mapped("state"), ["done", "cancelled"])

    @mute_logger(
        "odoo.addons.account_dunning.models.account_dunning_run_send", "odoo.addons.mail.models.mail_render_mixin"
    )
    def test_broken_template_fails_that_customer_only(self):
        broken_template = self.levels[0].mail_template_id.copy({"body_html": "<p t-out='object.no_such_field'/>"})
        broken_scenario = self.scenario_good.copy({"segment_ids": False, "name": "Broken"})
        broken_scenario.level_ids[0].mail_template_id = broken_template
        victim = self._create_customer("Broken SA", email="broken@example.com")
        victim.with_company(self.company).dunning_scenario_id = broken_scenario
        victim_invoice = self._invoice(victim, 100, "2025-01-01")
        self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-01-05")
        failed = self._actions(victim)
        self.assertEqual(failed.state, "failed")
        self.assertIn("no_such_field", failed.failure_reason)
        self.assertFalse(failed.mail_message_id)
        self.assertFalse(victim_invoice.dunning_level_id, "nothing half-done")
        self.assertFalse(self.env["mail.mail"].search([("model", "=", failed._name), ("res_id", "=", failed.id)]))
        self.assertEqual(self._actions(self.customer).state, "done")

    def test_emails_of_a_batch_are_queued_each_with_its_own_invoices_and_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["account_dunning"], ["fr_FR"], overwrite=True)
        other = self._create_customer("Martin SAS", email="ap@martin.example", lang="fr_FR")
        mine = self._invoice(self.customer, 100, "2025-01-01")
        theirs = self._invoice(other, 250, "2025-01-01")
        self._run("2025-01-05")
        mails = {
            action.partner_id: self.env["mail.mail"].search([("mail_message_id", "=", action.mail_message_id.id)])
            for action in self._actions()
        }
        self.assertIn(mine.name, mails[self.customer].body_html)
        self.assertNotIn(theirs.name, mails[self.customer].body_html)
        self.assertIn("Amount due", mails[self.customer].body_html)
        self.assertIn(theirs.name, mails[other].body_html)
        self.assertIn("Montant dû", mails[other].body_html)
        self.assertIn("250", mails[other].body_html)
        self.assertEqual(mails[other].email_to, "ap@martin.example")

    def test_shipped_email_templates_need_no_template_compilation(self):
        """Plain field placeholders: Odoo fills them without compiling QWeb for each customer (run speed)."""
        templates = self.env["account.dunning.level"].search([]).mail_template_id
        self.assertEqual(len(templates), 4)
        for template in templates:
            self.assertFalse(template._has_unsafe_expression_template_qweb(template.body_html, template.model))

    @mute_logger(
        "odoo.addons.account_dunning.models.account_dunning_run_send", "odoo.addons.mail.models.mail_render_mixin"
    )
    def test_customer_failing_after_its_email_was_queued_loses_the_email(self):
        scenario = self.scenario_good.copy({"segment_ids": False, "name": "With SMS"})
        first = scenario._get_ordered_levels()[0]
        first.sms_template_id = self.env["sms.template"].create(
            {"name": "Broken", "model_id": first.mail_template_id.model_id.id, "body": "{{ object.no_such_field }}"}
        )
        first.channel_sms = True
        victim = self._create_customer("Broken SMS SA", email="sms@example.com", mobile="+33612345678")
        victim.with_company(self.company).dunning_scenario_id = scenario
        victim_invoice = self._invoice(victim, 100, "2025-01-01")
        self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-01-05")
        failed = self._actions(victim)
        self.assertEqual(failed.state, "failed")
        self.assertFalse(failed.mail_message_id)
        self.assertFalse(self.env["mail.mail"].search([("model", "=", failed._name), ("res_id", "=", failed.id)]))
        self.assertFalse(victim_invoice.dunning_level_id)
        self.assertEqual(self._actions(self.customer).state, "done")

    def test_followup_numbers_are_drawn_together_and_distinct(self):
        partners = [self._create_customer(f"Numbered {index}", email=f"n{index}@example.com") for index in range(3)]
        for partner in partners:
            self._invoice(partner, 100, "2025-01-01")
        self._run("2025-01-05")
        names = self._actions().mapped("name")
        self.assertEqual(len(set(names)), len(names))
        numbers = sorted(int(name.rsplit("/", 1)[1]) for name in names)
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + len(names))))
        self.assertTrue(all(name.startswith("FU/") for name in names))
