import time
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.replay_state import ReplayWatch
from ..tools.security import check_manager

#: figures compared between the policy and its comparison (difference in %)
COMPARED_FIGURES = (
    "followups",
    "formal_notices",
    "invoices_reminded",
    "wasted_reminders",
    "late_invoices",
    "wait_mean",
    "wait_p90",
    "litigation_notice_days",
)
#: share of the progress (%) reached once the data is loaded, and once every policy is replayed (the rest: storing)
LOADED_PERCENT = 10
REPLAYED_PERCENT = 95
#: progress reports per replayed policy
PROGRESS_STEPS = 20


class AccountDunningSimulation(models.Model):
    _name = "account.dunning.simulation"
    _inherit = ["mail.thread"]
    _description = "Follow-up Policy Simulation"
    _order = "id desc"
    _check_company_auto = True

    # What a policy would have done on the company's past: every day of the period replayed as of that day with the
    # daily run's own decision (account.dunning.replay), side by side with a comparison policy. The form queues it
    # and a background job runs it (account_dunning_simulation_job.py); run() does it at once.

    name = fields.Char(required=True, default=lambda self: self.env._("Simulation"))
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    date_from = fields.Date(
        string="From", required=True, default=lambda self: fields.Date.context_today(self) - relativedelta(years=1)
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: fields.Date.context_today(self) - timedelta(days=1)
    )
    warmup_days = fields.Integer(
        string="Warm-up (days)",
        default=60,
        help="Days replayed before the period and not counted, so that the invoices open when it starts have "
        "their usual follow-up history.",
    )
    policy_id = fields.Many2one(
        "account.dunning.policy",
        required=True,
        check_company=True,
        default=lambda self: self.env["account.dunning.policy"]._dunning_live_policy(self.env.company),
        help="The current scenarios and settings, or a draft policy.",
    )
    compare_policy_id = fields.Many2one(
        "account.dunning.policy",
        string="Compared With",
        check_company=True,
        default=lambda self: self.env["account.dunning.policy"]._dunning_fixed_ladder(self.env.company),
        help="A second policy replayed on the same days (default: a fixed ladder due +1, +15, +30, +45).",
    )
    state = fields.Selection(
        [("draft", "Not Run"), ("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="draft",
        readonly=True,
        copy=False,
    )
    result = fields.Json(readonly=True, copy=False, help="The figures of the last run, as stored.")
    summary_html = fields.Html(string="Figures", compute="_compute_summary_html", sanitize=False)
    line_ids = fields.One2many("account.dunning.simulation.line", "simulation_id", string="Follow-ups", copy=False)
    run_seconds = fields.Float(string="Duration (s)", readonly=True, copy=False, digits=(16, 1))
    invoices_reminded = fields.Integer(readonly=True, copy=False)
    compare_invoices_reminded = fields.Integer(string="Reminded (Comparison)", readonly=True, copy=False)
    reminded_change = fields.Float(string="Reminded Change (%)", readonly=True, copy=False, digits=(16, 1))
    wait_mean = fields.Float(string="Wait of Late Invoices (days)", readonly=True, copy=False, digits=(16, 1))
    compare_wait_mean = fields.Float(string="Wait (Comparison)", readonly=True, copy=False, digits=(16, 1))

    @api.onchange("company_id")
    def _onchange_company_id(self):
        """Another company: its current policy, compared with its fixed ladder."""
        policies = self.env["account.dunning.policy"]
        if self.company_id and self.policy_id.company_id != self.company_id:
            self.policy_id = policies._dunning_live_policy(self.company_id)
        if self.company_id and self.compare_policy_id and self.compare_policy_id.company_id != self.company_id:
            self.compare_policy_id = policies._dunning_fixed_ladder(self.company_id)

    @api.constrains("date_from", "date_to", "warmup_days")
    def _check_period(self):
        """The period ends by yesterday, after it starts; the warm-up is 0 to 365 days."""
        today = fields.Date.context_today(self)
        for simulation in self:
            if simulation.date_from > simulation.date_to:
                raise ValidationError(self.env._("The simulated period cannot start after it ends."))
            if simulation.date_to >= today:
                raise ValidationError(
                    self.env._("A simulation replays the past: end the period yesterday at the latest.")
                )
            if not 0 <= simulation.warmup_days <= 365:
                raise ValidationError(self.env._("The warm-up lasts 0 to 365 days."))

    def run(self):
        """Replay the policy (and the comparison) on every day of the period; store the figures and return them as a
        dict (see README.md, Policy simulation)."""
        self.ensure_one()
        check_manager(self.env)
        self._check_company_allowed()
        result, line_vals = self._simulate()
        self._store_result(result, line_vals)
        return result

    def _check_company_allowed(self):
        """A manager simulates the follow-ups of its own companies only."""
        for simulation in self:
            if not self.env.su and simulation.company_id not in self.env.user.company_ids:
                raise UserError(
                    self.env._("You cannot simulate the follow-ups of %(company)s.", company=simulation.company_id.name)
                )

    def _first_day(self):
        """First replayed day: the warm-up before the period."""
        return self.date_from - timedelta(days=self.warmup_days)

    def _policies(self):
        """[(key in the result, policy)] of the policies replayed: the policy, then the comparison when set."""
        return [(key, policy) for key, policy in (("policy", self.policy_id), ("comparison", self.compare_policy_id))]

    def _simulate(self, report=None):
        """Replay the policy and the comparison on the period: (result dict, line values). report(percent), when
        given, hears the progress (0 to REPLAYED_PERCENT) as the days are replayed."""
        started = time.perf_counter()
        replay = self.env["account.dunning.replay"].with_company(self.company_id)
        first_day = self._first_day()
        data = replay._load(self.company_id, first_day, self.date_to)
        result = {
            "company": self.company_id.name,
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            "warmup_days": self.warmup_days,
        }
        line_vals = []
        replayed = [(key, policy) for key, policy in self._policies() if policy]
        if report:
            report(LOADED_PERCENT)
        for index, (key, policy) in enumerate(replayed):
            watch = self._progress_watch(report, index, len(replayed)) if report else None
            figures, details = replay._replay(
                self.company_id, policy, self.date_from, self.date_to, first_day, data, watch=watch
            )
            result[key] = {"name": policy.name, **figures}
            line_vals += self._prepare_line_vals(key, policy, details)
            details.invoices = []  # the replayed state of this policy, no longer needed: memory for the next one
        result.setdefault("comparison", None)
        result["difference_pct"] = self._differences(result["policy"], result["comparison"])
        result["seconds"] = round(time.perf_counter() - started, 1)
        return result, line_vals

    def _progress_watch(self, report, index, count):
        """A ReplayWatch telling report() the progress of the replay of the index-th of count policies."""
        days = (self.date_to - self._first_day()).days + 1
        share = (REPLAYED_PERCENT - LOADED_PERCENT) / count

        def progress(done, total):
            report(LOADED_PERCENT + share * (index + done / total))

        return ReplayWatch(progress=progress, every=max(1, days // PROGRESS_STEPS))

    def action_run(self):
        """Button: queue the simulation; a background job runs it and tells the requester when it is done."""
        self._dunning_queue()
        return True

    def action_show_customer(self):
        """Button: replay one customer of a simulation day by day (a wizard asks which one)."""
        self.ensure_one()
        check_manager(self.env)
        if not self.result:
            raise UserError(self.env._("Run the simulation first: the timeline replays one customer of its period."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Show a Customer"),
            "res_model": "account.dunning.simulation.timeline",
            "view_mode": "form",
            "target": "new",
            "context": {"default_simulation_id": self.id},
        }

    def action_view_lines(self):
        """The follow-ups of the simulation per level, channel and month, as a pivot and graph."""
        self.ensure_one()
        check_manager(self.env)
        action = self.env["ir.actions.act_window"]._for_xml_id("account_dunning.account_dunning_simulation_line_action")
        action["domain"] = [("simulation_id", "=", self.id)]
        return action

    @api.model
    def _differences(self, tested, compared):
        """Difference of each compared figure in % of the comparison's (None without comparison or base)."""
        if not compared:
            return {}
        return {
            key: round((tested[key] - compared[key]) * 100.0 / compared[key], 1)
            if tested[key] is not None and compared[key]
            else None
            for key in COMPARED_FIGURES
        }

    def _prepare_line_vals(self, side, policy, details):
        """One line per month, level and channel of a replayed policy."""
        return [
            {
                "simulation_id": self.id,
                "side": side,
                "policy_id": policy.id,
                "month": month,
                "level": details.levels[level_id]["label"],
                "formal_notice": details.levels[level_id]["formal"],
                "channel": channel,
                "followup_count": count,
            }
            for (month, level_id, channel), count in sorted(details.lines.items())
        ]

    def _store_result(self, result, line_vals):
        """Keep the figures and the follow-up lines on the simulation."""
        tested, compared = result["policy"], result["comparison"] or {}
        # sudo: the lines are the simulation's results, written by run() only (managers read them)
        self.line_ids.sudo().unlink()
        self.env["account.dunning.simulation.line"].sudo().create(line_vals)
        self.write(
            {
                "state": "done",
                "progress": 100,
                "error_message": False,
                "figures_date": fields.Datetime.now(),
                "result": result,
                "run_seconds": result["seconds"],
                "invoices_reminded": tested["invoices_reminded"],
                "compare_invoices_reminded": compared.get("invoices_reminded", 0),
                "reminded_change": result["difference_pct"].get("invoices_reminded") or 0.0,
                "wait_mean": tested["wait_mean"] or 0.0,
                "compare_wait_mean": compared.get("wait_mean") or 0.0,
            }
        )

    @api.depends("result")
    def _compute_summary_html(self):
        for simulation in self:
            simulation.summary_html = simulation._render_summary() if simulation.result else False

    def _summary_rows(self):
        """(label, figure key) of the summary table."""
        _ = self.env._
        return [
            (_("Follow-ups sent"), "followups"),
            (_("Invoices reminded on or after their due date"), "invoices_reminded"),
            (_("Wasted reminders (invoice paid within 3 days)"), "wasted_reminders"),
            (_("Invoices ending 15 days late or more"), "late_invoices"),
            (_("Their wait for a first reminder, mean (days)"), "wait_mean"),
            (_("Their wait, 90th percentile (days)"), "wait_p90"),
            (_("Formal notices"), "formal_notices"),
            (_("Customers ending in litigation"), "litigation_customers"),
            (_("... given a formal notice"), "litigation_notified"),
            (_("... days from due date to the first formal notice"), "litigation_notice_days"),
        ]

    def _render_summary(self):
        """The figures of both policies side by side, with the differences in %."""
        result = self.result
        tested, compared = result["policy"], result.get("comparison") or {}
        differences = result.get("difference_pct") or {}

        def cell(value, suffix=""):
            return Markup("<td class='text-end'>%s</td>") % ("" if value is None else f"{value}{suffix}")

        head = Markup(
            "<tr><th></th><th class='text-end'>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th></tr>"
        ) % (
            tested["name"],
            compared.get("name", ""),
            self.env._("Difference"),
        )
        rows = [
            Markup("<tr><td>%s</td>%s%s%s</tr>")
            % (label, cell(tested.get(key)), cell(compared.get(key)), cell(differences.get(key), " %"))
            for label, key in self._summary_rows()
        ]
        channels = dict(self.env["account.dunning.simulation.line"]._fields["channel"]._description_selection(self.env))
        for channel in ("email", "sms", "letter", "phone"):
            label = self.env._("Follow-ups by %(channel)s", channel=channels[channel])
            rows.append(
                Markup("<tr><td>%s</td>%s%s<td></td></tr>")
                % (label, cell(tested["by_channel"][channel]), cell((compared.get("by_channel") or {}).get(channel)))
            )
        return Markup("<table class='table table-sm o_dunning_simulation'>%s%s</table>") % (head, Markup().join(rows))
