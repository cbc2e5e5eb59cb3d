from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common_answers import PNG, DunningAnswersCommon


@tagged("post_install", "-at_install")
class TestDunningAnswersPage(DunningAnswersCommon, HttpCase):
    """The customer's follow-up page, opened from the link of its reminder, and its answers (issue 13): each
    recorded on the invoices and the follow-up, with one task for the collections responsible."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.old = cls._overdue(cls.customer, 1200, 20)
        cls.recent = cls._overdue(cls.customer, 300, 10)
        cls.other = cls._create_customer("Martin SA", email="ap@martin.example")
        cls.other_invoice = cls._overdue(cls.other, 777, 20)

    def setUp(self):
        super().setUp()
        self.action = self._send_followup(self.customer)
        self.access = self.action.access_id

    def _task(self, record):
        return record.activity_ids.filtered(lambda activity: activity.user_id == self.collector)

    def _followed(self, move, day):
        """Whether the run's decision follows this invoice up on that day (its snapshot as the run builds it)."""
        item = self.run_service._get_live_items(day, move)[move.id]
        return self.run_service._is_move_followed(item, day)

    def test_reminder_link_opens_the_customer_page(self):
        self.assertTrue(self.access, "the follow-up sent carries the customer's page link")
        self.assertEqual(self.access.partner_id, self.customer)
        self.assertEqual(self.access.expiry_date, self.today + timedelta(days=90))
        self.assertGreaterEqual(len(self.access.token), 43)
        self.assertEqual(self.action._get_payment_url(), self.access.url, "the SMS and letter link")
        self.assertEqual(self.action._get_letter_values()["payment_url"], self.access.url, "the letter's link")
        self.assertIn(self.access.url, self.action.dunning_invoice_table, "the email's link")
        page = self.url_open(self._path(self.access))
        self.assertEqual(page.status_code, 200)
        html = page.text
        for expected in (
            self.old.name,
            self.recent.name,
            "Dupont SARL",
            "Total due",
            "FR76 3000 6000 0112 3456 7890 189",
        ):
            self.assertIn(expected, html)
        # 1,200 + 300 = 1,500 due; the old invoice is 20 days late
        self.assertIn("1,500.00", html)
        self.assertRegex(html, r">\s*20\s*</td>")
        self.assertIn(self.action.payment_reference, html.replace(" ", ""), "the RF reference of its follow-up")
        self.assertIn('alt="SEPA QR code"', html, "one euro total: a SEPA transfer QR code")
        self.assertNotIn(self.other_invoice.name, html)
        self.assertNotIn("Martin SA", html)
        self.assertEqual(self.access.rate_view_count, 1)
        self.assertTrue(self.access.last_used)
        self.assertNotIn("o_dunning_pay_now", html, "no payment provider in the company: no Pay now")
        response = self._post_form(self.access, "pay", {"move_ids": [str(self.old.id)]})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Online payment is not available", response.text)

    def test_page_speaks_the_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        html = self.url_open(self._path(self.access)).text
        self.assertIn('lang="fr-FR"', html)
        self.assertIn(self.old.invoice_date_due.strftime("%d/%m/%Y"), html, "dates in the French format")
        self.assertIn("1\xa0200,00", html, "amounts in the French format")
        # two languages are installed, but the page has no language selector (its links need the website app)
        self.assertNotIn("js_language_selector", html)

    def test_statement_and_invoice_documents_download(self):
        statement = self.url_open(f"{self._path(self.access)}/statement")
        self.assertEqual(statement.status_code, 200)
        self.assertIn("attachment", statement.headers["Content-Disposition"])
        # in test mode Odoo renders reports as HTML: the statement lists the open invoices and the total
        self.assertIn(self.old.name, statement.text)
        self.assertIn("1,500.00", statement.text)
        invoice = self.url_open(f"{self._path(self.access)}/invoice/{self.old.id}")
        self.assertEqual(invoice.status_code, 200)
        self.assertIn("attachment", invoice.headers["Content-Disposition"])
        stranger = self.url_open(f"{self._path(self.access)}/invoice/{self.other_invoice.id}")
        self.assertEqual(stranger.status_code, 404, "another customer's invoice is not served")

    def test_announced_payment_pauses_the_chase_then_resumes_at_the_same_level(self):
        response = self._post_form(
            self.access,
            "paid",
            {"move_ids": [str(self.old.id)], "payment_date": str(self.today), "amount": "1200", "reference": "VIR-42"},
            files={"proof": ("virement.png", PNG, "image/png")},
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("done=paid", response.headers["Location"])
        self.assertIn("we noted your payment", self.url_open(response.headers["Location"]).text)
        self.assertRecordValues(
            self.old,
            [{"dunning_pause_until": self.today + timedelta(days=5), "dunning_paid_announced_date": self.today}],
        )
        self.assertFalse(self.recent.dunning_pause_until, "only the selected invoice")
        answer = self.old.dunning_answer_ids
        self.assertRecordValues(
            answer,
            [{"kind": "paid", "channel": "page", "amount": 1200.0, "payment_reference": "VIR-42", "state": "open"}],
        )
        self.assertEqual(answer.action_id, self.action)
        self.assertEqual(answer.attachment_ids.mimetype, "image/png")
        self.assertEqual(answer.attachment_ids.name, "virement.png")
        self.assertEqual(len(self._task(self.action)), 1, "one task for the collections responsible")
        self.assertIn("announced a payment", self.action.message_ids[0].body)
        self.assertIn("announced a payment", self.old.message_ids[0].body)
        # while the pause runs the invoice is left out; without a payment the chase resumes where it was
        self.assertFalse(self._followed(self.old, self.today + timedelta(days=5)))
        self.assertTrue(self._followed(self.old, self.today + timedelta(days=6)))
        # 14 days on (the level interval), 34 days late: it reached the phone call (+30), but goes on from the
        # level it had (the first reminder) to the second one, as if no payment had been announced
        later = self._run(self.today + timedelta(days=14), preview=True)["followups"]
        self.assertIn(self.old, later[0]["moves"])
        self.assertEqual(later[0]["level"], self.levels[1])

    def test_promise_uses_the_promise_mechanism(self):
        promised = self.today + timedelta(days=10)
        response = self._post_form(
            self.access,
            "promise",
            {
                "move_ids": [str(self.old.id), str(self.recent.id)],
                "promise_date": str(promised),
                "promise_amount": "1300",
            },
        )
        self.assertEqual(response.status_code, 303)
        # 1,300 covers the oldest first: 1,200 (the whole invoice: no amount) then 100 of the 300
        self.assertRecordValues(
            self.old | self.recent,
            [
                {"dunning_promise_date": promised, "dunning_promise_amount": 0.0, "dunning_promise_residual": 1200.0},
                {"dunning_promise_date": promised, "dunning_promise_amount": 100.0, "dunning_promise_residual": 300.0},
            ],
        )
        answer = self.old.dunning_answer_ids
        self.assertRecordValues(answer, [{"kind": "promise", "promise_date": promised, "amount": 1300.0}])
        self.assertEqual(len(self._task(self.action)), 1)
        for move in self.old | self.recent:
            self.assertFalse(self._followed(move, promised), "paused until the promised day")

    def test_dispute_with_a_reason_from_the_list(self):
        reason = self.env.ref("account_dunning.dispute_reason_quality")
        response = self._post_form(
            self.access,
            "dispute",
            {"move_ids": [str(self.recent.id)], "reason_id": str(reason.id), "comment": "Broken screens"},
            files={"dispute_document": ("photo.png", PNG, "image/png")},
        )
        self.assertEqual(response.status_code, 303)
        self.assertRecordValues(
            self.recent, [{"dunning_dispute": True, "dunning_dispute_reason": "Quality problem: Broken screens"}]
        )
        answer = self.recent.dunning_answer_ids
        self.assertRecordValues(answer, [{"kind": "dispute", "dispute_reason_id": reason.id}])
        self.assertTrue(answer.attachment_ids)
        self.assertIn("disputed", self.action.message_ids[0].body)
        page = self.url_open(self._path(self.access)).text
        self.assertIn("o_dunning_status_disputed", page)
        # the accountant resolves it from the answer: the invoice is chased again, the answer handled
        answer.with_user(self.collector).action_resolve_dispute()
        self.assertFalse(self.recent.dunning_dispute)
        self.assertEqual(answer.state, "handled")
        self.assertFalse(self._task(self.action), "its task is done")

    def test_wrong_values_are_refused_with_a_clear_message(self):
        cases = [
            ("paid", {"move_ids": [str(self.old.id)], "payment_date": str(self.today), "amount": "5000"}, "more than"),
            (
                "paid",
                {"move_ids": [str(self.old.id)], "payment_date": str(self.today + timedelta(days=1)), "amount": "10"},
                "not in the future",
            ),
            ("paid", {"move_ids": [str(self.old.id)], "payment_date": "31/12/2024", "amount": "10"}, "YYYY-MM-DD"),
            ("paid", {"payment_date": str(self.today), "amount": "10"}, "Select at least one invoice"),
            (
                "promise",
                {"move_ids": [str(self.old.id)], "promise_date": str(self.today + timedelta(days=31))},
                "at the latest on",
            ),
            ("promise", {"move_ids": [str(self.old.id)], "promise_date": str(self.today)}, "after today"),
            ("dispute", {"move_ids": [str(self.old.id)], "reason_id": ""}, "Choose the reason"),
            (
                "dispute",
                {
                    "move_ids": [str(self.old.id)],
                    "reason_id": str(self.env.ref("account_dunning.dispute_reason_other").id),
                },
                "Explain",
            ),
        ]
        for action, data, message in cases:
            with self.subTest(action=action, message=message):
                response = self._post_form(self.access, action, data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
                self.assertIn(self.old.name, response.text, "the page is shown again with the message")
        self.assertFalse(self.env["account.dunning.answer"].search([("partner_id", "=", self.customer.id)]))
        self.assertFalse(self.old.dunning_promise_date or self.old.dunning_dispute or self.old.dunning_pause_until)

    def test_manager_switches_an_action_off(self):
        self.company.dunning_page_dispute_enabled = False
        page = self.url_open(self._path(self.access)).text
        self.assertNotIn("o_dunning_dispute", page)
        self.assertIn("o_dunning_promise", page)
        reason = self.env.ref("account_dunning.dispute_reason_price")
        response = self._post_form(
            self.access, "dispute", {"move_ids": [str(self.old.id)], "reason_id": str(reason.id)}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("not available", response.text)
        self.assertFalse(self.old.dunning_dispute)

    def test_portal_user_reaches_the_page_from_my_account(self):
        user = self._portal_user(self.customer, "dupont_portal")
        self.authenticate(user.login, user.login)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["dunning_followup_count"]})
        self.assertEqual(counters["dunning_followup_count"], 2)
        home = self.url_open("/my")
        self.assertIn("/my/followup", home.text)
        response = self.url_open("/my/followup")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.old.name, response.text)
        self.assertIn(f"/followup/{self.access.token}", response.url, "the link of its latest reminder")
