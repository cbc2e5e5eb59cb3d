from datetime import date, timedelta

from odoo import Command
from odoo.tests import freeze_time, tagged

from .common import DunningRunCommon

DUE = date(2026, 3, 2)

#: the shipped ladders as doc/run.md documents them, every one at the pace of the fixed ladder (post-due levels at
#: 1, 15, 30 and 45 days, 14 days apart): (level, days after the due date plus the tolerance; negative: before the
#: due date, whatever the tolerance)
DOCUMENTED = {
    "new": [("Courtesy notice", -3), ("Reminder 1", 1), ("Reminder 2", 15), ("Phone call", 30), ("Formal notice", 45)],
    "good": [("Reminder 1", 1), ("Reminder 2", 15), ("Phone call", 30), ("Formal notice", 45)],
    "occasional": [("Reminder 1", 1), ("Reminder 2", 15), ("Phone call", 30), ("Formal notice", 45)],
    "risky": [
        ("Courtesy notice", -5),
        ("Reminder", 1),
        ("Firm reminder", 15),
        ("Phone call", 30),
        ("Formal notice", 45),
    ],
    "bad": [
        ("Courtesy notice", -5),
        ("Reminder", 1),
        ("Firm reminder", 15),
        ("Phone call", 30),
        ("Formal notice", 45),
    ],
}


@freeze_time("2026-06-30")
@tagged("post_install", "-at_install")
class TestDunningShippedLadders(DunningRunCommon):
    """Each shipped ladder, replayed day by day by the simulation on one invoice that is never paid: every level
    goes on the day README.md documents, a courtesy notice before the due date whatever the tolerance, and no
    courtesy notice pushes the first reminder back."""

    def _invoice_due(self, partner, due):
        """A posted invoice of 1,000 dated 30 days before its due date."""
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": due - timedelta(days=30),
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "invoice_line_ids": [Command.create({"name": "Service", "price_unit": 1000, "tax_ids": []})],
            }
        )
        invoice.action_post()
        return invoice

    def test_each_ladder_day_by_day(self):
        customers = {}
        for segment in DOCUMENTED:
            customer = self._create_customer(f"Ladder {segment}", segment=segment, email=f"{segment}@example.com")
            self._invoice_due(customer, DUE)
            customers[customer.id] = segment
        self.env.flush_all()
        policy = self.env["account.dunning.policy"]._dunning_live_policy(self.company)
        replay = self.env["account.dunning.replay"]
        first, last = DUE - timedelta(days=10), DUE + timedelta(days=60)
        _figures, details = replay._replay(
            self.company, policy, first, last, first, replay._load(self.company, first, last)
        )
        settings = self.company._dunning_policy_settings()
        empty = {"delay_growth": 0, "delay_median": 0, "delay_p75": 0, "delay_avg": 0}
        sent = {segment: [] for segment in DOCUMENTED}
        for day, partner_id, level_id, _invoices in details.log:
            sent[customers[partner_id]].append((details.levels[level_id]["label"].split(" / ")[1], day))
        for segment, ladder in DOCUMENTED.items():
            # without payment history: new customers get their default (5 days); the others none, their risk being
            # the company's alone, which has no paid invoice either (p = 1.0): (0 + 3 x 1.0) / (0 + 3) = 100 % on
            # day 0
            tolerance = self.env["res.partner"]._dunning_tolerance_decision(settings, empty, segment)[0]
            self.assertEqual(tolerance, 5 if segment == "new" else 0, segment)
            expected = [
                (name, DUE + timedelta(days=trigger if trigger < 0 else max(1, tolerance + trigger)))
                for name, trigger in ladder
            ]
            self.assertEqual(sent[segment], expected, f"{segment} (tolerance {tolerance})")
        self.assertEqual(
            [day - DUE for _name, day in sent["new"]],
            [timedelta(days=days) for days in (-3, 6, 20, 35, 50)],
            "new customers: courtesy 3 days before the due date, first reminder at due + 5 + 1, not 14 days after "
            "the courtesy notice",
        )
        self.assertEqual(
            [day - DUE for _name, day in sent["bad"]],
            [timedelta(days=days) for days in (-5, 1, 15, 30, 45)],
            "bad payers: no tolerance, the fixed ladder's days after a courtesy notice",
        )
