from datetime import timedelta

from psycopg2 import IntegrityError

from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common_behaviour import TODAY, PaymentBehaviourCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestPaymentIncidents(PaymentBehaviourCommon):
    """Disputes and formal notices inside the window are incidents that the default rules class as risky."""

    def segment(self, partner):
        return partner.with_company(self.company).dunning_segment

    def test_rule_three_disputes_is_risky_even_once_resolved(self):
        customer = self.make_customer("Quarrelsome")
        self.make_history(customer, [0, 0, 0])
        invoices = self.env["account.move"].union(
            *(self.make_invoice(customer, TODAY + timedelta(days=10 + day)) for day in range(3))
        )
        invoices[:2]._dunning_set_dispute("Goods damaged")
        customer._dunning_recompute_payment_stats(self.company)
        self.assertEqual(self.segment(customer), "good")
        self.assertEqual(customer.with_company(self.company).dunning_dispute_count, 2)
        invoices[2]._dunning_set_dispute("Wrong quantity")
        invoices.action_dunning_resolve_dispute()
        customer._dunning_recompute_payment_stats(self.company)
        partner = customer.with_company(self.company)
        self.assertEqual(partner.dunning_segment, "risky")
        self.assertEqual(partner.dunning_dispute_count, 3)
        self.assertIn("Incidents: 3 disputed invoices.", partner.dunning_segment_explanation)
        self.assertIn("Disputed three invoices or more", partner.dunning_segment_explanation)
        self.assertEqual(invoices[0].dunning_dispute_date, TODAY)
        # as of the day before the disputes, they did not exist yet
        self.assertEqual(self.stats(customer, as_of=TODAY - timedelta(days=1))["dispute_count"], 0)

    def test_disputes_outside_the_window_are_forgotten(self):
        customer = self.make_customer("Old Quarrel")
        self.make_history(customer, [0, 0, 0])
        invoices = self.env["account.move"].union(*(self.make_invoice(customer, TODAY) for _i in range(3)))
        invoices._dunning_set_dispute("Late delivery")
        later = TODAY + timedelta(days=self.company.dunning_policy_id.window_days)
        self.assertEqual(self.stats(customer, as_of=later - timedelta(days=1))["dispute_count"], 3)
        self.assertEqual(self.stats(customer, as_of=later)["dispute_count"], 0)

    def test_rule_a_formal_notice_is_risky(self):
        customer = self.make_customer("Noticed")
        self.make_history(customer, [0, 0, 0])
        invoice = self.make_invoice(customer, TODAY - timedelta(days=20))
        levels = self.env["account.dunning.level"].search([("company_id", "=", self.company.id)])
        notice = levels.filtered(lambda level: level.letter_variant == "formal_notice")[:1]
        reminder = levels.filtered(lambda level: level.letter_variant == "reminder")[:1]
        Action = self.env["account.dunning.action"].sudo()  # follow-ups are made by the run only
        values = {"partner_id": customer.id, "company_id": self.company.id, "move_ids": invoice.ids}
        Action.create({**values, "level_id": reminder.id, "date": TODAY - timedelta(days=5), "state": "done"})
        Action.create({**values, "level_id": notice.id, "date": TODAY - timedelta(days=2), "state": "cancelled"})
        customer._dunning_recompute_payment_stats(self.company)
        self.assertEqual(self.segment(customer), "good", "reminders and cancelled notices are no incident")
        Action.create({**values, "level_id": notice.id, "date": TODAY - timedelta(days=1), "state": "done"})
        customer._dunning_recompute_payment_stats(self.company)
        partner = customer.with_company(self.company)
        self.assertEqual(partner.dunning_segment, "risky")
        self.assertEqual(partner.dunning_formal_notice_count, 1)
        # risky: the risky customers' ladder; never paid late, in a company whose paid invoices were never late
        # (p(0) = 1.0): k = 0, (0 + 3 x 1.0) / (0 + 3) = 100 %: no tolerance
        self.assertEqual(partner.dunning_tolerance_days, 0)
        self.assertIn("Received a formal notice", partner.dunning_segment_explanation)
        self.assertEqual(self.stats(customer, as_of=TODAY - timedelta(days=2))["formal_notice_count"], 0)

    def test_incident_thresholds_cannot_be_negative(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["account.dunning.segment.rule"].create(
                {"name": "Negative", "segment": "bad", "min_delay_avg": 1, "min_dispute_count": -1}
            )

    def test_default_rules_are_named_in_every_installed_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["account_dunning"], ["fr_FR"], overwrite=True)
        company = self.env["res.company"].with_context(lang="fr_FR").create({"name": "Filiale FR"})
        rule = self.env["account.dunning.segment.rule"].search(
            [("company_id", "=", company.id), ("min_formal_notice_count", "=", 1)]
        )
        self.assertEqual(rule.with_context(lang="en_US").name, "Received a formal notice")
        self.assertEqual(rule.with_context(lang="fr_FR").name, "A reçu une mise en demeure")
