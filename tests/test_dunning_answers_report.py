from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_answers import DunningAnswersCommon


@tagged("post_install", "-at_install")
class TestDunningAnswersReport(DunningAnswersCommon):
    """The effectiveness report counts the customers' answers to each follow-up, per level and channel: answered,
    promised, disputed, paid online within 7 days (issue 13). Online payments are Odoo's payment transactions,
    confirmed and post-processed as the payment flow does (paid and reconciled invoices)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payment_method = cls.env.ref("payment.payment_method_unknown")
        cls.provider = cls.env["payment.provider"].create(
            {
                "name": "Test provider",
                "code": "none",
                "state": "test",
                "company_id": cls.company.id,
                "payment_method_ids": [Command.set(cls.payment_method.ids)],
            }
        )
        cls.payment_method.active = True  # once a provider offers it
        cls.promising = cls._create_customer("Promise SA", dunning_email="ap@promise.example")
        cls.replying = cls._create_customer("Reply SA", dunning_email="ap@reply.example")
        # its accounting email bounced and it has no other: its follow-up is a letter (the address stays the payer's)
        cls.paying = cls._create_customer(
            "Online SA", email="ap@online.example", dunning_email="ap@online.example", dunning_email_invalid=True
        )
        cls.late_payer = cls._create_customer("Late SA", email="ap@late.example", dunning_email="ap@late.example")
        cls.silent = cls._create_customer("Silent SA", dunning_email="ap@silent.example")
        cls.invoices = {
            partner: (cls._overdue(partner, 1000, 10), cls._overdue(partner, 200, 5))
            for partner in (cls.promising, cls.replying, cls.paying, cls.late_payer, cls.silent)
        }

    def _pay_online(self, partner, move, when):
        """A confirmed online payment of the invoice from the customer's page, post-processed as Odoo does. (The
        test provider has no payment method line: its payment is registered and linked to the transaction first;
        the demo provider's full flow runs in the browser test of the apps phase.)"""
        access = self._link(partner)
        with freeze_time(when):
            tx = self.env["payment.transaction"].create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.payment_method.id,
                    "reference": f"TEST-{move.name}",
                    "amount": move.amount_residual,
                    "currency_id": move.currency_id.id,
                    "partner_id": partner.id,
                    "invoice_ids": [Command.set(move.ids)],
                    "dunning_access_id": access.id,
                    "operation": "online_direct",
                }
            )
            tx._set_done()
            tx.payment_id = self._pay(move, move.amount_residual, when.date() if hasattr(when, "date") else when)
            tx._post_process()
        return tx

    def _rows(self, partner):
        return self.env["account.dunning.effectiveness"].search([("partner_id", "=", partner.id)])

    def test_answers_per_follow_up_level_and_channel(self):
        self._run(self.today)
        self.assertEqual(self._actions(self.paying).channel_letter, True)
        promise_link = self._link(self.promising)
        first, second = self.invoices[self.promising]
        promise_link._dunning_promise([first.id], self.today + timedelta(days=10), 0.0)
        reason = self.env.ref("account_dunning.dispute_reason_price")
        promise_link._dunning_dispute([second.id], reason.id, "Agreed price was 180", None)
        self._reply(self._actions(self.replying))
        paid_tx = self._pay_online(self.paying, self.invoices[self.paying][0], self.today + timedelta(days=3))
        self._pay_online(self.late_payer, self.invoices[self.late_payer][0], self.today + timedelta(days=8))

        # the online payment is recorded and reconciled by Odoo, and is the customer's answer
        self.assertEqual(self.invoices[self.paying][0].payment_state, "paid")
        online = self._actions(self.paying).answer_ids
        self.assertRecordValues(online, [{"kind": "online", "transaction_id": paid_tx.id, "amount": 1000.0}])
        self.assertEqual(online.activity_id.user_id, self.collector)

        self.env.flush_all()
        expected = {
            # partner: (channel, answered, promised, disputed, paid online within 7 days)
            self.promising: ("email", 1, 1, 1, 0),
            self.replying: ("email", 1, 0, 0, 0),
            self.paying: ("letter", 1, 0, 0, 1),
            self.late_payer: ("email", 1, 0, 0, 0),  # answered online, but 8 days after the follow-up
            self.silent: ("email", 0, 0, 0, 0),
        }
        self._assert_rows(expected)
        # per level and channel, as the pivot shows them
        groups = self.env["account.dunning.effectiveness"]._read_group(
            [("company_id", "=", self.company.id)],
            ["level_id", "channel"],
            ["answered_count:sum", "promised_count:sum", "disputed_count:sum", "paid_online_7_count:sum"],
        )
        totals = {(level, channel): values for level, channel, *values in groups}
        self.assertEqual(totals[(self.levels[0], "email")], [3, 1, 1, 0])
        self.assertEqual(totals[(self.levels[0], "letter")], [1, 0, 0, 1])

    def _assert_rows(self, expected):
        """{customer: (channel, answered, promised, disputed, paid online within 7 days)} on its one row."""
        for partner, (channel, answered, promised, disputed, online_7) in expected.items():
            with self.subTest(customer=partner.name):
                self.assertRecordValues(
                    self._rows(partner),
                    [
                        {
                            "channel": channel,
                            "answered_count": answered,
                            "promised_count": promised,
                            "disputed_count": disputed,
                            "paid_online_7_count": online_7,
                        }
                    ],
                )
