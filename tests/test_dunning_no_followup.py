from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestDunningNoFollowup(DunningRunCommon):
    """An invoice flagged "no follow-up" with a reason leaves the chase and keeps counting in the statistics; the
    flag shows on the invoice, the customer's follow-up tab and the customer's page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flagged = cls._invoice(cls.customer, 700, "2025-01-01")
        cls.chased = cls._invoice(cls.customer, 300, "2025-01-01")

    def _flag(self, moves, reason="Credit note under negotiation"):
        wizard = Form(
            self.env["account.move.dunning.no.followup.wizard"]
            .with_user(self.collector)
            .with_context(active_model="account.move", active_ids=moves.ids)
        )
        wizard.reason = reason
        wizard.save().action_confirm()

    def test_flagged_invoice_leaves_the_chase_and_comes_back(self):
        self._flag(self.flagged)
        self.assertRecordValues(
            self.flagged,
            [
                {
                    "dunning_no_followup": True,
                    "dunning_no_followup_reason": "Credit note under negotiation",
                    "dunning_no_followup_uid": self.collector.id,
                    "dunning_no_followup_lifted_date": False,
                }
            ],
        )
        self.assertTrue(self.flagged.dunning_no_followup_date)
        self._run("2025-01-05")
        action = self._actions(self.customer)
        self.assertEqual(action.move_ids, self.chased, "only the other invoice is chased")
        self.assertEqual(action.amount_total, 300)
        # as of the decision, the flag is a fact of the invoice's snapshot
        item = self.run_service._get_live_items(self.d("2025-01-05"), self.flagged)[self.flagged.id]
        self.assertTrue(item.no_followup)
        self.assertFalse(self.run_service._is_move_followed(item, self.d("2025-01-05")))
        # lifted: followed up again by the next run
        self.flagged.with_user(self.collector).action_dunning_resume_followup()
        self.assertFalse(self.flagged.dunning_no_followup)
        self.assertTrue(self.flagged.dunning_no_followup_lifted_date)
        self._run("2025-01-20")
        self.assertIn(self.flagged, self._actions(self.customer)[-1].move_ids)

    def test_statistics_keep_counting_the_flagged_invoice(self):
        self._flag(self.flagged)
        self.customer._dunning_recompute_payment_stats(self.company)
        partner = self.customer.with_company(self.company)
        # 700 + 300 overdue, the flagged invoice included
        self.assertEqual(partner.dunning_overdue_amount, 1000)
        analysis = self.env["account.dunning.analysis"].search([("move_id", "=", self.flagged.id)])
        self.assertEqual(analysis.amount_residual, 700, "the follow-up analysis still shows it")

    def test_the_flag_shows_on_the_customer_and_its_page(self):
        self._flag(self.flagged)
        partner = self.customer.with_user(self.collector).with_company(self.company)
        self.assertEqual(partner.dunning_no_followup_move_ids, self.flagged)
        self.assertEqual(partner.dunning_no_followup_count, 1)
        access = self.env["account.dunning.access"]._dunning_get_for(self.customer, self.company)[self.customer.id]
        status = access._dunning_move_status(self.flagged, self.d("2025-01-05"))
        self.assertIn(("no_followup", "Under review: no reminder"), status)
        self.assertNotIn("Credit note", str(status), "the internal reason is not shown to the customer")
        self.assertIn("Taken out of the follow-ups", self.flagged.message_ids[0].body)
        self.assertNotIn("Credit note", self.flagged.message_ids[0].body, "the reason stays in the accounting field")

    def test_bad_input_and_rights(self):
        with self.assertRaisesRegex(UserError, "Give the reason"):
            self.flagged.with_user(self.collector)._dunning_set_no_followup("  ")
        draft = self.flagged.copy()
        with self.assertRaisesRegex(UserError, "Only posted customer invoices"):
            draft.with_user(self.collector)._dunning_set_no_followup("Negotiation")
        employee = new_test_user(self.env, login="nofollow_employee", groups="base.group_user")
        auditor = new_test_user(self.env, login="nofollow_auditor", groups="account.group_account_readonly")
        with self.assertRaises(AccessError):
            self.flagged.with_user(auditor).action_dunning_no_followup()
        self._flag(self.flagged)
        self.assertEqual(self.flagged.with_user(auditor).dunning_no_followup_reason, "Credit note under negotiation")
        with self.assertRaises(AccessError):
            self.flagged.with_user(employee).read(["dunning_no_followup_reason"])
