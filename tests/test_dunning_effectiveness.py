from datetime import date

from odoo import Command
from odoo.tests import freeze_time, new_test_user, tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
@freeze_time("2024-08-31")
class TestDunningEffectiveness(DunningRunCommon):
    """Follow-ups of 15 May 2024 and what they collected afterwards (hand-computed)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company()["company"]
        cls.env.user.company_ids |= cls.company_2
        cls.levels[0].channel_letter = True  # the good payers' first reminder goes by email and letter
        # A, good payer: 1500 reminded; 400 paid after 5 days, 600 after 14 days, 500 after 36 days
        cls.a1 = cls._invoice(cls.customer, 1000, "2024-05-01")
        cls.a2 = cls._invoice(cls.customer, 500, "2024-05-10")
        # B, risky: 600 of its 1000 paid on 20 May, after the follow-up date but before the (late) run: the
        # follow-up reminds the 400 still due, and the 600 must not be credited to it on top of the 400.
        cls.customer_b = cls._create_customer("Risky SA", segment="risky", email="b@example.com")
        cls.b1 = cls._invoice(cls.customer_b, 1000, "2024-05-01")
        cls._pay(cls.b1, 600, "2024-05-20")
        cls.run_result = cls.run_service.run_followups(cls.company, date(2024, 5, 15))
        cls._pay(cls.a1, 400, "2024-05-20")
        cls._pay(cls.a1, 600, "2024-05-29")
        cls._pay(cls.a2, 500, "2024-06-20")  # outside the 30-day window
        cls._pay(cls.b1, 400, "2024-05-25")
        cls.action_a = cls.env["account.dunning.action"].search([("partner_id", "=", cls.customer.id)])
        cls.action_b = cls.env["account.dunning.action"].search([("partner_id", "=", cls.customer_b.id)])
        cls.Effectiveness = cls.env["account.dunning.effectiveness"]

    def _group(self, groupby, aggregates, domain=None, user=None):
        self.env.flush_all()
        model = self.Effectiveness.with_user(user) if user else self.Effectiveness
        domain = domain if domain is not None else [("company_id", "=", self.company.id)]
        return {
            tuple(group[: len(groupby)]): group[len(groupby) :]
            for group in model._read_group(domain, groupby, aggregates)
        }

    def test_followups_as_recorded_by_the_run(self):
        self.assertRecordValues(
            self.action_a | self.action_b,
            [
                {"state": "done", "amount_total": 1500.0, "channel_email": True, "channel_letter": True},
                {"state": "done", "amount_total": 400.0, "channel_email": True, "channel_letter": False},
            ],
        )

    def test_collected_within_each_window(self):
        self.env.flush_all()
        rows = self.Effectiveness.search([("action_id", "=", self.action_a.id)])
        self.assertEqual(sorted(rows.mapped("channel")), ["email", "letter"])
        expected = {
            "date": date(2024, 5, 15),
            "level_id": self.levels[0].id,
            "segment": "good",
            "followup_count": 1,
            "amount_reminded": 1500.0,
            "amount_collected_7": 400.0,  # 20 May
            "amount_collected_15": 1000.0,  # + 29 May
            "amount_collected_30": 1000.0,  # 20 June is 36 days later: not counted
            "days_to_payment": 36.0,  # all paid on 20 June
            "is_paid": True,
        }
        self.assertRecordValues(rows, [expected, expected])
        self.assertAlmostEqual(rows[0].collection_rate, 1000.0 / 1500.0 * 100.0)

    def test_collected_is_capped_at_the_amount_reminded(self):
        self.env.flush_all()
        row = self.Effectiveness.search([("action_id", "=", self.action_b.id)])
        self.assertRecordValues(
            row,
            [
                {
                    "channel": "email",
                    "segment": "risky",
                    "amount_reminded": 400.0,
                    "amount_collected_7": 400.0,  # 600 on 20 May, capped
                    "amount_collected_15": 400.0,  # 600 + 400, capped
                    "amount_collected_30": 400.0,
                    "collection_rate": 100.0,
                    "days_to_payment": 10.0,
                }
            ],
        )

    def test_open_followup_has_no_days_to_payment(self):
        c1 = self._invoice(self._create_customer("Slow SARL", email="slow@example.com"), 300, "2024-08-01")
        self._run("2024-08-10")
        self._pay(c1, 100, "2024-08-12")
        self.env.flush_all()
        row = self.Effectiveness.search([("action_id.move_ids", "=", c1.id), ("channel", "=", "email")])
        self.assertRecordValues(
            row,
            [{"amount_collected_7": 100.0, "is_paid": False, "days_to_payment": 0.0, "collection_rate": 100 / 3}],
        )
        # the open follow-up does not pull the average days to payment down
        self.assertEqual(
            self._group(["channel"], ["days_to_payment:avg"], [("company_id", "=", self.company.id)])[("email",)],
            ((36.0 + 10.0) / 2,),
        )

    def test_exchange_differences_are_not_collections(self):
        """Paid in full in its currency after the rate doubled: half of the amount reminded came in."""
        currency = self.setup_other_currency("USD", rates=[("2024-01-01", 1.0), ("2024-08-05", 2.0)])
        customer = self._create_customer("Euro GmbH", email="euro@example.com")
        invoice = self._invoice(customer, 100, "2024-08-01", currency=currency)  # 100 in company currency
        self._run("2024-08-03")
        self._pay(invoice, 100, "2024-08-10")  # 100 USD = 50 in company currency, 50 of exchange loss
        self.assertEqual(invoice.payment_state, "paid")
        self.env.flush_all()
        row = self.Effectiveness.search([("partner_id", "=", customer.id), ("channel", "=", "email")])
        self.assertRecordValues(
            row,
            [
                {
                    "amount_reminded": 100.0,
                    "amount_collected_7": 50.0,
                    "amount_collected_30": 50.0,
                    "collection_rate": 50.0,
                    "is_paid": True,
                    "days_to_payment": 7.0,
                }
            ],
        )

    def test_rate_is_total_collected_over_total_reminded(self):
        groups = self._group(
            ["segment"],
            ["followup_count:sum", "amount_reminded:sum", "amount_collected_30:sum", "collection_rate:avg"],
            [("company_id", "=", self.company.id), ("channel", "=", "email")],
        )
        self.assertEqual(groups[("good",)][:3], (1, 1500.0, 1000.0))
        self.assertAlmostEqual(groups[("good",)][3], 1000.0 / 1500.0 * 100.0)
        self.assertEqual(groups[("risky",)], (1, 400.0, 400.0, 100.0))
        self.env.flush_all()
        ((total,),) = self.Effectiveness._read_group([("channel", "=", "email")], [], ["collection_rate:avg"])
        # (1000 + 400) / (1500 + 400), not the average (66.7 + 100) / 2 of the two follow-ups' rates
        self.assertAlmostEqual(total, 1400.0 / 1900.0 * 100.0)

    def test_one_row_per_channel(self):
        groups = self._group(["level_id", "channel", "date:month"], ["followup_count:sum", "amount_reminded:sum"])
        risky_level = self.action_b.level_id
        self.assertEqual(
            groups,
            {
                (self.levels[0], "email", date(2024, 5, 1)): (1, 1500.0),
                (self.levels[0], "letter", date(2024, 5, 1)): (1, 1500.0),
                (risky_level, "email", date(2024, 5, 1)): (1, 400.0),
            },
        )

    def test_only_done_followups(self):
        self.company.dunning_send_enabled = False  # follow-ups wait for validation
        self._invoice(self._create_customer("Waiting SAS", email="w@example.com"), 300, "2024-08-01")
        waiting = self._run("2024-08-10")["followups"][0]["action"]
        self.assertEqual(waiting.state, "to_validate")
        self.env.flush_all()
        self.assertFalse(self.Effectiveness.search([("action_id", "=", waiting.id)]))
        waiting.action_send()
        self.env.flush_all()
        self.assertTrue(self.Effectiveness.search([("action_id", "=", waiting.id)]))

    def test_multi_company(self):
        self.company_2.write({"dunning_responsible_id": self.collector.id, "dunning_send_enabled": True})
        self._invoice(self.customer, 700, "2024-05-01", company=self.company_2)
        self._run("2024-05-15", company=self.company_2)
        billing = new_test_user(
            self.env,
            login="effectiveness_billing",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        auditor = new_test_user(
            self.env,
            login="effectiveness_auditor",
            groups="account.group_account_readonly",
            company_id=self.company_2.id,
            company_ids=[Command.set(self.company_2.ids)],
        )
        aggregates = ["amount_reminded:sum"]
        self.assertEqual(self._group(["company_id"], aggregates, [], billing), {(self.company,): (1500.0 * 2 + 400.0,)})
        self.assertEqual(
            self._group(["company_id", "segment"], aggregates, [], auditor), {(self.company_2, "new"): (700.0,)}
        )
