from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import DunningRunCommon

#: fields of res.partner that hold payment-risk data or follow-up settings (all for accounting only)
PARTNER_RISK_FIELDS = [
    "dunning_email",
    "dunning_excluded",
    "dunning_scenario_id",
    "dunning_responsible_id",
    "dunning_on_hold",
    "dunning_to_reconcile",
    "dunning_action_ids",
    "dunning_action_count",
    "dunning_segment",
    "dunning_tolerance_days",
    "dunning_segment_rule_id",
    "dunning_segment_override",
    "dunning_segment_override_reason",
    "dunning_segment_explanation",
    "dunning_segment_change_ids",
    "payment_history_count",
    "payment_delay_avg",
    "payment_delay_median",
    "dunning_delay_p75",
    "payment_delay_max",
    "payment_late_ratio",
    "dunning_late_count",
    "payment_delay_stddev",
    "dunning_delay_trend",
    "dunning_dispute_count",
    "dunning_formal_notice_count",
    "dunning_stats_date",
    "dunning_overdue_amount",
    "dunning_oldest_overdue_days",
]


@tagged("post_install", "-at_install")
class TestDunningAccess(DunningRunCommon):
    """Who sees and does what: accounting reads and acts, everybody else sees nothing of ours."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(cls.customer, 100, "2025-01-01")
        company = cls.company
        kwargs = {"company_id": company.id, "company_ids": [Command.set(company.ids)]}
        cls.billing = new_test_user(cls.env, login="acc_billing", groups="account.group_account_invoice", **kwargs)
        cls.auditor = new_test_user(cls.env, login="acc_auditor", groups="account.group_account_readonly", **kwargs)
        cls.employee = new_test_user(
            cls.env,
            login="acc_employee",
            groups="base.group_user,base.group_partner_manager,base.group_allow_export",
            **kwargs,
        )

    def test_employee_sees_no_risk_data_and_cannot_change_it(self):
        partner = self.customer.with_user(self.employee)
        self.assertFalse(set(PARTNER_RISK_FIELDS) & set(partner.fields_get()))
        # the contact form opens as the web client opens it, with none of our parts
        form = Form(partner)
        self.assertEqual(form.name, "Dupont SARL")
        self.assertNotIn("dunning_", partner.get_views([(False, "form")])["views"]["form"]["arch"])
        with self.assertRaises(AccessError):
            partner.export_data(["name", "dunning_segment"])
        with self.assertRaises(AccessError):
            partner.read(["payment_delay_avg"])
        for values in ({"dunning_on_hold": False}, {"dunning_email": "thief@example.com"}):
            with self.assertRaises(AccessError):
                partner.write(values)
        # the contact's own fields stay editable
        partner.write({"phone": "+33 1 02 03 04 05"})

    def test_billing_changes_settings_but_never_the_computed_figures(self):
        self.billing.groups_id += self.env.ref("base.group_partner_manager")  # as internal users have by default
        self.customer.with_company(self.company).sudo().dunning_on_hold = True
        partner = self.customer.with_user(self.billing).with_company(self.company)
        partner.write({"dunning_on_hold": False, "dunning_email": "ap@dupont.example"})
        self.assertEqual(partner.read(["dunning_on_hold", "dunning_email"])[0]["dunning_email"], "ap@dupont.example")
        with self.assertRaisesRegex(AccessError, "computed"):
            partner.write({"dunning_segment": "bad"})
        with self.assertRaisesRegex(AccessError, "computed"):
            partner.write({"payment_delay_avg": 0.0})
        # an auditor reads but changes nothing
        audited = self.customer.with_user(self.auditor).with_company(self.company)
        self.assertEqual(audited.read(["dunning_segment"])[0]["dunning_segment"], "good")
        with self.assertRaises(AccessError):
            audited.write({"dunning_on_hold": True})

    def test_billing_cannot_make_or_alter_followups_by_hand(self):
        self._run("2025-01-05")
        action = self._actions().with_user(self.billing)
        self.assertEqual(action.state, "done")
        Action = self.env["account.dunning.action"].with_user(self.billing)
        with self.assertRaises(AccessError):
            Action.create({"partner_id": self.customer.id, "level_id": self.levels[0].id})
        for values in ({"date": "2025-01-01"}, {"state": "cancelled"}, {"email_to": "x@example.com"}):
            with self.assertRaisesRegex(UserError, "sent follow-up cannot be changed"):
                action.write(values)
        with self.assertRaises(AccessError):
            action.line_ids.write({"amount_residual": 1.0})
        with self.assertRaises(AccessError):
            action.line_ids.create({"action_id": action.id, "move_id": self.invoice.id, "currency_id": 1})
        with self.assertRaises(AccessError):
            action.unlink()
        # what may still change: the letter's progress and the responsible
        action.write({"letter_state": "printed", "user_id": self.billing.id})
        manager = new_test_user(self.env, login="acc_manager", groups="account.group_account_manager")
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            action.with_user(manager).unlink()

    def test_followup_holds_only_its_customer_invoices(self):
        other = self._create_customer("Autre SARL")
        foreign = self._invoice(other, 50, "2025-01-01")
        with self.assertRaisesRegex(ValidationError, "invoices of other customers"):
            self.env["account.dunning.action"].sudo().create(
                {
                    "partner_id": self.customer.id,
                    "level_id": self.levels[0].id,
                    "move_ids": [Command.set((self.invoice | foreign).ids)],
                }
            )

    def test_every_public_method_checks_the_group(self):
        invoice = self.invoice.with_user(self.auditor)
        for method in ("action_dunning_dispute", "action_dunning_promise", "action_dunning_resolve_dispute"):
            with self.assertRaises(AccessError, msg=method):
                getattr(invoice, method)()
        with self.assertRaises(AccessError):
            invoice.action_dunning_invoice_penalties()
        partner = self.customer.with_user(self.auditor)
        for method in ("action_dunning_recompute_payment_stats", "action_dunning_print_letter"):
            with self.assertRaises(AccessError, msg=method):
                getattr(partner, method)()
        with self.assertRaises(AccessError):
            self.customer.with_user(self.billing).action_dunning_open_segment_override()
        with self.assertRaises(AccessError):
            self.run_service.with_user(self.auditor).run_followups(self.company, self.d("2025-01-05"))
        # the auditor reads the follow-ups, the billing user runs them
        self.run_service.with_user(self.billing).run_followups(self.company, self.d("2025-01-05"))
        actions = self._actions().with_user(self.auditor)
        self.assertEqual(actions.read(["state"])[0]["state"], "done")
        with self.assertRaises(AccessError):
            actions.action_cancel()


@tagged("post_install", "-at_install")
class TestDunningPortalRpc(DunningRunCommon, HttpCase):
    """A portal user reading its own partner through JSON-RPC gets none of the payment-risk fields."""

    @mute_logger("odoo.http")  # the refused reads are logged as warnings
    def test_portal_rpc_read_of_its_partner(self):
        contact = self.env["res.partner"].create(
            {"name": "Paul Payeur", "parent_id": self.customer.id, "email": "paul@dupont.example"}
        )
        new_test_user(self.env, login="dunning_portal", groups="base.group_portal", partner_id=contact.id)
        self.authenticate("dunning_portal", "dunning_portal")

        def call(method, args, **kwargs):
            return self.make_jsonrpc_request(
                f"/web/dataset/call_kw/res.partner/{method}",
                {"model": "res.partner", "method": method, "args": args, "kwargs": kwargs},
            )

        readable = call("fields_get", [], attributes=["type"])
        self.assertIn("name", readable)
        self.assertFalse(set(PARTNER_RISK_FIELDS) & set(readable))
        for partner in (contact, self.customer):
            values = call("read", [partner.ids, ["name", "email"]])
            self.assertEqual(values[0]["name"], partner.name)
            for fname in ("dunning_segment", "dunning_on_hold", "payment_delay_avg", "dunning_email"):
                with self.assertRaises(JsonRpcException, msg=fname):
                    call("read", [partner.ids, ["name", fname]])
