from datetime import date

from odoo.tests import freeze_time, tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
@freeze_time("2025-03-10")
class TestDunningSegmentFilters(DunningRunCommon):
    """The risk segment as a record on the reports and the customers' answers, for filters by segment records (the
    Collections dashboard's Risk Segment filter). Dupont is a good payer, Risky SA risky, and Newcomer has no segment:
    it counts as New, as the follow-up run reads it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.risky = cls._create_customer("Risky SA", segment="risky", email="risky@example.com")
        cls.newcomer = cls.env["res.partner"].create(
            {
                "name": "Newcomer SARL",
                "is_company": True,
                "email": "new@example.com",
                "dunning_debtor_type": "professional",
            }
        )
        cls.risky_buyer = cls.env["res.partner"].create({"name": "Risky's buyer", "parent_id": cls.risky.id})
        for partner in (cls.customer, cls.risky, cls.newcomer):
            cls._invoice(partner, 500, "2025-03-01")  # 9 days late: a reminder by email, sent at once
        cls.run_service.run_followups(cls.company, date(2025, 3, 10))
        Segment = cls.env["account.dunning.segment"]
        cls.segment = {code: Segment.search([("code", "=", code)]) for code in ("new", "good", "risky")}
        Answer = cls.env["account.dunning.answer"].sudo()
        cls.answers = {
            partner: Answer.create({"kind": "paid", "partner_id": partner.id, "company_id": cls.company.id})
            for partner in (cls.customer, cls.risky_buyer, cls.newcomer)
        }

    def _partners(self, model, segment_codes):
        self.env.flush_all()
        records = self.env[model].search([("segment_id", "in", [self.segment[code].id for code in segment_codes])])
        return records.partner_id.commercial_partner_id

    def test_reports_carry_the_segment_record(self):
        for model in ("account.dunning.analysis", "account.dunning.effectiveness"):
            self.assertEqual(self._partners(model, ["risky"]), self.risky, model)
            self.assertEqual(self._partners(model, ["new"]), self.newcomer, f"{model}: no segment counts as New")
            self.assertEqual(self._partners(model, ["good", "risky"]), self.customer | self.risky, model)

    def test_answers_are_found_by_their_customers_segment(self):
        self.assertEqual(self._partners("account.dunning.answer", ["risky"]), self.risky, "a contact's answer")
        self.assertEqual(self._partners("account.dunning.answer", ["new"]), self.newcomer)
        answers = self.env["account.dunning.answer"].search(
            [("segment_id", "not in", [self.segment["risky"].id]), ("id", "in", [a.id for a in self.answers.values()])]
        )
        self.assertEqual(answers.partner_id, self.customer | self.newcomer)
        self.assertEqual(self.answers[self.risky_buyer].segment_id, self.segment["risky"])
        self.assertEqual(self.answers[self.newcomer].segment_id, self.segment["new"])
        by_name = self.env["account.dunning.answer"].search([("segment_id", "ilike", "risk")])
        self.assertEqual(by_name, self.answers[self.risky_buyer])
