from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from ..tools.replay_state import ReplayWatch
from .common_simulation import PERIOD, SimulationCommon


@freeze_time("2026-05-15")
@tagged("post_install", "-at_install")
class TestDunningSimulationTimeline(SimulationCommon):
    """One customer of a done simulation replayed alone, day by day, under both policies (the shipped defaults and
    the fixed ladder), beside what really happened to it: the same follow-ups and tolerances as the full
    simulation recorded for that customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-05-15"):
            cls.simulation = (
                cls.env["account.dunning.simulation"]
                .with_company(cls.company)
                .create({"date_from": PERIOD[0], "date_to": PERIOD[1], "warmup_days": 0})
            )
            cls.simulation.run()

    def show(self, partner, simulation=None):
        """The manager's path: Show a Customer on the form, pick the customer, show its timeline."""
        simulation = (simulation or self.simulation).with_user(self.manager)
        action = simulation.action_show_customer()
        wizard = self.env[action["res_model"]].with_user(self.manager).with_context(**action["context"])
        wizard = wizard.create({"partner_id": partner.id})
        result = wizard.action_show()
        self.assertIn(partner.name, result["name"])
        return self.env[result["res_model"]].with_user(self.manager).search(result["domain"])

    def full_replay(self, partner):
        """Per policy, in the full simulation (every customer replayed): the customer's follow-ups (ReplayFigures.log)
        and the days of its trace."""
        replay = self.env["account.dunning.replay"].with_company(self.company)
        data = replay._load(self.company, PERIOD[0], PERIOD[1])
        logs, traces = {}, {}
        for key, policy in self.simulation._policies():
            watch = ReplayWatch(trace=True)
            _figures, details = replay._replay(self.company, policy, *PERIOD, PERIOD[0], data, watch=watch)
            logs[key] = [
                (day, level_id, tuple(sorted(invoice_ids)))
                for day, partner_id, level_id, invoice_ids in details.log
                if partner_id == partner.id
            ]
            traces[key] = [entry for entry in watch.trace if entry["partner_id"] == partner.id]
        return logs, traces

    @staticmethod
    def followups(lines, side):
        return [
            (line.day, line.level_id.id, tuple(sorted(line.move_ids.ids)))
            for line in lines.filtered(lambda line: line.side == side and line.kind == "followup")
        ]

    @staticmethod
    def tolerance_head(days):
        return "No tolerance" if not days else ("Tolerance 1 day" if days == 1 else f"Tolerance {days} days")

    def test_the_same_follow_ups_as_the_full_simulation(self):
        for partner in (self.newcomer, self.defaulter):
            logs, _traces = self.full_replay(partner)
            lines = self.show(partner)
            for side in ("policy", "comparison"):
                self.assertTrue(logs[side], f"{partner.name} is followed up under {side}")
                self.assertEqual(self.followups(lines, side), logs[side], f"{partner.name}, {side}")
        # the fixed ladder (+1, +15, +30, +45, 14 days apart) on the defaulter's invoice due 2 March, never paid
        fixed = lines.filtered(lambda line: line.side == "comparison" and line.kind == "followup")
        self.assertEqual(
            [(line.day, line.level) for line in fixed],
            [
                (date(2026, 3, 3), "Fixed ladder / Reminder 1"),
                (date(2026, 3, 17), "Fixed ladder / Reminder 2"),
                (date(2026, 4, 1), "Fixed ladder / Reminder 3"),
                (date(2026, 4, 16), "Fixed ladder / Formal notice"),
            ],
        )
        self.assertEqual(fixed[0].move_ids, self.defaulter_invoice)
        self.assertEqual(fixed[2].description, "Sent by Email, SMS.")
        late = lines.filtered(lambda line: line.kind == "late")
        self.assertEqual(late.mapped("day"), [date(2026, 3, 3)] * 2, "late from the day after its due date")
        self.assertFalse(lines.filtered("warmup"), "no warm-up in this simulation")

    def test_tolerances_and_why(self):
        for partner in (self.newcomer, self.steady):
            _logs, traces = self.full_replay(partner)
            lines = self.show(partner)
            for side in ("policy", "comparison"):
                changes, last = [], None
                for entry in traces[side]:
                    if (entry["segment"], entry["tolerance"]) != last:
                        last = (entry["segment"], entry["tolerance"])
                        changes.append((entry["day"], self.tolerance_head(entry["tolerance"])))
                tolerances = lines.filtered(lambda line, side=side: line.side == side and line.kind == "tolerance")
                heads = [(line.day, line.description.split(". ", 1)[1].split(":")[0]) for line in tolerances]
                self.assertEqual(heads, changes, f"{partner.name}, {side}")
                self.assertTrue(changes)
        # the steady payer's tolerance comes from its own history, the newcomer's is the default
        newcomer = self.show(self.newcomer).filtered(lambda line: line.kind == "tolerance")
        self.assertIn("Segment New. ", newcomer[0].description)
        self.assertIn("the default for new customers", newcomer[0].description)
        steady = self.show(self.steady).filtered(lambda line: line.kind == "tolerance" and line.side == "policy")
        self.assertNotIn("new customers", steady[0].description)
        self.assertIn("Segment Occasional late payer", steady[0].description)
        # the fixed ladder gives no tolerance
        fixed = self.show(self.steady).filtered(lambda line: line.kind == "tolerance" and line.side == "comparison")
        self.assertTrue(fixed[0].description.split(". ", 1)[1].startswith("No tolerance"))

    def test_an_invoice_with_a_tolerance_of_its_own(self):
        # three times the steady payer's usual amount: half its tolerance, under the policy (none on the fixed ladder)
        invoice = self.make_invoice(self.steady, date(2026, 4, 10), amount=3000.0)
        _logs, traces = self.full_replay(self.steady)
        lines = self.show(self.steady).filtered(lambda line: line.kind == "invoice_tolerance")
        self.assertEqual(set(lines.mapped("side")), {"policy"})
        self.assertEqual(lines[0].move_ids, invoice)
        expected = []
        for entry in traces["policy"]:
            days, reason = next((row[3:] for row in entry["invoices"] if row[0] == invoice.id), (None, ""))
            if entry["day"] > invoice.invoice_date_due and reason and not expected:
                expected.append((entry["day"], days, reason, entry["tolerance"]))
        day, days, _reason, tolerance = expected[0]
        self.assertEqual(lines[0].day, day)
        self.assertIn(f"Tolerance of this invoice: {days} days instead of {tolerance}: ", lines[0].description)
        large = lines.filtered(lambda line: "an unusually large invoice for this customer" in line.description)
        self.assertTrue(large)
        self.assertIn(f"{tolerance // 2} days", large[0].description)

    def test_a_follow_up_held_back(self):
        # the fixed ladder's second reminder (due + 15) waits 20 days after the first (due + 1)
        fixed = self.simulation.compare_policy_id
        fixed.scenario_ids.level_ids.filtered(lambda level: level.name == "Reminder 2").interval_days = 20
        lines = self.show(self.defaulter).filtered(lambda line: line.side == "comparison")
        held = lines.filtered(lambda line: line.kind == "held")
        self.assertEqual(
            (held[0].day, held[0].description),
            (date(2026, 3, 17), "Held back 6 days in a row: Too soon after the previous follow-up."),
        )
        followups = lines.filtered(lambda line: line.kind == "followup")
        self.assertEqual((followups[1].day, followups[1].level), (date(2026, 3, 23), "Fixed ladder / Reminder 2"))

    def test_what_really_happened(self):
        level = self.env["account.dunning.run"]._get_scenarios_by_segment(self.company)["new"].level_ids[1]
        real = (
            self.env["account.dunning.action"]
            .sudo()
            .create(
                {
                    "partner_id": self.newcomer.id,
                    "company_id": self.company.id,
                    "level_id": level.id,
                    "scenario_id": level.scenario_id.id,
                    "date": date(2026, 3, 25),
                    "state": "done",
                    "channel_email": True,
                    "move_ids": [Command.set(self.newcomer_invoice.ids)],
                }
            )
        )
        lines = self.show(self.newcomer).filtered(lambda line: line.side == "real")
        self.assertEqual(lines.mapped("kind"), ["real_followup", "payment"])
        followup, payment = lines
        self.assertEqual((followup.day, followup.level_id, followup.move_ids), (real.date, level, real.move_ids))
        self.assertEqual(followup.description, "Sent by Email.")
        self.assertEqual((payment.day, payment.move_ids), (date(2026, 4, 10), self.newcomer_invoice))
        self.assertIn("paid in full", payment.description)

    def test_customers_offered_and_refused(self):
        nobody = self.make_customer("Nobody")
        action = self.simulation.with_user(self.manager).action_show_customer()
        wizard = self.env[action["res_model"]].with_user(self.manager).new({"simulation_id": self.simulation.id})
        domain = safe_eval(
            wizard._fields["partner_id"].domain,
            {"company_id": wizard.company_id.id, "date_to": wizard.date_to, "first_day": wizard.first_day},
        )
        offered = self.env["res.partner"].search(domain)
        self.assertLessEqual(self.steady | self.prompt | self.newcomer | self.defaulter, offered)
        self.assertNotIn(nobody, offered)
        with self.assertRaisesRegex(UserError, "no invoice open during the simulated period"):
            self.show(nobody)
        with self.assertRaisesRegex(UserError, "Run the simulation first"):
            self.simulate().action_show_customer()

    def test_managers_only(self):
        billing = new_test_user(
            self.env, login="billing_timeline", groups="account.group_account_invoice", company_id=self.company.id
        )
        with self.assertRaises(AccessError):
            self.simulation.with_user(billing).action_show_customer()
        with self.assertRaises(AccessError):
            self.env["account.dunning.simulation.timeline"].with_user(billing).create(
                {"simulation_id": self.simulation.id, "partner_id": self.newcomer.id}
            )
        wizard = self.env["account.dunning.simulation.timeline"].create(
            {"simulation_id": self.simulation.id, "partner_id": self.newcomer.id}
        )
        with self.assertRaises(AccessError):
            wizard.with_user(billing).action_show()
