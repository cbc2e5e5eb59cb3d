from unittest.mock import patch

from odoo import Command
from odoo.addons.account.models.account_move import AccountMove
from odoo.tests import tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestDunningExclusions(DunningRunCommon):
    def _reasons(self, result):
        return {entry["partner"]: entry["reason"] for entry in result["skipped"]}

    def test_excluded_customer(self):
        self._invoice(self.customer, 100, "2025-01-01")
        self.customer.with_company(self.company).dunning_excluded = True
        result = self._run("2025-01-05")
        self.assertEqual(self._reasons(result), {self.customer: "excluded"})
        self.assertFalse(self._actions())

    def test_disputed_invoice_is_out_until_resolved(self):
        disputed = self._invoice(self.customer, 100, "2025-01-01")
        other = self._invoice(self.customer, 200, "2025-01-02")
        wizard = (
            self.env["account.move.dunning.wizard"]
            .with_context(active_model="account.move", active_ids=disputed.ids)
            .create({"mode": "dispute", "dispute_reason": "Goods damaged"})
        )
        wizard.action_confirm()
        self.assertTrue(disputed.dunning_dispute)
        self._run("2025-01-05")
        self.assertEqual(self._actions().move_ids, other)
        disputed.action_dunning_resolve_dispute()
        self.assertFalse(disputed.dunning_dispute)
        self._run("2025-01-20")
        self.assertIn(disputed, self._actions()[-1].move_ids)

    def test_promise_pauses_then_broken_promise_resumes_one_level_up(self):
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-01-02")
        self.assertEqual(invoice.dunning_level_id, self.levels[0])
        self.env["account.move.dunning.wizard"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"mode": "promise", "promise_date": "2025-02-10", "promise_amount": 60}).action_confirm()
        # level 2 (+15) is due on 2025-01-16, but the promise runs until 2025-02-10
        self.assertFalse(self._run("2025-02-10")["followups"])
        self._pay(invoice, 20, "2025-02-05")  # less than promised: broken
        result = self._run("2025-02-11")
        self.assertEqual(result["followups"][0]["level"], self.levels[1])
        self.assertTrue(result["followups"][0]["broken_promise"])
        self.assertEqual(invoice.dunning_level_id, self.levels[1])
        # the follow-up ends the promise without clearing it (a simulation of the past replays it)
        promise = (invoice.dunning_promise_date, invoice.dunning_promise_ended_date)
        self.assertEqual(promise, (self.d("2025-02-10"), self.d("2025-02-11")))
        # an ended promise, still broken, escalates no more: the next level (+30, reached) waits for its interval
        result = self._run("2025-02-12")
        self.assertFalse(result["followups"])
        self.assertEqual([entry["reason"] for entry in result["skipped"]], ["interval"])
        result = self._run("2025-02-25")  # 14 days after the last follow-up
        self.assertEqual(result["followups"][0]["level"], self.levels[2])
        self.assertFalse(result["followups"][0]["broken_promise"])

    def test_broken_promise_ignores_the_interval(self):
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-01-20")
        invoice._dunning_set_promise(self.d("2025-01-22"))
        result = self._run("2025-01-23")  # 3 days after the reminder, interval is 14
        self.assertEqual(result["followups"][0]["level"], self.levels[1])

    def test_kept_promise_follows_the_normal_ladder(self):
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-01-20")
        invoice._dunning_set_promise(self.d("2025-01-25"), 40)
        self._pay(invoice, 40, "2025-01-24")
        result = self._run("2025-01-26")  # promise kept: the interval applies again
        self.assertEqual([entry["reason"] for entry in result["skipped"]], ["interval"])

    def test_unreconciled_payment_covers_the_debt(self):
        self._invoice(self.customer, 100, "2025-01-01")
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": 100,
                "date": "2025-01-03",
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        result = self._run("2025-01-05")
        self.assertEqual(self._reasons(result), {self.customer: "to_reconcile"})
        self.assertTrue(self.customer.with_company(self.company).dunning_to_reconcile)
        self.assertFalse(self._actions())

    def test_unreconciled_credit_note_smaller_than_the_debt_does_not_stop(self):
        self._invoice(self.customer, 100, "2025-01-01")
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer.id,
                "invoice_date": "2025-01-02",
                "invoice_line_ids": [Command.create({"name": "Refund", "price_unit": 30, "tax_ids": []})],
            }
        )
        refund.action_post()
        self._run("2025-01-05")
        self.assertEqual(len(self._actions()), 1)
        self.assertFalse(self.customer.with_company(self.company).dunning_to_reconcile)

    def test_total_below_the_company_minimum(self):
        self.company.dunning_min_amount = 150
        self._invoice(self.customer, 100, "2025-01-01")
        result = self._run("2025-01-05")
        self.assertEqual(self._reasons(result), {self.customer: "below_minimum"})
        self._invoice(self.customer, 60, "2025-01-02")
        self._run("2025-01-05")
        self.assertEqual(len(self._actions()), 1)

    def test_invoice_in_payment_is_not_overdue(self):
        paid = self._invoice(self.customer, 100, "2025-01-01")
        other = self._invoice(self.customer, 80, "2025-01-01")
        # payments go to an outstanding account until matched with the bank statement
        outstanding = (
            self.env["account.account"]
            .with_company(self.company)
            .create(
                {"name": "Outstanding Receipts", "code": "101999", "account_type": "asset_current", "reconcile": True}
            )
        )
        bank = self.company_data["default_journal_bank"]
        bank.inbound_payment_method_line_ids.payment_account_id = outstanding
        # Community declares registered payments 'paid' at once; the accountant app's hook says 'in_payment'
        with patch.object(AccountMove, "_get_invoice_in_payment_state", lambda move: "in_payment"):
            self._pay(paid, 100, "2025-01-03")
            self.assertEqual(paid.payment_state, "in_payment")
        self._run("2025-01-05")
        self.assertEqual(self._actions().move_ids, other)

    def test_litigation_invoices_are_left_out(self):
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        invoice.dunning_litigation = True
        self.assertFalse(self._run("2025-01-05")["followups"])
