from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from ..tools.security import check_manager
from ..tools.timeline import KIND_ORDER, TimelineWatch, timeline_events


class AccountDunningSimulationTimeline(models.TransientModel):
    _name = "account.dunning.simulation.timeline"
    _description = "Follow-up Simulation: One Customer's Timeline"
    _check_company_auto = True

    # One customer of a simulation replayed alone under both policies, day by day (the replay limited to it, with a
    # trace of every decision), beside what really happened to it: its follow-ups sent and its payments.

    simulation_id = fields.Many2one("account.dunning.simulation", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="simulation_id.company_id", store=True)
    date_to = fields.Date(related="simulation_id.date_to")
    first_day = fields.Date(string="First Day Replayed", compute="_compute_first_day")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        domain="[('invoice_ids', 'any', [('company_id', '=', company_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted'), ('date', '<', date_to), '|', ('invoice_date_due', '>=', first_day), "
        "('payment_state', 'not in', ('paid', 'reversed'))])]",
        help="A customer with invoices open during the simulated period.",
    )
    line_ids = fields.One2many("account.dunning.simulation.timeline.line", "timeline_id", string="Timeline")

    def _compute_first_day(self):
        for timeline in self:
            timeline.first_day = timeline.simulation_id._first_day() if timeline.simulation_id else False

    def action_show(self):
        """Button: replay the customer under both policies and list the days where something happens, beside what
        really happened to it."""
        self.ensure_one()
        check_manager(self.env)
        self.simulation_id._check_company_allowed()
        partner = self.partner_id.commercial_partner_id
        self.line_ids.unlink()
        self.env["account.dunning.simulation.timeline.line"].create(self._prepare_line_vals(partner))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning.account_dunning_simulation_timeline_line_action"
        )
        action["name"] = self.env._("Timeline of %(customer)s", customer=partner.display_name)
        action["domain"] = [("timeline_id", "=", self.id)]
        return action

    def _prepare_line_vals(self, partner):
        """The lines of both policies' timelines and of what really happened."""
        simulation = self.simulation_id
        company = simulation.company_id
        replay = self.env["account.dunning.replay"].with_company(company)
        first_day = simulation._first_day()
        data = replay._load(company, first_day, simulation.date_to, partner_ids=[partner.id])
        if not data["invoices"]:
            raise UserError(
                self.env._(
                    "%(customer)s has no invoice open during the simulated period: pick another customer.",
                    customer=partner.display_name,
                )
            )
        vals, invoices = [], []
        for side, policy in simulation._policies():
            if not policy:
                continue
            watch = TimelineWatch(partner_ids=[partner.id], trace=True)
            _figures, details = replay._replay(
                company, policy, simulation.date_from, simulation.date_to, first_day, data, watch=watch
            )
            invoices = details.invoices
            vals += [
                self._prepare_event_vals(side, policy, event, details.levels, partner)
                for event in timeline_events(watch.trace)
            ]
        vals += self._prepare_real_followup_vals(partner, first_day)
        vals += self._prepare_payment_vals(data, invoices, first_day)
        return vals

    def _line_base(self, side, day, kind, invoice_ids=()):
        return {
            "timeline_id": self.id,
            "side": side,
            "day": day,
            "kind": kind,
            "sequence": KIND_ORDER.index(kind),
            "warmup": day < self.simulation_id.date_from,
            "move_ids": [fields.Command.set(list(invoice_ids))],
        }

    def _prepare_event_vals(self, side, policy, event, levels, partner):
        """One line of a policy's timeline, with its text."""
        vals = dict(self._line_base(side, event["day"], event["kind"], event.get("invoice_ids", ())))
        vals["policy_id"] = policy.id
        vals["description"] = self._describe(event, levels, partner)
        if event["kind"] == "followup":
            vals["level_id"] = event["level_id"]
            vals["level"] = levels[event["level_id"]]["label"]
        return vals

    def _describe(self, event, levels, partner):
        """The text of an event of a policy's timeline (tools/timeline.py)."""
        _ = self.env._
        kind = event["kind"]
        if kind == "tolerance":
            segments = dict(partner._fields["dunning_segment"]._description_selection(self.env))
            return _(
                "Segment %(segment)s. %(why)s",
                segment=segments.get(event["segment"], event["segment"]),
                why=partner._dunning_explain_tolerance_of(event["settings"], event["stats"], event["segment"]),
            )
        if kind == "late":
            return _("Late: due on %(due)s and unpaid.", due=format_date(self.env, event["due"]))
        if kind == "invoice_tolerance":
            if not event["code"]:
                return _("Back to the customer's tolerance (%(days)s days).", days=event["days"])
            return _(
                "Tolerance of this invoice: %(days)s days instead of %(tolerance)s: %(why)s.",
                days=event["days"],
                tolerance=event["tolerance"],
                why=self._invoice_tolerance_reasons().get(event["code"], event["code"]),
            )
        if kind == "followup":
            return self._describe_channels(levels[event["level_id"]]["channels"])
        reason = self.env["account.dunning.run"]._get_skip_reasons().get(event["code"], event["code"])
        days = (event["until"] - event["day"]).days + 1
        if days == 1:
            return _("Held back: %(reason)s.", reason=reason)
        return _("Held back %(days)s days in a row: %(reason)s.", days=days, reason=reason)

    def _invoice_tolerance_reasons(self):
        """Why an invoice gets less than its customer's tolerance (res.partner._dunning_invoice_tolerance)."""
        _ = self.env._
        return {
            "dispute": _("the customer disputed an invoice recently"),
            "others_late": _("another invoice is already late beyond the tolerance"),
            "balance": _("the overdue balance is high for this customer"),
            "large": _("an unusually large invoice for this customer"),
        }

    def _describe_channels(self, channels):
        """ "Sent by email, SMS" from channel codes."""
        labels = dict(self.env["account.dunning.simulation.line"]._fields["channel"]._description_selection(self.env))
        if not channels:
            return self.env._("Sent on no channel.")
        return self.env._("Sent by %(channels)s.", channels=", ".join(labels.get(code, code) for code in channels))

    def _prepare_real_followup_vals(self, partner, first_day):
        """The customer's real follow-ups sent during the replayed days."""
        actions = self.env["account.dunning.action"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("partner_id", "=", partner.id),
                ("state", "=", "done"),
                ("date", ">=", first_day),
                ("date", "<=", self.simulation_id.date_to),
            ],
            order="date, id",
        )
        vals = []
        for action in actions:
            line = self._line_base("real", action.date, "real_followup", action.move_ids.ids)
            channels = [
                code
                for code, sent in (
                    ("email", action.channel_email),
                    ("sms", action.channel_sms),
                    ("letter", action.channel_letter),
                    ("phone", action.channel_phone),
                )
                if sent
            ]
            level = f"{action.scenario_id.name or action.level_id.scenario_id.name} / {action.level_id.name}"
            vals.append(
                dict(line, level_id=action.level_id.id, level=level, description=self._describe_channels(channels))
            )
        return vals

    def _prepare_payment_vals(self, data, invoices, first_day):
        """The payments (and credit notes) reconciled with the customer's invoices during the replayed days, as the
        replay read them: one line per invoice and day."""
        paid = defaultdict(float)
        for row in data["invoices"]:
            for day, amount in zip(row.days or (), row.amounts or (), strict=True):
                if first_day <= day <= self.simulation_id.date_to:
                    paid[(day, row.move_id)] += float(amount)
        paid_dates = {invoice.item.id: invoice.paid_date for invoice in invoices}
        currency = self.company_id.currency_id
        vals = []
        for (day, move_id), amount in sorted(paid.items()):
            money = format_amount(self.env, amount, currency)
            text = self.env._("%(amount)s paid.", amount=money)
            if paid_dates.get(move_id) == day:
                text = self.env._("%(amount)s paid: the invoice is paid in full.", amount=money)
            vals.append(dict(self._line_base("real", day, "payment", [move_id]), description=text))
        return vals
