from datetime import date, timedelta

from odoo import Command
from odoo.tests import freeze_time, tagged

from .common_answers import DunningAnswersCommon

FIRST_DAY = date(2026, 3, 1)
LAST_DAY = date(2026, 5, 4)  # 65 days


@tagged("post_install", "-at_install")
class TestDunningParity(DunningAnswersCommon):
    """The policy simulation replays exactly what the daily run did (issue 24).

    One ledger, 65 days: every morning the nightly statistics job, then the daily run (follow-ups needing validation
    validated at once, as the replay assumes), then the day's events: payments (partial, in instalments, in US
    dollars at another rate than the invoice's), a promise broken by a short payment, a dispute and its resolution,
    a payment announced on the customer's page for an earlier day, an email reply handled two days later, an invoice
    taken out of the chase ("no follow-up") and back. Then the
    simulation of the same days with the current policy must find the same follow-ups: same customer, day, level
    and invoices. Customers are classed by their own history (no manual segment), so that statistics, segments and
    tolerances are decided by the nightly job on one side and by the replay on the other.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.setup_other_currency("USD", rates=[("2026-01-01", 1.25), ("2026-03-20", 1.10)])
        make = cls._parity_customer
        cls.habit = make("Martin Habitudes", [10, 11, 9, 10, 12, 10])
        cls.chronic = make("Bernard Retards", [20, 25, 5, 30, 18, 16])
        cls.newcomer = make("Petit Nouveau", [])
        cls.foreign = make("Smith Ltd", [])
        cls.promiser = make("Roux Promesses", [2, 0, 3])
        cls.disputer = make("Lefevre Litiges", [0, 1, 0])
        cls.announcer = make("Moreau Annonces", [])
        cls.instalments = make("Garnier Echeances", [4, 6, 5])

    @classmethod
    def _parity_customer(cls, name, delays):
        """A company customer with an accounting email and, before the period, one paid invoice per delay."""
        partner = cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": f"compta@{name.split()[0].lower()}.example",
                "dunning_debtor_type": "professional",
            }
        )
        first_due = date(2025, 10, 1)
        for index, delay in enumerate(delays):
            due = first_due + timedelta(days=20 * index)
            with freeze_time(due + timedelta(days=delay)):
                cls._pay(cls._invoice(partner, 1000, due), 1000, due + timedelta(days=delay))
        return partner

    def _on(self, day, event):
        self.events.setdefault(date.fromisoformat(day), []).append(event)

    def _plan_events(self):
        """The invoices of the period and what happens to them, day by day (after that day's run)."""
        self.events, self.docs = {}, {}
        invoices = {
            "habit_1": ("2026-03-05", self.habit, 800),
            "habit_2": ("2026-03-25", self.habit, 1200),
            "chronic_1": ("2026-03-02", self.chronic, 2000),
            "chronic_2": ("2026-03-22", self.chronic, 500),
            "new_1": ("2026-03-15", self.newcomer, 700),
            "promise_1": ("2026-03-03", self.promiser, 1000),
            "dispute_1": ("2026-03-06", self.disputer, 900),
            "announce_1": ("2026-03-04", self.announcer, 650),
            "usd_1": ("2026-03-08", self.foreign, 1000),
        }
        for key, (due, partner, amount) in invoices.items():
            currency = self.usd if key == "usd_1" else None
            self._on(
                (date.fromisoformat(due) - timedelta(days=30)).isoformat(),
                lambda key=key, due=due, partner=partner, amount=amount, currency=currency: self._post(
                    key, partner, amount, due, currency
                ),
            )
        self._on("2026-02-05", self._post_instalments)
        pay = self._pay_key
        self._on("2026-03-16", lambda: pay("habit_1", 800))
        self._on("2026-04-20", lambda: pay("habit_2", 1200))
        self._on("2026-03-10", lambda: pay("chronic_1", 1000))
        self._on("2026-04-05", lambda: pay("chronic_1", 1000))
        self._on("2026-04-02", lambda: pay("new_1", 700))
        # the dollar invoice: 500 EUR on 20 March (at 1.10 USD for 1 EUR: 550 USD), the rest in dollars on 12 April
        self._on("2026-03-20", lambda: pay("usd_1", 500))
        self._on("2026-04-12", lambda: pay("usd_1", 450, currency=self.usd))
        self._on("2026-03-12", lambda: self.docs["promise_1"]._dunning_set_promise(date(2026, 3, 20), 600.0))
        self._on("2026-03-18", lambda: pay("promise_1", 300))  # short of the 600 promised: broken on 21 March
        self._on("2026-04-10", lambda: pay("promise_1", 700))
        self._on("2026-03-10", lambda: self.docs["dispute_1"]._dunning_set_dispute("Goods damaged"))
        self._on("2026-03-25", lambda: self.docs["dispute_1"].action_dunning_resolve_dispute())
        self._on("2026-04-15", lambda: pay("dispute_1", 900))
        # on 14 March the customer says on its page that it paid on 5 March: the days before are not paused
        self._on("2026-03-14", lambda: self._announce(self.announcer, "announce_1", date(2026, 3, 5)))
        self._on("2026-04-01", lambda: pay("announce_1", 650))
        self._on("2026-03-20", lambda: pay("instalment", 300))
        self._on("2026-03-26", lambda: self._reply_to_latest(self.chronic))
        # the chronic payer's second invoice leaves the chase on its due date (a delivery in question) and comes
        # back on 8 April: its follow-ups leave it out from 23 March to 8 April, in the run and in the replay
        self._on("2026-03-22", lambda: self.docs["chronic_2"]._dunning_set_no_followup("Delivery in question"))
        self._on("2026-04-08", lambda: self.docs["chronic_2"].action_dunning_resume_followup())
        self._on("2026-03-29", lambda: self._handle_replies(self.chronic))

    def _post(self, key, partner, amount, due, currency=None):
        """A posted invoice dated (and recorded) today, due on `due`."""
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": date.today(),
                "invoice_date_due": due,
                "currency_id": (currency or self.company.currency_id).id,
                "invoice_line_ids": [
                    Command.create({"name": "Service", "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        self.docs[key] = move

    def _post_instalments(self):
        """1,000 in two instalments: 30 % on 5 March, 70 % on 5 April."""
        term = self.env["account.payment.term"].create(
            {
                "name": "30/70",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 30, "nb_days": 28}),
                    Command.create({"value": "percent", "value_amount": 70, "nb_days": 59}),
                ],
            }
        )
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.instalments.id,
                "invoice_date": date.today(),
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create({"name": "Service", "quantity": 1, "price_unit": 1000, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        self.docs["instalment"] = move

    def _pay_key(self, key, amount, currency=None):
        move = self.docs[key]
        wizard = self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids)
        values = {"amount": amount, "payment_date": date.today()}
        if currency:
            values["currency_id"] = currency.id
        wizard.create(values)._create_payments()

    def _announce(self, partner, key, paid_on):
        access = self.env["account.dunning.access"]._dunning_get_for(partner, self.company)[partner.id]
        move = self.docs[key]
        access._dunning_announce_payment(move.ids, paid_on, move.amount_residual, "VIR-77", None)

    def _reply_to_latest(self, partner):
        action = self.env["account.dunning.action"].search(
            [("partner_id", "=", partner.id), ("state", "=", "done"), ("mail_message_id", "!=", False)],
            order="date desc, id desc",
            limit=1,
        )
        self._reply(action, body="We will pay the rest next week.")

    def _handle_replies(self, partner):
        self.env["account.dunning.answer"].search(
            [("partner_id", "=", partner.id), ("kind", "=", "reply")]
        ).action_mark_handled()

    def _live_days(self):
        """Every day from the first invoice to the end: the nightly job, the run, validation, the day's events."""
        day = min(self.events)
        while day <= LAST_DAY:
            with freeze_time(day):
                if day >= FIRST_DAY:
                    self.env["res.partner"]._cron_dunning_recompute_payment_stats()
                    self.run_service.run_followups(self.company, day)
                    waiting = self.env["account.dunning.action"].search(
                        [("company_id", "=", self.company.id), ("state", "=", "to_validate")]
                    )
                    waiting.action_send()
                for event in self.events.get(day, ()):
                    event()
                self.env.flush_all()
            day += timedelta(days=1)

    def test_the_replay_of_the_days_finds_the_follow_ups_of_the_daily_run(self):
        self._plan_events()
        self._live_days()
        actions = self.env["account.dunning.action"].search(
            [("company_id", "=", self.company.id), ("state", "=", "done")]
        )
        live = {
            (action.partner_id.name, action.date, action.level_id.display_name, tuple(sorted(action.move_ids.ids)))
            for action in actions
        }
        with freeze_time(LAST_DAY + timedelta(days=1)):
            simulation = self.env["account.dunning.simulation"].create(
                {"date_from": FIRST_DAY, "date_to": LAST_DAY, "warmup_days": 0, "compare_policy_id": False}
            )
            replay = self.env["account.dunning.replay"]
            data = replay._load(self.company, FIRST_DAY, LAST_DAY)
            _figures, details = replay._replay(self.company, simulation.policy_id, FIRST_DAY, LAST_DAY, FIRST_DAY, data)
        levels = self.env["account.dunning.level"]
        partners = self.env["res.partner"]
        replayed = {
            (partners.browse(partner_id).name, day, levels.browse(level_id).display_name, tuple(sorted(invoices)))
            for day, partner_id, level_id, invoices in details.log
        }
        self.assertGreaterEqual(len(live), 15, "the ledger exercises the run")
        self.assertEqual(
            sorted(live - replayed, key=str), [], "follow-ups of the daily run that the replay did not find"
        )
        self.assertEqual(sorted(replayed - live, key=str), [], "follow-ups of the replay the daily run did not send")
        # the flag mattered: the invoice out of the chase is in no follow-up while flagged, and chased once back
        flagged = self.docs["chronic_2"].id
        days_with_it = [day for _name, day, _level, invoices in live if flagged in invoices]
        self.assertFalse([day for day in days_with_it if date(2026, 3, 23) <= day <= date(2026, 4, 8)])
        self.assertTrue([day for day in days_with_it if day > date(2026, 4, 8)])
        # every customer and rule of the ledger got at least one follow-up
        self.assertEqual({name for name, *_rest in live}, {p.name for p in self._customers()})

    def _customers(self):
        return (
            self.habit
            | self.chronic
            | self.newcomer
            | self.foreign
            | self.promiser
            | self.disputer
            | self.announcer
            | self.instalments
        )

    def test_the_replay_knows_an_announced_payment_from_the_day_after_only(self):
        """No present in the past: on 14 March the customer says on its page that it paid on 5 March. The replay of
        10 March knows nothing of it and sends the first reminder (new customer: 5 days of tolerance, reminder 1
        one day later: 4 + 5 + 1 = 10 March); from 15 March the chase pauses until the end of the pause (14 March
        + the company's paid pause days)."""
        self.events, self.docs = {}, {}
        with freeze_time("2026-02-02"):
            self._post("announce_1", self.announcer, 650, "2026-03-04")
        with freeze_time("2026-03-14"):
            self._announce(self.announcer, "announce_1", date(2026, 3, 5))
        pause_end = date(2026, 3, 14) + timedelta(days=self.company.dunning_paid_pause_days)
        with freeze_time("2026-05-05"):
            replay = self.env["account.dunning.replay"]
            data = replay._load(self.company, FIRST_DAY, LAST_DAY, partner_ids=self.announcer.ids)
            policy = self.env["account.dunning.policy"]._dunning_live_policy(self.company)
            _figures, details = replay._replay(self.company, policy, FIRST_DAY, LAST_DAY, FIRST_DAY, data)
        days = [day for day, partner_id, _level, _invoices in details.log if partner_id == self.announcer.id]
        self.assertIn(date(2026, 3, 10), days, "the reminder of 10 March was due before the announcement")
        self.assertFalse([day for day in days if date(2026, 3, 15) <= day <= pause_end], "paused once known")
        self.assertTrue([day for day in days if day > pause_end], "the chase resumes after the pause")
