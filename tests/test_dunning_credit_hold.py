from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestDunningCreditHold(DunningRunCommon):
    """The credit hold a level sets is lifted when the customer owes nothing overdue any more, or by a billing user
    with a reason kept in the accounting records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first = cls._invoice(cls.customer, 400, "2025-01-01")
        cls.second = cls._invoice(cls.customer, 600, "2025-01-10")
        # a level that puts the customer on hold, as the formal notice does
        cls.levels[0].set_on_hold = True
        cls.held = cls.customer.with_company(cls.company)

    def _hold(self):
        self._run("2025-01-20")
        self.assertTrue(self.held.dunning_on_hold)
        return self._actions(self.customer)[-1]

    def test_paying_everything_overdue_lifts_the_hold(self):
        action = self._hold()
        self._pay(self.first, 400, "2025-01-25")
        self.assertTrue(self.held.dunning_on_hold, "the second invoice is still overdue")
        self._pay(self.second, 600, "2025-01-26")
        self.assertFalse(self.held.dunning_on_hold, "nothing overdue: lifted")
        self.assertIn("nothing is overdue any more", action.message_ids[0].body, "noted on the follow-up")
        self.assertFalse(
            self.customer.message_ids.filtered(lambda message: "hold" in str(message.body)),
            "not in the contact's chatter",
        )

    def test_the_daily_run_lifts_holds_left_behind(self):
        self._hold()
        # a customer put on hold by hand, who owes nothing overdue
        settled = self._create_customer("Settled SARL", email="ap@settled.example")
        settled.with_company(self.company).sudo().dunning_on_hold = True
        self.run_service._lift_settled_holds(self.company)
        self.assertFalse(settled.with_company(self.company).dunning_on_hold)
        self.assertTrue(self.held.dunning_on_hold, "a customer still owing overdue invoices stays on hold")

    def test_a_billing_user_lifts_the_hold_with_a_reason(self):
        action = self._hold()
        wizard_action = self.customer.with_user(self.collector).action_dunning_lift_hold()
        wizard = Form(
            self.env[wizard_action["res_model"]].with_user(self.collector).with_context(**wizard_action["context"])
        )
        wizard.reason = "Payment plan agreed with the CFO"
        wizard.save().action_confirm()
        self.assertFalse(self.held.dunning_on_hold)
        self.assertIn("Payment plan agreed with the CFO", action.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "not on credit hold"):
            self.customer.with_user(self.collector)._dunning_lift_hold(self.company, "Again")

    def test_lifting_needs_a_reason_and_the_billing_group(self):
        self._hold()
        with self.assertRaisesRegex(UserError, "Give the reason"):
            self.customer.with_user(self.collector)._dunning_lift_hold(self.company, " ")
        employee = new_test_user(self.env, login="hold_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.customer.with_user(employee)._dunning_lift_hold(self.company, "Because")
        self.assertTrue(self.held.dunning_on_hold)
