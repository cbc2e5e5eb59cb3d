from datetime import date

from odoo.tests import freeze_time, new_test_user

from .common_behaviour import PaymentBehaviourCommon

PERIOD = (date(2026, 3, 1), date(2026, 4, 30))


class SimulationCommon(PaymentBehaviourCommon):
    """The small hand-made history of the policy simulation tests (see TestDunningSimulation): period 1 March - 30
    April 2026, all invoices 1,000 EUR; Steady (A) and Prompt (C) with a history, Newcomer (B) paid 26 days late,
    Defaulter (D) never paid and in litigation today; an accounting manager who simulates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.currency_id = cls.env.ref("base.EUR")
        cls.manager = new_test_user(
            cls.env,
            login="credit_manager",
            groups="account.group_account_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        with freeze_time("2026-05-15"):
            cls.steady = cls.make_customer("Steady")
            cls.make_history(cls.steady, [10] * 4, first_due=date(2025, 12, 1))
            cls.prompt = cls.make_customer("Prompt")
            cls.make_history(cls.prompt, [3] * 4, first_due=date(2025, 12, 1))
            cls.newcomer = cls.make_customer("Newcomer")
            cls.defaulter = cls.make_customer("Defaulter")
            cls.pay(cls.make_invoice(cls.steady, date(2026, 3, 10)), date(2026, 3, 20))
            cls.pay(cls.make_invoice(cls.steady, date(2026, 4, 1)), date(2026, 4, 11))
            cls.pay(cls.make_invoice(cls.prompt, date(2026, 3, 5)), date(2026, 3, 8))
            cls.newcomer_invoice = cls.make_invoice(cls.newcomer, date(2026, 3, 15))
            cls.pay(cls.newcomer_invoice, date(2026, 4, 10))
            cls.defaulter_invoice = cls.make_invoice(cls.defaulter, date(2026, 3, 2))
            cls.defaulter_invoice.dunning_litigation = True

    def simulate(self, **values):
        return (
            self.env["account.dunning.simulation"]
            .with_user(self.manager)
            .create({"date_from": PERIOD[0], "date_to": PERIOD[1], "warmup_days": 0, **values})
        )
