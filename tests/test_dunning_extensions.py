from datetime import date, timedelta

from odoo_test_helper import FakeModelLoader

from odoo import Command
from odoo.tests import freeze_time, tagged

from .common import DunningRunCommon

DUE = date(2026, 3, 10)
FIRST_DAY, LAST_DAY = DUE - timedelta(days=5), DUE + timedelta(days=20)


@tagged("post_install", "-at_install")
class TestDunningExtensions(DunningRunCommon):
    """The decision's extension points, extended from outside the way a third party's module would
    (tests/extension_models.py, loaded with odoo-test-helper's FakeModelLoader): a strict contract leaves no slack
    (the tolerance of an invoice), direct debits are never chased (which invoices are followed up), key accounts
    are left to their account manager (a customer-level skip reason). The daily run and the policy simulation
    honour them alike.

    All customers are new (no payment history): 5 days of tolerance, a courtesy notice 3 days before the due date,
    reminder 1 at due + 5 + 1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .extension_models import AccountDunningRun, ResPartner

        cls.loader.update_registry((ResPartner, AccountDunningRun))
        make = cls._new_customer
        cls.strict, cls.plain, cls.key_account, cls.debtor = (
            make("Stricte SA", "STRICT"),
            make("Simple SARL", False),
            make("Grand Compte SA", "VIP"),
            make("Prelevement SAS", False),
        )
        with freeze_time(DUE - timedelta(days=30)):
            cls.invoices = {
                partner: cls._invoice_due(partner, DUE)
                for partner in (cls.strict, cls.plain, cls.key_account, cls.debtor)
            }
            cls.direct_debit = cls._invoice_due(cls.debtor, DUE, payment_reference="DD-2026-0042")

    @classmethod
    def tearDownClass(cls):
        cls.loader.restore_registry()
        super().tearDownClass()

    @classmethod
    def _new_customer(cls, name, ref):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "ref": ref,
                "email": f"compta@{name.split()[0].lower()}.example",
                "dunning_debtor_type": "professional",
            }
        )

    @classmethod
    def _invoice_due(cls, partner, due, **values):
        """A posted invoice of 1,000 dated today, due on `due`."""
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": date.today(),
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create({"name": "Service", "quantity": 1, "price_unit": 1000, "tax_ids": []})
                ],
                **values,
            }
        )
        move.action_post()
        return move

    def _run_days(self):
        """The daily run of every day (the run's model taken from the registry the extension was loaded into)."""
        day = FIRST_DAY
        while day <= LAST_DAY:
            with freeze_time(day):
                self.env["account.dunning.run"].run_followups(self.company, day)
            day += timedelta(days=1)

    def _replayed(self):
        with freeze_time(LAST_DAY + timedelta(days=1)):
            replay = self.env["account.dunning.replay"]
            policy = self.env["account.dunning.policy"]._dunning_live_policy(self.company)
            data = replay._load(self.company, FIRST_DAY, LAST_DAY)
            _figures, details = replay._replay(self.company, policy, FIRST_DAY, LAST_DAY, FIRST_DAY, data)
        return {(partner_id, day, level_id, invoices) for day, partner_id, level_id, invoices in details.log}

    def test_the_run_and_the_simulation_honour_a_third_party_extension(self):
        self._run_days()
        actions = self._actions()
        live = {
            (action.partner_id.id, action.date, action.level_id.id, tuple(sorted(action.move_ids.ids)))
            for action in actions
        }
        self.assertEqual(live, self._replayed(), "the simulation replays the extended run exactly")
        reminders = {(action.partner_id, action.date) for action in actions if action.level_id.trigger_days >= 0}
        # strict contract: no slack, reminded the day after the due date; the plain customer after its 5 days
        self.assertIn((self.strict, DUE + timedelta(days=1)), reminders)
        self.assertIn((self.plain, DUE + timedelta(days=6)), reminders)
        # the key account is never followed up, and the preview says why
        self.assertFalse(actions.filtered(lambda action: action.partner_id == self.key_account))
        with freeze_time(LAST_DAY):
            preview = self.env["account.dunning.run"].run_followups(self.company, LAST_DAY, preview=True)
        reasons = {entry["partner"]: entry.get("reason") for entry in preview["skipped"]}
        self.assertEqual(reasons.get(self.key_account), "key_account")
        # the direct debit is never chased; the same customer's other invoice is
        self.assertNotIn(self.direct_debit, actions.move_ids)
        self.assertIn(self.invoices[self.debtor], actions.move_ids)
