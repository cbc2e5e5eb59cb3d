import json
from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common_answers import PNG, DunningAnswersCommon


@tagged("post_install", "-at_install")
class TestDunningAnswersSecurity(DunningAnswersCommon, HttpCase):
    """The follow-up page shows a customer's data only to the holder of its valid link, and takes answers only on
    that customer's own open invoices, through forms carrying Odoo's CSRF token, within an hourly limit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._overdue(cls.customer, 1200, 20)
        cls.other = cls._create_customer("Martin SA", email="ap@martin.example")
        cls.other_invoice = cls._overdue(cls.other, 777, 20)

    def setUp(self):
        super().setUp()
        self.access = self._link(self.customer)
        self.other_access = self._link(self.other)

    def _assert_nothing_shown(self, response):
        self.assertEqual(response.status_code, 404)
        self.assertIn("This link is not valid", response.text)
        for secret in ("Dupont SARL", "Martin SA", self.invoice.name, self.other_invoice.name, "1,200.00"):
            self.assertNotIn(secret, response.text)

    def test_wrong_expired_or_revoked_link_shows_nothing(self):
        self._assert_nothing_shown(self.url_open("/followup/" + "x" * 43))
        self._assert_nothing_shown(self.url_open("/followup/short"))
        self._assert_nothing_shown(self.url_open(f"{self._path(self.access)[:-1]}/statement"))
        self.access.sudo().expiry_date = self.today - timedelta(days=1)
        self._assert_nothing_shown(self.url_open(self._path(self.access)))
        self._assert_nothing_shown(self.url_open(f"{self._path(self.access)}/statement"))
        self._assert_nothing_shown(self.url_open(f"{self._path(self.access)}/invoice/{self.invoice.id}"))
        self.other_access.with_user(self.collector).action_revoke()
        self.assertEqual(self.other_access.state, "revoked")
        self._assert_nothing_shown(self.url_open(self._path(self.other_access)))
        # the next reminder brings a new link: revoked and soon-expiring ones are never reused
        self.assertNotEqual(self._link(self.customer), self.access)
        self.assertNotEqual(self._link(self.other), self.other_access)

    def test_a_customer_link_shows_only_that_customer(self):
        html = self.url_open(self._path(self.other_access)).text
        self.assertIn(self.other_invoice.name, html)
        self.assertNotIn(self.invoice.name, html)
        self.assertNotIn("Dupont SARL", html)
        stranger = self.url_open(f"{self._path(self.other_access)}/invoice/{self.invoice.id}")
        self.assertEqual(stranger.status_code, 404)

    @mute_logger("odoo.http")
    def test_form_without_csrf_token_is_refused(self):
        response = self._post_form(
            self.access,
            "promise",
            {"move_ids": [str(self.invoice.id)], "promise_date": str(self.today + timedelta(days=5))},
            csrf=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.invoice.dunning_promise_date)
        self.assertFalse(self.env["account.dunning.answer"].search([]))

    def test_customer_cannot_act_on_another_customers_invoice_by_changing_ids(self):
        paid = self._overdue(self.customer, 50, 5)
        self._pay(paid, 50, self.today)
        for ids in (
            [self.other_invoice.id],
            [self.invoice.id, self.other_invoice.id],
            [paid.id],
            [999999],
            ["1; drop"],
        ):
            with self.subTest(ids=ids):
                response = self._post_form(
                    self.access,
                    "dispute",
                    {
                        "move_ids": [str(move_id) for move_id in ids],
                        "reason_id": str(self.env.ref("account_dunning.dispute_reason_price").id),
                    },
                )
                self.assertEqual(response.status_code, 400)
        self.assertFalse((self.invoice | self.other_invoice | paid).filtered("dunning_dispute"))
        self.assertFalse(self.env["account.dunning.answer"].search([]))
        # nor pay it online: the transaction route checks the invoices before any payment provider is involved
        error = self._transaction_error(self.access, [self.other_invoice.id], 777.0)
        self.assertIn("not open invoices of your account", error)
        error = self._transaction_error(self.access, [self.invoice.id], 1.0)
        self.assertIn("amount due has changed", error, "the browser does not set the amount")
        self.assertFalse(self.env["payment.transaction"].search([]))

    def _transaction_error(self, access, move_ids, amount):
        """The message of the error the transaction route of the payment form returns."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "provider_id": 1,
                "payment_method_id": 1,
                "token_id": None,
                "amount": amount,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "/",
                "is_validation": False,
            },
        }
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"{self._path(access)}/transaction/{'-'.join(map(str, move_ids))}",
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
        return response.json()["error"]["data"]["message"]

    def test_uploads_of_the_wrong_type_or_too_large_are_refused(self):
        data = {"move_ids": [str(self.invoice.id)], "payment_date": str(self.today), "amount": "100"}
        cases = [
            ({"proof": ("proof.pdf", b"#!/bin/sh\nrm -rf /\n", "application/pdf")}, "PDF, PNG or JPEG"),
            ({"proof": ("proof.png", b"<html><script>alert(1)</script></html>", "image/png")}, "PDF, PNG or JPEG"),
            ({"proof": ("big.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "application/pdf")}, "too large"),
        ]
        for files, message in cases:
            with self.subTest(message=message, name=files["proof"][0]):
                response = self._post_form(self.access, "paid", data, files=files)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
        self.assertFalse(self.invoice.dunning_pause_until)
        self.assertFalse(self.env["account.dunning.answer"].search([]))
        response = self._post_form(self.access, "paid", data, files={"proof": ("scan.png", PNG, "image/png")})
        self.assertEqual(response.status_code, 303, "a real image goes through")

    def test_each_link_has_an_hourly_limit(self):
        self.access.sudo().write({"rate_window_start": "2000-01-01 00:00:00", "rate_post_count": 99})
        self.assertTrue(self.access._dunning_hit("post"), "an old window starts again")
        self.assertEqual(self.access.rate_post_count, 1)
        self.access.sudo().write({"rate_post_count": 30})
        response = self._post_form(
            self.access,
            "promise",
            {"move_ids": [str(self.invoice.id)], "promise_date": str(self.today + timedelta(days=5))},
        )
        self.assertEqual(response.status_code, 429)
        self.assertIn("Too many requests", response.text)
        self.assertFalse(self.invoice.dunning_promise_date)
        self.assertEqual(self.url_open(self._path(self.access)).status_code, 200, "reading the page still works")

    def test_links_are_for_accounting_users_only(self):
        auditor = self.env["res.users"].create(
            {
                "name": "Auditor",
                "login": "links_auditor",
                "groups_id": [(6, 0, [self.env.ref("account.group_account_readonly").id])],
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
            }
        )
        link = self.access.with_user(auditor)
        self.assertEqual(link.partner_id, self.customer)
        with self.assertRaises(AccessError):  # the token is for billing users
            link.read(["token"])
        with self.assertRaises(AccessError):
            link.action_revoke()
        portal = self._portal_user(self.customer, "links_portal")
        with self.assertRaises(AccessError):
            self.env["account.dunning.access"].with_user(portal).search([])
