from datetime import date

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .test_dunning_letters import REPORT, LettersCommon


@tagged("post_install", "-at_install")
class TestDunningLegal(LettersCommon):
    """Amounts and sentences a court would uphold; figures computed by hand in the comments.

    The company is French (EUR); the default rate is the ECB rate + 10 points: 3.15 % in H1 2025 (13.15 %),
    2.15 % in H2 2025 (12.15 %). Invoices have no tax.
    """

    def _html(self, action):
        return self.env["ir.actions.report"]._render_qweb_html(REPORT, action.ids)[0].decode()

    def _send(self, action, day):
        with freeze_time(day):
            action.action_send()

    def _instalment_term(self):
        return self.env["account.payment.term"].create(
            {
                "name": "Half at 30 days, half at 60 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 60}),
                ],
            }
        )

    def test_no_sum_is_claimed_twice_after_a_penalty_invoice(self):
        invoice = self._invoice(self.customer, 1000, "2025-01-01")
        # penalty invoice on 2 March: 2 Jan .. 2 Mar = 60 days: 1000 x 13.15 % x 60 / 365 = 21.6164 -> 21.62,
        # and the 40 EUR indemnity: 61.62
        penalty_move = invoice._dunning_create_penalty_move(date(2025, 3, 2))
        penalty_move.action_post()
        self.assertAlmostEqual(penalty_move.amount_total, 61.62)
        self.assertIn("not subject to VAT", str(penalty_move.narration))
        # formal notice 18 days later, on 20 March
        self.assertEqual(penalty_move.invoice_date_due, date(2025, 3, 2), "due at once")
        self._run("2025-03-20")
        notice = self._actions(self.customer)
        self.assertEqual(notice.level_id, self.formal_level)
        self.assertEqual(notice.move_ids, invoice | penalty_move, "the penalty invoice is one open item among others")
        self._send(notice, "2025-03-20")
        values = notice._get_letter_values()
        rows = {row["move"]: row for row in values["lines"]}
        # only 3 Mar .. 20 Mar = 18 days: 1000 x 13.15 % x 18 / 365 = 6.4849 -> 6.48, no second indemnity
        self.assertEqual((rows[invoice]["penalty"], rows[invoice]["indemnity"]), (6.48, 0.0))
        self.assertEqual((rows[penalty_move]["residual"], rows[penalty_move]["penalty"]), (61.62, 0.0))
        # 1,000 + 61.62 + 6.48 = 1,068.10: the same euros as one claim of 78 days (28.10) and 40 EUR
        self.assertEqual(
            values["totals"][self.company.currency_id],
            {"due": 1061.62, "penalties": 6.48, "indemnities": 0.0, "total": 1068.10},
        )

    def test_each_instalment_is_late_from_its_own_due_date(self):
        invoice = self._invoice(self.customer, 12000, "2025-01-01")
        invoice.button_draft()
        invoice.write({"invoice_payment_term_id": self._instalment_term().id, "invoice_date_due": False})
        invoice.action_post()
        self.assertEqual(
            sorted(invoice.line_ids.filtered("date_maturity").mapped("date_maturity")),
            [date(2025, 1, 31), date(2025, 3, 2)],
        )
        self._pay(invoice, 12000, "2025-03-02")
        # both halves paid on 2 March: 6,000 x 13.15 % x 30 / 365 (1 Feb .. 2 Mar) = 64.849 -> 64.85; the second
        # half, paid on its due date, accrues nothing; one 40 EUR indemnity for the invoice
        periods = invoice._dunning_late_penalty_periods(date(2025, 6, 1))
        self.assertEqual(
            [(p["date_due"], p["date_from"], p["date_to"], p["days"], p["base"], p["amount"]) for p in periods],
            [(date(2025, 1, 31), date(2025, 2, 1), date(2025, 3, 2), 30, 6000.0, 64.85)],
        )
        self.assertEqual(invoice._dunning_recovery_indemnity(date(2025, 6, 1)), 40.0)

    def test_letter_rows_are_the_instalments_due(self):
        invoice = self._invoice(self.customer, 12000, "2025-01-01")
        invoice.button_draft()
        invoice.write({"invoice_payment_term_id": self._instalment_term().id, "invoice_date_due": False})
        invoice.action_post()
        self.formal_level.direct_entry = False
        with freeze_time("2025-02-15"):
            self._run("2025-02-15")  # sent at once (a reminder needs no validation)
        action = self._actions(self.customer)
        rows = action._get_letter_values()["lines"]
        # only the first half (due 31 Jan) is due on 15 Feb: 15 days late, 6,000 due
        self.assertEqual(
            [(row["date_due"], row["days_overdue"], row["residual"]) for row in rows], [(date(2025, 1, 31), 15, 6000.0)]
        )

    def test_fully_credited_invoice_owes_nothing(self):
        invoice = self._invoice(self.customer, 1000, "2025-01-01")
        invoice._reverse_moves([{"date": "2025-02-15", "invoice_date": "2025-02-15"}], cancel=True)
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(invoice._dunning_late_penalty(date(2025, 3, 2)), 0.0)
        self.assertEqual(invoice._dunning_recovery_indemnity(date(2025, 3, 2)), 0.0)

    def test_partial_credit_note_was_never_owed(self):
        invoice = self._invoice(self.customer, 1000, "2025-01-01")
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer.id,
                "invoice_date": "2025-02-15",
                "invoice_line_ids": [Command.create({"name": "Discount", "quantity": 1, "price_unit": 400.0})],
            }
        )
        refund.invoice_line_ids.tax_ids = False
        refund.action_post()
        (invoice.line_ids | refund.line_ids).filtered(lambda line: line.account_type == "asset_receivable").reconcile()
        # the 400 credited lowers the base from the start: 600 x 13.15 % x 60 / 365 (2 Jan .. 2 Mar) = 12.9699 -> 12.97
        self.assertEqual(invoice._dunning_late_penalty(date(2025, 3, 2)), 12.97)

    def test_no_penalty_while_a_dispute_stands(self):
        invoice = self._invoice(self.customer, 1000, "2025-01-01")
        with freeze_time("2025-02-01"):
            invoice._dunning_set_dispute("Wrong quantity")
        self.assertEqual(invoice._dunning_recovery_indemnity(date(2025, 2, 20)), 0.0, "no indemnity during a dispute")
        with freeze_time("2025-02-11"):
            invoice.action_dunning_resolve_dispute()
        # 2 Jan .. 31 Jan = 30 days: 1000 x 13.15 % x 30 / 365 = 10.80822; 1 Feb .. 10 Feb disputed;
        # 11 Feb .. 2 Mar = 20 days: 7.20548; rounded once: 18.01370 -> 18.01, shared 10.81 + 7.20
        periods = invoice._dunning_late_penalty_periods(date(2025, 3, 2))
        self.assertEqual(
            [(p["date_from"], p["days"], p["amount"]) for p in periods],
            [
                (date(2025, 1, 2), 30, 10.81),
                (date(2025, 2, 11), 20, 7.20),
            ],
        )
        self.assertEqual(invoice._dunning_late_penalty(date(2025, 3, 2)), 18.01)
        self.assertEqual(invoice._dunning_recovery_indemnity(date(2025, 3, 2)), 40.0)
        # a company that lets penalties run during disputes: 60 days, 21.62
        self.company.dunning_penalty_during_dispute = True
        self.assertEqual(invoice._dunning_late_penalty(date(2025, 3, 2)), 21.62)

    def test_public_buyer_owes_public_procurement_interest(self):
        town = self._create_customer("Mairie de Lyon", email="compta@lyon.example", dunning_debtor_type="public")
        invoice = self._invoice(town, 1000, "2025-06-20")
        # interest from 21 June (H1 2025, ECB 3.15 %) + 8 points = 11.15 % for the whole delay, not split on 1 July:
        # 21 Jun .. 10 Jul = 20 days: 1000 x 11.15 % x 20 / 365 = 6.1096 -> 6.11
        periods = invoice._dunning_late_penalty_periods(date(2025, 7, 10))
        self.assertEqual(
            [(p["days"], p["rate"], p["ecb"], p["margin"], p["amount"]) for p in periods],
            [(20, 11.15, 3.15, 8.0, 6.11)],
        )
        self.assertEqual(invoice._dunning_recovery_indemnity(date(2025, 7, 10)), 40.0)
        penalty_move = invoice._dunning_create_penalty_move(date(2025, 7, 10))
        self.assertIn("Public Procurement", penalty_move.invoice_line_ids[0].name)
        self.assertIn("11.15 % (ECB 3.15 % + 8 points)", penalty_move.invoice_line_ids[0].name)

    def test_debtor_type_decides_who_owes_penalties(self):
        association = self._create_customer("Amicale des Boulistes", dunning_debtor_type="non_professional")
        sole_trader = self._create_customer("Jean Plombier", dunning_debtor_type="professional")
        sole_trader.is_company = False
        for partner, penalty in ((association, 0.0), (sole_trader, 21.62)):
            invoice = self._invoice(partner, 1000, "2025-01-01")
            # 60 days: 1000 x 13.15 % x 60 / 365 = 21.62 for the sole trader, nothing for the association
            self.assertEqual(invoice._dunning_late_penalty(date(2025, 3, 2)), penalty, partner.name)
            self.assertEqual(invoice._dunning_recovery_indemnity(date(2025, 3, 2)), 40.0 if penalty else 0.0)
        self.assertEqual(self.customer._dunning_debtor_type(), "professional", "a company with a SIRET")
        self.assertEqual(association.dunning_debtor_rule.split(":")[0], "Non-professional legal person")

    def test_consumer_formal_notice_email_and_sms_threaten_no_fees(self):
        person = self._create_customer(
            "Jean Particulier", email="jean@example.com", mobile="+33612345678", dunning_sms_mobile=True
        )
        person.is_company = False
        self.formal_level.write(
            {"channel_sms": True, "sms_template_id": self.env.ref("account_dunning.sms_template_dunning_formal").id}
        )
        self._invoice(person, 500, "2025-01-01")
        self._run("2025-03-20")
        action = self._actions(person)
        self._send(action, "2025-03-20")
        mail = self.env["mail.mail"].search([("mail_message_id", "=", action.mail_message_id.id)])
        for text in (mail.body_html, action.sms_id.body):
            self.assertIn("legal rate", text)
            for untrue in ("L441-10", "40 EUR", "recovery costs", "penalties"):
                self.assertNotIn(untrue, text)
        # an SMS may be read by anyone holding the phone: no amount, no invoice number
        invoice = action.move_ids
        for private in (invoice.name, "500.00", "€"):
            self.assertNotIn(private, action.sms_id.body)
        self.assertIn("1231-6", mail.body_html)
        self.assertIn("1344-1", mail.body_html)
        html = self._html(action)
        self.assertNotIn("L441-10", html)
        self.assertIn("1231-6", html)

    def test_business_formal_notice_email_states_penalties_and_the_indemnity(self):
        self._invoice(self.customer, 1000, "2025-01-01")
        self._run("2025-03-20")
        action = self._actions(self.customer)
        self._send(action, "2025-03-20")
        mail = self.env["mail.mail"].search([("mail_message_id", "=", action.mail_message_id.id)])
        self.assertIn("L441-10", mail.body_html)
        self.assertIn("40 EUR", mail.body_html)
        self.assertNotIn("recovery costs provided by law", mail.body_html)

    def test_registered_mention_only_when_sent_registered(self):
        self._invoice(self.customer, 1000, "2025-01-01")
        self._run("2025-03-20")
        action = self._actions(self.customer)
        self.assertIn("Lettre recommandée avec accusé de réception", self._html(action))
        action.notice_delivery = "post"
        self.assertNotIn("Lettre recommandée", self._html(action))
        action.notice_delivery = "email"
        self._send(action, "2025-03-20")
        self.assertFalse(action.channel_letter, "a notice sent by email only prints no letter")

    def test_rates_below_the_legal_floor_are_refused(self):
        # H1 2026 legal rate (other cases) 2.62 %: floor 7.86 %
        with freeze_time("2026-03-01"):
            with self.assertRaisesRegex(ValidationError, "below the legal floor of 7.86"), self.env.cr.savepoint():
                self.company.write({"dunning_rate_mode": "fixed", "dunning_fixed_rate": 5.0})
            with self.assertRaisesRegex(ValidationError, "below the legal floor"), self.env.cr.savepoint():
                self.company.write({"dunning_rate_margin": 5.0})  # 2.15 + 5 = 7.15 %
            self.company.write({"dunning_rate_mode": "fixed", "dunning_fixed_rate": 8.0})

    def test_debtor_type_cannot_flip_after_a_penalty_invoice(self):
        invoice = self._invoice(self.customer, 1000, "2025-01-01")
        penalty_move = invoice._dunning_create_penalty_move(date(2025, 3, 2))
        penalty_move.action_post()
        with self.assertRaisesRegex(ValidationError, "already charged"), self.env.cr.savepoint():
            self.customer.dunning_debtor_type = "consumer"
        self.customer.dunning_debtor_type = "public"  # still owes penalties: allowed, for the days to come
        self.assertAlmostEqual(penalty_move.amount_total, 61.62, msg="nothing already invoiced changes")

    def test_out_of_date_rate_table_is_said(self):
        # no ECB nor legal rate is shipped for H2 2026: the latest (2.15 % / 2.62 %) are used, and said
        with freeze_time("2026-09-01"):
            warnings = self.company._dunning_rate_table_warnings(date(2026, 9, 1))
            wizard = self.env["account.dunning.run.wizard"].create({})
            settings = self.env["res.config.settings"].create({})
        self.assertEqual(len(warnings), 2)
        self.assertIn("2.15", warnings[0])
        self.assertIn("2.62", warnings[1])
        self.assertIn("07/01/2026", wizard.rate_warning)
        self.assertIn("ECB", settings.dunning_rate_warning)
        self.assertFalse(self.company._dunning_rate_table_warnings(date(2026, 3, 1)))

    def test_rate_warnings_and_floor_error_speak_french(self):
        # the messages of the rate settings come from the module's French terms, like every other text
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["account_dunning"], ["fr_FR"], overwrite=True)
        company = self.company.with_context(lang="fr_FR")
        warnings = company._dunning_rate_table_warnings(date(2026, 9, 1))
        self.assertIn("Aucun taux BCE n'est saisi pour le semestre", warnings[0])
        self.assertIn("Aucun taux de l'intérêt légal", warnings[1])
        # H1 2026: ECB 2.15 + 5 = 7.15 %, below the floor of 3 x 2.62 % (legal rate, other cases) = 7.86 %
        refused = self.assertRaisesRegex(ValidationError, "7.15 % est inférieur au plancher légal de 7.86 %")
        with freeze_time("2026-03-01"), refused, self.env.cr.savepoint():
            company.write({"dunning_rate_margin": 5.0})
