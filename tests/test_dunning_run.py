from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestDunningRunDecision(DunningRunCommon):
    def test_default_scenario_for_every_segment(self):
        scenarios = self.env["account.dunning.scenario"].search([("company_id", "=", self.company.id)])
        self.assertEqual(sorted(scenarios.segment_ids.mapped("code")), ["bad", "good", "new", "occasional", "risky"])
        # every shipped ladder at the fixed ladder's pace: +1, +15, +30, +45, 14 days apart
        self.assertEqual(self.levels.mapped("trigger_days"), [1, 15, 30, 45])
        risky = scenarios.filtered(lambda s: "risky" in s.segment_ids.mapped("code"))
        self.assertEqual(risky._get_ordered_levels().mapped("trigger_days"), [-5, 1, 15, 30, 45])
        self.assertEqual(set(scenarios.level_ids.mapped("interval_days")), {14})

    def test_trigger_waits_for_the_personal_tolerance(self):
        self.customer.with_company(self.company).sudo().dunning_tolerance_days = 10
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        # reminder 1 at due + 10 + its trigger (1)
        self.assertFalse(self._run("2025-01-11")["followups"])
        self.assertFalse(self._actions())
        self._run("2025-01-12")
        action = self._actions()
        self.assertEqual(action.level_id, self.levels[0])
        self.assertEqual(invoice.dunning_level_id, self.levels[0])
        self.assertEqual(invoice.dunning_last_date, self.d("2025-01-12"))

    def test_courtesy_level_before_the_due_date(self):
        risky = self._create_customer("Risky SA", segment="risky", email="risky@example.com")
        self._invoice(risky, 100, "2025-01-10")
        self.assertFalse(self._run("2025-01-04")["followups"])
        self._run("2025-01-05")
        action = self._actions(risky)
        self.assertEqual(action.level_id.trigger_days, -5)
        self.assertEqual(action.line_ids.days_overdue, -5)

    def test_escalation_one_step_at_a_time(self):
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        # 59 days late: the formal notice is reached, but the customer was never reminded
        self._run("2025-03-01")
        self.assertEqual(invoice.dunning_level_id, self.levels[0])
        self._run("2025-03-15")
        self.assertEqual(invoice.dunning_level_id, self.levels[1])
        self._run("2025-03-29")
        self.assertEqual(invoice.dunning_level_id, self.levels[2])
        self.assertEqual(self._actions().mapped("level_id"), self.levels[:3])

    def test_direct_entry_level_can_be_reached_at_once(self):
        self.levels[2].direct_entry = True
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-03-01")
        self.assertEqual(invoice.dunning_level_id, self.levels[2])

    def test_interval_since_the_previous_followup(self):
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-01-14")
        self.assertEqual(invoice.dunning_level_id, self.levels[0])
        # level 2 is reached on 2025-01-16 but only 6 days passed since the reminder
        result = self._run("2025-01-20")
        self.assertEqual([entry["reason"] for entry in result["skipped"]], ["interval"])
        self.assertEqual(invoice.dunning_level_id, self.levels[0])
        self._run("2025-01-28")
        self.assertEqual(invoice.dunning_level_id, self.levels[1])

    def test_newly_late_invoice_waits_a_week_escalations_the_full_interval(self):
        self.assertEqual(self.company._dunning_policy_settings()["new_invoice_days"], 7)
        older = self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-01-02")  # reminder 1 (+1)
        self._run("2025-01-16")  # reminder 2 (+15), 14 days later
        self.assertEqual(older.dunning_level_id, self.levels[1])
        newer = self._invoice(self.customer, 200, "2025-01-20")
        # the newer invoice reaches reminder 1 on 21 January, never reminded while its customer is at reminder 2:
        # it gets reminder 2 once 7 days have passed since the last follow-up (not the level's 14)
        result = self._run("2025-01-22")
        self.assertEqual([entry["reason"] for entry in result["skipped"]], ["interval"])
        result = self._run("2025-01-23")
        self.assertEqual(result["followups"][0]["level"], self.levels[1])
        self.assertEqual(result["followups"][0]["moves"], older | newer)
        self.assertEqual(newer.dunning_level_id, self.levels[1])
        # the older invoice reaches the call (+30) on 31 January: an escalation waits the full 14 days
        result = self._run("2025-02-05")
        self.assertEqual([entry["reason"] for entry in result["skipped"]], ["interval"])
        result = self._run("2025-02-06")
        self.assertEqual(result["followups"][0]["level"], self.levels[2])

    def test_one_followup_per_customer_with_all_invoices_and_currencies(self):
        other_currency = self.setup_other_currency("USD", rates=[("2024-01-01", 2.0)])
        inv1 = self._invoice(self.customer, 100, "2025-01-01")
        inv2 = self._invoice(self.customer, 300, "2025-01-20")
        inv3 = self._invoice(self.customer, 50, "2025-01-25", currency=other_currency)
        self._invoice(self.customer, 70, "2025-03-01")  # not due yet
        self._pay(inv2, 120, "2025-01-28")
        self._run("2025-02-01")
        action = self._actions()
        self.assertEqual(len(action), 1)
        self.assertEqual(action.move_ids, inv1 | inv2 | inv3)
        # the highest level reached: the oldest invoice is 31 days late, but escalation is step by step
        self.assertEqual(action.level_id, self.levels[0])
        totals = dict(action._get_totals_by_currency())
        self.assertAlmostEqual(totals[self.company.currency_id], 280.0)
        self.assertAlmostEqual(totals[other_currency], 50.0)
        self.assertAlmostEqual(action.amount_total, 280.0 + 25.0)
        line = action.line_ids.filtered(lambda line: line.move_id == inv2)
        self.assertAlmostEqual(line.amount_residual, 180.0)
        self.assertEqual(line.days_overdue, 12)

    def test_preview_changes_nothing(self):
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        result = self._run("2025-01-05", preview=True)
        self.assertEqual(len(result["followups"]), 1)
        self.assertEqual(result["followups"][0]["level"], self.levels[0])
        self.assertFalse(self._actions())
        self.assertFalse(invoice.dunning_level_id)
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "account.dunning.action")]))

    def test_second_run_same_day_creates_nothing(self):
        self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-01-05")
        result = self._run("2025-01-05")
        self.assertFalse(result["followups"])
        self.assertEqual(len(self._actions()), 1)

    def test_run_wizard_preview_then_run(self):
        self._invoice(self.customer, 100, "2025-01-01")
        wizard = self.env["account.dunning.run.wizard"].create({"date": "2025-01-05"})
        wizard.action_preview()
        self.assertEqual(wizard.line_ids.level_id, self.levels[0])
        self.assertFalse(self._actions())
        action = wizard.action_run()
        self.assertEqual(self.env["account.dunning.action"].search(action["domain"]), self._actions())

    def test_run_wizard_refuses_more_customers_than_one_request_takes(self):
        for index in range(3):
            self._invoice(self._create_customer(f"Due {index}", email=f"d{index}@example.com"), 100, "2025-01-01")
        self.env["ir.config_parameter"].sudo().set_param("account_dunning.interactive_run_limit", "2")
        wizard = self.env["account.dunning.run.wizard"].with_user(self.collector).create({"date": "2025-01-05"})
        # 3 customers are due on 2025-01-05, above the limit of 2: refused before anything is done
        for button in (wizard.action_preview, wizard.action_run):
            with self.assertRaisesRegex(UserError, "3 customers are due on 2025-01-05, more than the 2"):
                button()
        self.assertFalse(self.env["account.dunning.action"].search([("company_id", "=", self.company.id)]))
        self.env["ir.config_parameter"].sudo().set_param("account_dunning.interactive_run_limit", "3")
        wizard.action_run()
        self.assertEqual(len(self.env["account.dunning.action"].search([("company_id", "=", self.company.id)])), 3)

    @freeze_time("2025-01-05")
    def test_run_in_background_brings_the_daily_job_forward(self):
        self._invoice(self.customer, 100, "2025-01-01")
        cron = self.env.ref("account_dunning.ir_cron_account_dunning_run")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        wizard = self.env["account.dunning.run.wizard"].with_user(self.collector).create({})
        self.assertTrue(wizard.is_today)
        action = wizard.action_run_in_background()
        self.assertEqual(action["tag"], "display_notification")
        # a billing user brought the job forward (sudo for the trigger only); nothing ran in the request
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)
        self.assertFalse(self._actions())
        past = self.env["account.dunning.run.wizard"].with_user(self.collector).create({"date": "2025-01-04"})
        self.assertFalse(past.is_today)
        with self.assertRaisesRegex(UserError, "Only today's follow-ups run in the background"):
            past.action_run_in_background()
        cron.active = False
        with self.assertRaisesRegex(UserError, "is archived"):
            wizard.action_run_in_background()

    @freeze_time("2025-01-05")
    def test_cron_runs_every_company(self):
        self._invoice(self.customer, 100, "2025-01-01")
        letters_cron = self.env.ref("account_dunning.ir_cron_account_dunning_render_letters")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", letters_cron.id)])
        self.run_service._cron_run_followups()
        self.assertEqual(len(self._actions()), 1)
        self.assertGreater(self.env["ir.cron.trigger"].search_count([("cron_id", "=", letters_cron.id)]), len(triggers))

    def test_decision_queries_do_not_grow_with_the_customers(self):
        def count_preview_queries():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            result = self._run("2025-01-20", preview=True)
            return self.env.cr.sql_log_count - before, len(result["followups"])

        for index in range(2):
            self._invoice(self._create_customer(f"Small {index}", email=f"s{index}@example.com"), 100, "2025-01-01")
        count_preview_queries()  # warm the registry caches (rules, fields) once
        small_count, small_followups = count_preview_queries()
        for index in range(8):
            customer = self._create_customer(f"Big {index}", email=f"b{index}@example.com")
            self._invoice(customer, 100, "2025-01-01")
            self._invoice(customer, 50, "2025-01-10")
        big_count, big_followups = count_preview_queries()
        self.assertEqual((small_followups, big_followups), (2, 10))
        self.assertLessEqual(big_count, small_count, "the decision runs a fixed number of queries per batch")
