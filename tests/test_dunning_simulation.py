from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .common_simulation import SimulationCommon


@freeze_time("2026-05-15")
@tagged("post_install", "-at_install")
class TestDunningSimulation(SimulationCommon):
    """A small hand-made history replayed with the shipped defaults and with the fixed ladder, figures computed by
    hand below. Period 1 March - 30 April 2026, no warm-up; all invoices 1,000 EUR.

    - Steady (A) paid 4 invoices 10 days late before March; in March and April two invoices due 10 March and
      1 April, paid 10 days late again (20 March, 11 April).
    - Prompt (C) paid 4 invoices 3 days late before March; one invoice due 5 March paid 8 March.
    - Newcomer (B), no history: new, tolerance 5. One invoice due 15 March paid 10 April (26 days late).
    - Defaulter (D), no history: new, tolerance 5. One invoice due 2 March never paid, in litigation today.

    The company's history (risk method: the prior p(k) of each day k) is read as of the end of the previous month:
    in March, A's 4 invoices (10 days late) and C's 4 (3 days late); in April, one more of each (paid 20 and
    8 March). None ended 15 days late: p(k) = 0 for k = 0..9, and 1.0 from k = 10 (none still unpaid).
    - A, occasional (all late), cap 20: k = 0..9, (0 + 3 x 0) / (4 + 3) = 0 (April: / (5 + 3)); k = 10, none of
      its invoices still unpaid: (0 + 3 x 1.0) / (0 + 3) = 100 %: tolerance 10.
    - C, occasional, cap 20: k = 0..2, (0 + 3 x 0) / (4 + 3) = 0; k = 3..9, (0 + 3 x 0) / (0 + 3) = 0; k = 10:
      100 %: tolerance 10 (the company's invoices late 3 to 9 days never ended seriously late).
    - D turns risky on 16 April (overdue 45 days: 16 April - 2 March); no paid invoice, so its risk is the
      company's: (0 + 3 x p(k)) / (0 + 3) = p(k): tolerance 10, within the risky cap of 12.
    """

    def run_defaults_against_fixed_ladder(self):
        simulation = self.simulate()
        self.assertEqual(simulation.policy_id.kind, "live")
        self.assertTrue(simulation.compare_policy_id.fixed_ladder)
        return simulation, simulation.run()

    def test_figures_of_the_shipped_defaults(self):
        _simulation, result = self.run_defaults_against_fixed_ladder()
        # A: reached at due + 10 + 1 (occasional ladder: reminder 1 at +1), paid at + 10: never chased. C: at + 11,
        # paid at + 3: never. B (new customers' ladder, tolerance 5, levels at -3, +1, +15, +30, +45, 14 days
        # apart): courtesy 12 March (due - 3), reminder 1 on 21 March (due + 5 + 1; the courtesy notice does not
        # push it back), reminder 2 (email and SMS) on 4 April (+ 5 + 15), paid before the call (+ 35). D: courtesy
        # 1 March (the first replayed day is inside its window 27 Feb - 1 March), reminder 1 on 8 March (+ 6),
        # reminder 2 on 22 March (+ 20), call on 6 April (+ 35); risky from 16 April, tolerance 10: the risky
        # ladder's call (+ 10 + 30) is the level it had, its formal notice (email, letter) on 26 April (+ 10 + 45).
        policy = result["policy"]
        self.assertEqual(policy["followups"], 8)
        self.assertEqual(
            policy["by_level"],
            {
                "New customers / Courtesy notice": 2,
                "New customers / Reminder 1": 2,
                "New customers / Reminder 2": 2,
                "New customers / Phone call": 1,
                "Risky customers / Formal notice": 1,
            },
        )
        self.assertEqual(policy["by_channel"], {"email": 7, "sms": 2, "letter": 1, "phone": 1})
        self.assertEqual(policy["formal_notices"], 1)
        self.assertEqual(policy["invoices_reminded"], 2)  # B and D: courtesy notices come before the due date
        self.assertEqual(policy["wasted_reminders"], 0)  # B paid 6 days after its reminder 2
        # ending 15 days late or more: B (26 days) and D (still open, 59 days); both first reminded at due + 6
        self.assertEqual((policy["late_invoices"], policy["wait_mean"], policy["wait_p90"]), (2, 6.0, 6.0))
        # D ends in litigation: the formal notice covering its invoice went 55 days after its due date
        self.assertEqual(
            (policy["litigation_customers"], policy["litigation_notified"], policy["litigation_notice_days"]),
            (1, 1, 55.0),
        )

    def test_figures_of_the_fixed_ladder_and_the_differences(self):
        simulation, result = self.run_defaults_against_fixed_ladder()
        # +1, +15, +30, +45, no tolerance, 14 days apart: A reminded 11 March and 2 April; C on 6 March, paid 2 days
        # later (wasted); B on 16 and 30 March; D on 3 March, 17 March, 1 April (email, SMS) and its formal notice
        # on 16 April (due + 45).
        fixed = result["comparison"]
        self.assertEqual(fixed["followups"], 9)
        self.assertEqual(
            fixed["by_level"],
            {
                "Fixed ladder / Reminder 1": 5,
                "Fixed ladder / Reminder 2": 2,
                "Fixed ladder / Reminder 3": 1,
                "Fixed ladder / Formal notice": 1,
            },
        )
        self.assertEqual(fixed["by_channel"], {"email": 9, "sms": 1, "letter": 1, "phone": 0})
        self.assertEqual((fixed["invoices_reminded"], fixed["wasted_reminders"]), (5, 1))
        self.assertEqual((fixed["late_invoices"], fixed["wait_mean"], fixed["wait_p90"]), (2, 1.0, 1.0))
        self.assertEqual(fixed["litigation_notice_days"], 45.0)
        # in % of the fixed ladder: 8 vs 9 follow-ups, 2 vs 5 invoices, 0 vs 1 wasted, 6 vs 1 day of wait, formal
        # notice 55 vs 45 days after the due date
        self.assertEqual(
            result["difference_pct"],
            {
                "followups": -11.1,
                "formal_notices": 0.0,
                "invoices_reminded": -60.0,
                "wasted_reminders": -100.0,
                "late_invoices": 0.0,
                "wait_mean": 500.0,
                "wait_p90": 500.0,
                "litigation_notice_days": 22.2,
            },
        )
        # stored: the figures, and one line per month, level and channel for the pivot and graph
        self.assertEqual(simulation.state, "done")
        self.assertEqual(simulation.result["policy"]["invoices_reminded"], 2)
        self.assertEqual((simulation.invoices_reminded, simulation.compare_invoices_reminded), (2, 5))
        self.assertEqual(simulation.reminded_change, -60.0)
        lines = simulation.line_ids.filtered(lambda line: line.side == "policy")
        self.assertEqual(sum(lines.mapped("followup_count")), 7 + 2 + 1 + 1)  # one per channel
        april = lines.filtered(lambda line: line.month == date(2026, 4, 1) and line.formal_notice)
        self.assertEqual(sorted(april.mapped("channel")), ["email", "letter"])
        self.assertIn("Fixed ladder", simulation.summary_html)
        self.assertFalse(self.env["account.dunning.action"].search([]), "a simulation records no follow-up")

    def test_queries_do_not_grow_with_the_customers(self):
        def count_queries():
            simulation = self.simulate(compare_policy_id=False)
            simulation.run()  # warm the caches (rules, fields, the user)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            simulation.run()
            return self.env.cr.sql_log_count - before

        small = count_queries()
        for index in range(6):
            customer = self.make_customer(f"More {index}")
            self.make_history(customer, [index] * 4, first_due=date(2025, 12, 1))
            self.pay(self.make_invoice(customer, date(2026, 3, 10 + index)), date(2026, 3, 20 + index))
            self.make_invoice(customer, date(2026, 4, 2))
        self.assertLessEqual(count_queries(), small, "set-based: a fixed number of queries for any customers")

    def test_draft_policy_changes_nothing_live(self):
        live = self.env["account.dunning.policy"]._dunning_live_policy(self.company)
        action = live.with_user(self.manager).action_make_draft()
        draft = self.env["account.dunning.policy"].browse(action["res_id"])
        self.assertEqual(draft.kind, "draft")
        self.assertEqual(len(draft.scenario_ids), 5)
        self.assertEqual(draft.segment_rule_ids.mapped("name"), live._dunning_live_rule_records().mapped("name"))
        # a longer tolerance for occasional late payers in the draft only
        occasional = draft.scenario_ids.filtered(lambda scenario: "occasional" in scenario.segment_ids.mapped("code"))
        occasional.level_ids[0].trigger_days = 5
        draft.risk_percent = 60
        self.assertEqual(live, self.company.dunning_policy_id)
        self.assertEqual((live.risk_percent, self.company._dunning_policy_settings()["risk_percent"]), (44, 44))
        run = self.env["account.dunning.run"]
        self.assertEqual(run._get_scenarios_by_segment(self.company)["occasional"].level_ids[0].trigger_days, 1)
        result = self.simulate(policy_id=draft.id, compare_policy_id=live.id).run()
        self.assertEqual(result["policy"]["name"], draft.name)
        self.assertEqual(result["comparison"]["invoices_reminded"], 2)

    def test_another_company_gets_its_own_policies(self):
        other = self.setup_other_company()["company"]
        simulation = self.env["account.dunning.simulation"].new({"company_id": self.company.id})
        simulation.company_id = other
        simulation._onchange_company_id()
        self.assertEqual(simulation.policy_id.company_id, other)
        self.assertEqual(simulation.compare_policy_id.company_id, other)
        self.assertTrue(simulation.compare_policy_id.fixed_ladder)

    def test_managers_only_and_sane_periods(self):
        billing = new_test_user(self.env, login="billing_sim", groups="account.group_account_invoice")
        with self.assertRaises(AccessError):
            self.env["account.dunning.simulation"].with_user(billing).create({})
        simulation = self.simulate(compare_policy_id=False)
        with self.assertRaises(AccessError):
            simulation.with_user(billing).run()
        with self.assertRaisesRegex(ValidationError, "end the period yesterday"):
            self.simulate(date_to=date(2026, 5, 15))
        with self.assertRaisesRegex(ValidationError, "cannot start after it ends"):
            self.simulate(date_from=date(2026, 5, 1))
