import psycopg2

from odoo import sql_db
from odoo.addons.account_dunning.models.account_dunning_run import DUNNING_LOCK_NAMESPACE
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestDunningSafety(DunningRunCommon):
    def test_customer_locked_by_a_concurrent_run_is_skipped(self):
        self._invoice(self.customer, 100, "2025-01-01")
        # another transaction (a second connection) is following up this customer right now
        other_cr = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other_cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (DUNNING_LOCK_NAMESPACE, self.customer.id))
            result = self._run("2025-01-05")
            self.assertFalse(result["followups"])
            self.assertEqual([entry["reason"] for entry in result["skipped"]], ["locked"])
            self.assertFalse(self._actions())
        finally:
            other_cr.rollback()
            other_cr.close()
        self.assertEqual(len(self._run("2025-01-05")["followups"]), 1)

    def test_database_refuses_a_duplicate_followup(self):
        self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-01-05")
        action = self._actions()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation), self.env.cr.savepoint():
            action.sudo().copy({"state": "to_validate"}).flush_recordset()
        # a cancelled or failed follow-up does not block a new one
        action.sudo().copy({"state": "failed"}).flush_recordset()

    def test_two_cursors_contend_for_the_same_customer(self):
        """Two real transactions: only one may follow up a customer until it commits or rolls back."""
        dbname = self.env.cr.dbname
        cr1 = sql_db.db_connect(dbname).cursor()
        cr2 = sql_db.db_connect(dbname).cursor()
        try:
            run1 = self.env(cr=cr1)["account.dunning.run"]
            run2 = self.env(cr=cr2)["account.dunning.run"]
            partner_1 = run1.env["res.partner"].browse(self.customer.id)
            partner_2 = run2.env["res.partner"].browse(self.customer.id)
            self.assertTrue(run1._try_lock_partner(partner_1))
            self.assertTrue(run1._try_lock_partner(partner_1), "the same transaction keeps its lock")
            self.assertFalse(run2._try_lock_partner(partner_2))
            cr1.rollback()
            self.assertTrue(run2._try_lock_partner(partner_2), "the lock ends with the transaction")
            self.assertFalse(run1._try_lock_partner(partner_1))
        finally:
            cr1.rollback()
            cr2.rollback()
            cr1.close()
            cr2.close()

    def test_each_company_sees_only_its_invoices(self):
        company_2 = self.setup_other_company(name="Second Co")["company"]
        company_2.write({"dunning_responsible_id": self.collector.id, "dunning_send_enabled": True})
        self.customer.with_company(company_2).sudo().dunning_segment = "good"
        inv_1 = self._invoice(self.customer, 100, "2025-01-01")
        inv_2 = self._invoice(self.customer, 999, "2025-01-01", company=company_2)
        self._run("2025-01-05")
        action_1 = self._actions()
        self.assertEqual(action_1.move_ids, inv_1)
        self.assertAlmostEqual(action_1.amount_total, 100)
        self._run("2025-01-05", company=company_2)
        action_2 = self._actions(company=company_2)
        self.assertEqual(action_2.move_ids, inv_2)
        self.assertEqual(action_2.level_id.company_id, company_2)
        self.assertEqual(action_2.scenario_id.company_id, company_2)
        user = new_test_user(
            self.env,
            login="billing_c1",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        self.assertEqual(self.env["account.dunning.action"].with_user(user).search([]), action_1)

    def test_billing_user_runs_and_validates_but_cannot_configure(self):
        self.company.dunning_send_enabled = False
        user = new_test_user(
            self.env,
            login="billing",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        self.env["account.move.dunning.wizard"].with_user(user).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"mode": "promise", "promise_date": "2025-01-03"}).action_confirm()
        wizard = self.env["account.dunning.run.wizard"].with_user(user).create({"date": "2025-01-05"})
        wizard.action_preview()
        wizard.action_run()
        action = self._actions()
        self.assertEqual(action.state, "to_validate")
        action.with_user(user).action_send()
        self.assertEqual(action.state, "done")
        self.assertEqual(invoice.dunning_level_id, self.levels[0])
        with self.assertRaises(AccessError):
            self.levels[0].with_user(user).trigger_days = 3
        with self.assertRaises(AccessError):
            self.env["account.dunning.scenario"].with_user(user).create({"name": "Mine"})


@tagged("post_install", "-at_install")
class TestDunningConfiguration(DunningRunCommon):
    def test_triggers_increase_within_a_scenario(self):
        with self.assertRaisesRegex(ValidationError, "must trigger later"):
            self.levels[1].trigger_days = -1

    def test_interval_cannot_be_negative(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.levels[0].interval_days = -1

    def test_a_level_needs_a_channel(self):
        with self.assertRaisesRegex(ValidationError, "at least one channel"):
            self.levels[2].channel_phone = False

    def test_each_channel_needs_its_template(self):
        with self.assertRaisesRegex(ValidationError, "choose its SMS template"):
            self.levels[0].channel_sms = True
        with self.assertRaisesRegex(ValidationError, "choose its email template"):
            self.levels[0].mail_template_id = False

    def test_one_active_scenario_per_segment_and_company(self):
        copy = self.scenario_good.copy({"name": "Archived", "active": False})
        with self.assertRaisesRegex(ValidationError, "several active scenarios"), self.env.cr.savepoint():
            copy.active = True
        with self.assertRaisesRegex(ValidationError, "several active scenarios"), self.env.cr.savepoint():
            self.scenario_good.copy({"name": "Another"})
