from unittest.mock import patch

import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.account_dunning_job_cursor import JOB_CRONS
from .common import DunningRunCommon

JOB_LOGGER = "odoo.addons.account_dunning.models.account_dunning_job_failure"
SEND_LOGGER = "odoo.addons.account_dunning.models.account_dunning_run_send"


@tagged("post_install", "-at_install")
class TestDunningJobs(DunningRunCommon):
    """Jobs that never stall and follow-ups that never go out stale."""

    def _company_with_customer(self, name):
        company = self.setup_other_company(name=name)["company"]
        company.write({"dunning_responsible_id": self.collector.id, "dunning_send_enabled": True})
        self.customer.with_company(company).sudo().write(
            {"dunning_segment": "good", "dunning_segment_override": "good", "dunning_tolerance_days": 0}
        )
        self._invoice(self.customer, 100, "2025-01-01", company=company)
        return company

    def test_one_company_failing_does_not_stop_the_others(self):
        company_2 = self._company_with_customer("Second Co")
        company_3 = self._company_with_customer("Third Co")
        self.collector.company_ids += company_2 | company_3
        run_class = self.registry["account.dunning.run"]
        select = run_class._select_partner_ids

        def select_or_crash(run, company, date):
            if company == company_2:
                raise RuntimeError("simulated crash of the second company")
            return select(run, company, date)

        self._invoice(self.customer, 100, "2025-01-01")
        with patch.object(run_class, "_select_partner_ids", select_or_crash), mute_logger(JOB_LOGGER):
            self.env["account.dunning.run"]._cron_run_followups()
        self.assertTrue(self._actions(company=self.company))
        self.assertFalse(self._actions(company=company_2))
        self.assertEqual(len(self._actions(company=company_3)), 1, "the third company still gets its follow-ups")
        failure = self.env["account.dunning.job.failure"].search([("company_id", "=", company_2.id)])
        self.assertEqual((failure.job, failure.count, failure.state), ("run", 1, "open"))
        self.assertIn("simulated crash", failure.message)
        self.assertEqual(failure.activity_ids.user_id, self.collector, "one task for the company's responsible")
        # failing again the next night counts on the same record, with no second task
        with patch.object(run_class, "_select_partner_ids", select_or_crash), mute_logger(JOB_LOGGER):
            self.env["account.dunning.run"]._cron_run_followups()
        self.assertEqual((failure.count, len(failure.activity_ids)), (2, 1))
        failure.with_user(self.collector).action_resolve()
        self.assertEqual((failure.state, len(failure.activity_ids)), ("resolved", 0))

    def test_each_nightly_job_isolates_its_companies(self):
        company_2 = self._company_with_customer("Other Co")
        failures = self.env["account.dunning.job.failure"]
        for job, model, method, patched in (
            ("behaviour", "res.partner", "_cron_dunning_recompute_payment_stats", "_dunning_recompute_company"),
            ("kpi", "account.dunning.kpi", "_cron_refresh", "_dunning_refresh"),
        ):
            model_class = self.registry[model]
            original = getattr(model_class, patched)

            def crash_for_company_2(records, company, *args, original=original, job=job):
                if company == company_2:
                    raise RuntimeError(f"simulated {job} crash")
                return original(records, company, *args)

            with patch.object(model_class, patched, crash_for_company_2), mute_logger(JOB_LOGGER):
                getattr(self.env[model], method)()
            failure = failures.search([("job", "=", job)])
            self.assertEqual(failure.company_id, company_2, job)
        self.assertTrue(self.env["account.dunning.kpi"].search([("company_id", "=", self.company.id)]))

    @mute_logger(SEND_LOGGER, "odoo.addons.mail.models.mail_render_mixin")
    def test_a_broken_template_three_days_running_leaves_one_failed_followup(self):
        broken = self.levels[0].mail_template_id.copy({"body_html": "<p t-out='object.no_such_field'/>"})
        self.levels[0].mail_template_id = broken
        self._invoice(self.customer, 100, "2025-01-01")
        for day in ("2025-01-05", "2025-01-06", "2025-01-07"):
            result = self._run(day)
            self.assertEqual([entry["action"].state for entry in result["followups"]], ["failed"], day)
        failed = self._actions()
        self.assertEqual(len(failed), 1, "retried on the same record")
        self.assertEqual((failed.state, failed.retry_count, failed.date), ("failed", 3, self.d("2025-01-07")))
        self.assertEqual(failed.activity_ids.user_id, self.collector, "one task once the attempts are used up")
        # the fourth day the run waits for a fix and says why
        result = self._run("2025-01-08")
        self.assertEqual([entry["reason"] for entry in result["skipped"]], ["failing"])
        self.assertEqual((len(self._actions()), failed.retry_count), (1, 3))
        # once the template is fixed, Retry sends it
        self.levels[0].mail_template_id = self.env.ref("account_dunning.mail_template_dunning_reminder")
        failed.action_retry()
        self.assertEqual((failed.state, failed.retry_count), ("done", 0))

    def test_template_used_by_a_level_cannot_be_deleted(self):
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.levels[0].mail_template_id.unlink()
        self.assertTrue(self.levels[0].mail_template_id.exists())

    def test_formal_notice_validated_after_payment_sends_nothing(self):
        formal = self.levels[3]
        formal.direct_entry = True
        self.assertTrue(formal.need_validation and formal.set_on_hold)
        invoice = self._invoice(self.customer, 500, "2025-01-01")
        self._run("2025-03-01")
        notice = self._actions()
        self.assertEqual((notice.level_id, notice.state), (formal, "to_validate"))
        self._pay(invoice, 500, "2025-03-02")
        mails = self.env["mail.mail"].search_count([])
        notice.action_send()
        self.assertEqual(notice.state, "cancelled")
        self.assertIn("Nothing left to chase", notice.cancel_reason)
        self.assertFalse(notice.line_ids)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails, "no email")
        self.assertFalse(self.customer.with_company(self.company).dunning_on_hold, "no hold for a paid invoice")

    def test_validation_drops_what_changed_and_sends_the_rest_up_to_date(self):
        self.company.dunning_send_enabled = False  # review mode: everything waits for validation
        paid = self._invoice(self.customer, 300, "2025-01-01")
        partly = self._invoice(self.customer, 1000, "2025-01-01")
        disputed = self._invoice(self.customer, 200, "2025-01-01")
        self._run("2025-01-05")
        action = self._actions()
        self.assertEqual(action.amount_total, 1500)
        self._pay(paid, 300, "2025-01-06")
        self._pay(partly, 400, "2025-01-06")
        disputed._dunning_set_dispute("Wrong quantity")
        action.action_send()
        self.assertEqual(action.state, "done")
        self.assertEqual(action.move_ids, partly)
        # 1,000 - 400 = 600 still due when validated
        self.assertEqual((action.line_ids.amount_residual, action.amount_total), (600, 600))
        self.assertEqual(partly.dunning_level_id, self.levels[0])
        self.assertFalse(paid.dunning_level_id or disputed.dunning_level_id)

    def test_run_date_is_sane(self):
        with self.assertRaisesRegex(ValidationError, "future date"):
            self.env["account.dunning.run.wizard"].create({"date": "2999-01-01"})
        with self.assertRaisesRegex(UserError, "future date"):
            self._run("2999-01-01")
        self.assertEqual(self._run("2999-01-01", preview=True)["followups"], [], "a preview of the future is harmless")
        # a follow-up made and cancelled for a later day does not block a run for an earlier one
        self.company.dunning_send_enabled = False
        self._invoice(self.customer, 100, "2025-01-01")
        self._run("2025-03-01")
        self._actions().action_cancel()
        result = self._run("2025-02-20")
        self.assertEqual(len(result["followups"]), 1, [entry["reason"] for entry in result["skipped"]])

    @mute_logger("odoo.addons.account_dunning.models.account_move")
    def test_payment_goes_through_when_the_statistics_fail(self):
        invoice = self._invoice(self.customer, 100, "2025-01-01")
        partner_class = self.registry["res.partner"]

        def crash(*args, **kwargs):
            raise RuntimeError("statistics crashed")

        with patch.object(partner_class, "_dunning_recompute_payment_stats", crash):
            self._pay(invoice, 100, "2025-01-10")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_settings_are_bounded(self):
        for values, message in (
            ({"dunning_max_retries": 0}, "between 1 and 10"),
            ({"dunning_min_amount": -1}, "cannot be negative"),
            ({"dunning_responsible_id": False}, "default collections responsible"),
        ):
            with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
                self.company.write(values)
        # the payment-behaviour and tolerance settings live on the company's current policy
        policy = self.company.dunning_policy_id
        for values, message in (
            ({"window_days": 10}, r"Payment History Window \(days\) must be between 30 and 3650 \(got 10\)"),
            ({"risk_percent": 0}, "between 1 and 100"),
            ({"late_days": 4}, "between 5 and 90"),
            ({"prior_weight": -1}, "between 0 and 50"),
            ({"new_invoice_days": 61}, "between 0 and 60"),
        ):
            with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
                policy.write(values)
        policy.window_days = 30
        # the settings form writes the same policy, with the same bounds
        with self.assertRaisesRegex(ValidationError, "between 30 and 3650"), self.env.cr.savepoint():
            self.env["res.config.settings"].create({"dunning_behaviour_window_days": 10}).execute()

    def test_scheduled_actions_share_one_prefix(self):
        names = [self.env.ref(xmlid).name for xmlid in JOB_CRONS.values()]
        self.assertEqual(len(names), 4)
        for name in names:
            self.assertTrue(name.startswith("Customer Follow-ups: "), name)

    def test_shipped_texts_survive_upgrades(self):
        data = self.env["ir.model.data"].search(
            [("module", "=", "account_dunning"), ("model", "in", ("mail.template", "sms.template"))]
        )
        self.assertTrue(data)
        self.assertTrue(all(data.mapped("noupdate")))

    def test_merging_customers_moves_their_followups(self):
        twin = self._create_customer("Dupont S.A.R.L.", email="compta@dupont.example")
        self._invoice(self.customer, 100, "2025-01-01")
        self._invoice(twin, 200, "2025-01-01")
        self._run("2025-01-05")
        actions = self._actions()
        self.assertEqual(len(actions), 2, "same level, same day, two customers")
        self.env["base.partner.merge.automatic.wizard"]._merge((self.customer | twin).ids, self.customer)
        self.assertEqual(actions.exists(), actions, "no follow-up deleted")
        self.assertEqual(actions.partner_id, self.customer)
        self.assertEqual(len(self.customer.with_company(self.company).dunning_action_ids), 2)
