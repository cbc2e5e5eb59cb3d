from datetime import date

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestDunningConcurrentRuns(TransactionCase):
    """Two real transactions run the follow-ups of the same company at the same time (committed data)."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            receivable, income, journal = self._create_ledger(env)
            partner = env["res.partner"].create(
                {"name": "Concurrent Customer", "is_company": True, "email": "pay@concurrent.example"}
            )
            partner.with_company(company).write(
                {
                    "dunning_segment": "good",
                    "dunning_tolerance_days": 0,
                    "property_account_receivable_id": receivable.id,
                }
            )
            invoice = self._create_invoice(env, journal, partner, income)
            self.data = {
                "company_id": company.id,
                "send_enabled": company.dunning_send_enabled,
                "partner_id": partner.id,
                "invoice_id": invoice.id,
                "journal_id": journal.id,
                "account_ids": (receivable | income).ids,
            }
            company.dunning_send_enabled = False  # the follow-ups wait for validation: nothing leaves
        self.addCleanup(self._clean_committed_data)

    @staticmethod
    def _create_ledger(env):
        """A receivable account, an income account and a sales journal of their own (committed, then removed)."""
        receivable = env["account.account"].create(
            {"name": "Concurrent Receivable", "code": "411999", "account_type": "asset_receivable", "reconcile": True}
        )
        income = env["account.account"].create({"name": "Concurrent Sales", "code": "706999", "account_type": "income"})
        journal = env["account.journal"].create(
            {"name": "Concurrent Sales", "code": "CSAL", "type": "sale", "default_account_id": income.id}
        )
        return receivable, income, journal

    @staticmethod
    def _create_invoice(env, journal, partner, income):
        """A posted invoice of 100 due on 1 January 2025."""
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "journal_id": journal.id,
                "partner_id": partner.id,
                "invoice_date": "2025-01-01",
                "invoice_date_due": "2025-01-01",
                "date": "2025-01-01",
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Service", "quantity": 1, "price_unit": 100, "tax_ids": [], "account_id": income.id}
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _clean_committed_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            data = self.data
            env["account.dunning.action"].search([("partner_id", "=", data["partner_id"])]).unlink()
            invoice = env["account.move"].browse(data["invoice_id"])
            invoice.button_draft()
            invoice.posted_before = False
            invoice.unlink()
            env["account.journal"].browse(data["journal_id"]).unlink()
            env["res.partner"].browse(data["partner_id"]).unlink()
            env["account.account"].browse(data["account_ids"]).unlink()
            env["res.company"].browse(data["company_id"]).dunning_send_enabled = data["send_enabled"]

    def _count_actions(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env["account.dunning.action"].search_count([("partner_id", "=", self.data["partner_id"])])

    @mute_logger("odoo.sql_db")
    def test_concurrent_runs_create_one_followup(self):
        run_date = date(2025, 1, 5)
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            company_1 = env1["res.company"].browse(self.data["company_id"])
            company_2 = env2["res.company"].browse(self.data["company_id"])
            # the button run starts and creates the follow-up, not yet committed
            first = env1["account.dunning.run"].run_followups(company_1, run_date)
            self.assertEqual(len(first["followups"]), 1)
            # the cron runs meanwhile: the customer is locked by the first run
            second = env2["account.dunning.run"].run_followups(company_2, run_date)
            self.assertFalse(second["followups"])
            self.assertEqual([entry["reason"] for entry in second["skipped"]], ["locked"])
            cr1.commit()
            # the cron goes on in its old snapshot, which does not see the committed follow-up:
            # the lock is free now, but the database refuses the duplicate
            third = env2["account.dunning.run"].run_followups(company_2, run_date)
            self.assertFalse(third["followups"])
            self.assertEqual([entry["reason"] for entry in third["skipped"]], ["already_done"])
            cr2.commit()
        self.assertEqual(self._count_actions(), 1)
