from datetime import date, timedelta

from odoo import Command
from odoo.addons.account_dunning.tests.common import DunningRunCommon
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger


class SaleCreditHoldCommon(DunningRunCommon):
    """A customer put on credit hold by a follow-up level (a real run on a real overdue invoice), and the people of
    the sales flow: a salesperson, a sales manager, a billing user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        users = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)], "tz": "UTC"}
        cls.salesman = new_test_user(
            cls.env, login="hold_salesman", name="Sam Vendeur", groups="sales_team.group_sale_salesman", **users
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="hold_sales_manager",
            name="Marie Directrice",
            groups="sales_team.group_sale_manager",
            **users,
        )
        cls.product = cls.env["product.product"].create({"name": "Pallet of paper", "list_price": 250.0})
        cls.customer.user_id = cls.salesman
        cls.customer.with_company(cls.company).dunning_responsible_id = cls.collector
        today = date.today()
        cls.invoice = cls._invoice(cls.customer, 900, today - timedelta(days=20))
        # the first reminder of the good payers puts the customer on hold, as a formal notice does
        cls.levels[0].set_on_hold = True
        cls.env["account.dunning.run"].run_followups(cls.company, today)
        cls.followup = cls.env["account.dunning.action"].search([("partner_id", "=", cls.customer.id)])

    def _order(self, user):
        form = Form(self.env["sale.order"].with_user(user).with_company(self.company))
        form.partner_id = self.customer
        with form.order_line.new() as line:
            line.product_id = self.product
            line.product_uom_qty = 4
        return form.save()


@tagged("post_install", "-at_install")
class TestSaleCreditHold(SaleCreditHoldCommon):
    def test_salesperson_sees_the_hold_not_why_and_cannot_confirm(self):
        self.assertTrue(self.customer.with_company(self.company).dunning_on_hold, "set by the follow-up")
        order = self._order(self.salesman)
        self.assertTrue(order.dunning_credit_hold)
        self.assertTrue(self.customer.with_user(self.salesman).dunning_credit_hold)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).read(["dunning_on_hold"])
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).read(["dunning_segment", "payment_delay_avg"])
        with self.assertRaisesRegex(UserError, "Dupont SARL is on credit hold: contact accounting."):
            order.action_confirm()
        with self.assertRaisesRegex(UserError, "on credit hold: contact accounting"):
            order.action_dunning_confirm_held()
        with self.assertRaises(AccessError):
            order._dunning_confirm_despite_hold("I know the customer")
        self.assertEqual(order.state, "draft")

    def test_sales_manager_confirms_with_a_logged_override(self):
        order = self._order(self.salesman).with_user(self.sales_manager)
        with self.assertRaisesRegex(UserError, "confirm the order with Confirm and a reason"):
            order.action_confirm()
        action = order.action_dunning_confirm_held()
        wizard = Form(self.env[action["res_model"]].with_user(self.sales_manager).with_context(**action["context"]))
        wizard.reason = "Prepayment received by bank transfer"
        wizard.save().action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertRecordValues(
            order,
            [
                {
                    "dunning_hold_override_uid": self.sales_manager.id,
                    "dunning_hold_override_reason": "Prepayment received by bank transfer",
                }
            ],
        )
        self.assertIn("Confirmed despite the customer's credit hold", order.message_ids[0].body)
        self.assertIn(order.name, self.followup.message_ids[0].body, "logged on the customer's follow-up")
        self.assertIn("Marie Directrice", self.followup.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "Give the reason"):
            self._order(self.salesman).with_user(self.sales_manager)._dunning_confirm_despite_hold(" ")

    def test_billing_user_lifts_the_hold_then_the_salesperson_confirms(self):
        order = self._order(self.salesman)
        self.customer.with_user(self.collector)._dunning_lift_hold(self.company, "Payment plan signed")
        self.assertFalse(order.dunning_credit_hold)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn("Payment plan signed", self.followup.message_ids[0].body)
        self.assertFalse(
            order.message_ids.filtered(lambda message: "Payment plan" in str(message.body)),
            "the reason never reaches the sales side",
        )

    def test_paying_what_is_overdue_lifts_the_hold(self):
        order = self._order(self.salesman)
        self._pay(self.invoice, 900, date.today())
        self.assertFalse(order.with_user(self.salesman).dunning_credit_hold)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_an_order_paid_online_goes_through(self):
        order = self._order(self.salesman)
        order.sudo().with_context(dunning_paid_online=True).action_confirm()
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install")
class TestSaleCreditHoldTours(SaleCreditHoldCommon, HttpCase):
    """The two sides of the hold in a browser: the salesperson's refusal, the sales manager's override."""

    def test_salesperson_is_refused_then_the_sales_manager_overrides(self):
        order = self._order(self.salesman)
        with mute_logger("odoo.http"):  # the refusal, a UserError, is logged by the web server
            self.start_tour(
                f"/odoo/action-sale.action_quotations/{order.id}",
                "account_dunning_sale_hold_refused_tour",
                login=self.salesman.login,
            )
        self.assertEqual(order.state, "draft")
        self.start_tour(
            f"/odoo/action-sale.action_quotations/{order.id}",
            "account_dunning_sale_hold_override_tour",
            login=self.sales_manager.login,
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.dunning_hold_override_uid, self.sales_manager)
        self.assertEqual(order.dunning_hold_override_reason, "Prepayment received")
