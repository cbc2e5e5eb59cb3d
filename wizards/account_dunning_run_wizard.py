from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.security import check_billing
from ..tools.settings import read_bounded_setting

#: ir.config_parameter: the most customers due that Run and Preview take in one request of the web client, which
#: Odoo stops after limit_time_real (120 s by default): (key, default, min, max)
INTERACTIVE_LIMIT = ("account_dunning.interactive_run_limit", 2000, 1, 1_000_000)


class AccountDunningRunWizard(models.TransientModel):
    _name = "account.dunning.run.wizard"
    _description = "Run Follow-ups Now"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    date = fields.Date(required=True, default=fields.Date.context_today)
    line_ids = fields.One2many("account.dunning.run.wizard.line", "wizard_id", string="Preview", readonly=True)
    previewed = fields.Boolean(readonly=True)
    rate_warning = fields.Text(compute="_compute_rate_warning")
    is_today = fields.Boolean(compute="_compute_is_today")

    @api.depends("date")
    def _compute_is_today(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            wizard.is_today = wizard.date == today

    @api.depends("company_id", "date")
    def _compute_rate_warning(self):
        """Formal notices prepared at this date would use rates missing from the tables: say so, and the value used."""
        for wizard in self:
            warnings = wizard.company_id._dunning_rate_table_warnings(wizard.date) if wizard.date else []
            wizard.rate_warning = "\n".join(warnings) or False

    @api.constrains("date")
    def _check_date_not_in_future(self):
        """Follow-ups are run for today or a past day, never ahead of time."""
        today = fields.Date.context_today(self)
        for wizard in self:
            if wizard.date > today:
                raise ValidationError(
                    self.env._(
                        "Follow-ups cannot be run for a future date (%(date)s): choose today or an earlier day.",
                        date=fields.Date.to_string(wizard.date),
                    )
                )

    def _check_interactive_size(self):
        """Run and Preview work within one request of the web client, which Odoo stops after limit_time_real: more
        customers due than the limit are refused up front, with the way out (the scheduled job, in slices)."""
        limit = read_bounded_setting(self.env, INTERACTIVE_LIMIT)
        run = self.env["account.dunning.run"].with_company(self.company_id)
        count = len(run._select_partner_ids(self.company_id, self.date))
        if count > limit:
            raise UserError(
                self.env._(
                    "%(count)s customers are due on %(date)s, more than the %(limit)s that Run and Preview handle in "
                    "one go. For today, use Run in Background: the scheduled job follows them up in slices. For an "
                    "earlier day, an administrator can raise the system parameter %(key)s.",
                    count=count,
                    date=fields.Date.to_string(self.date),
                    limit=limit,
                    key=INTERACTIVE_LIMIT[0],
                )
            )

    def action_preview(self):
        """Show what the run would do at that date, changing nothing."""
        self.ensure_one()
        self._check_interactive_size()
        result = self.env["account.dunning.run"].run_followups(self.company_id, self.date, preview=True)
        reasons = self.env["account.dunning.run"]._get_skip_reasons()
        self.line_ids = (
            [fields.Command.clear()]
            + [fields.Command.create(self._prepare_line_vals(entry, reasons)) for entry in result["followups"]]
            + [fields.Command.create(self._prepare_line_vals(entry, reasons)) for entry in result["skipped"]]
        )
        self.previewed = True
        return self._reopen()

    @api.model
    def _prepare_line_vals(self, entry, reasons):
        level = entry.get("level")
        return {
            "partner_id": entry["partner"].id,
            "level_id": level.id if level and not entry.get("reason") else False,
            "channels": self._channel_labels(level) if level and not entry.get("reason") else "",
            "move_count": len(entry["moves"]),
            "amount": entry.get("amount", 0.0),
            "skip_reason": reasons.get(entry["reason"], "") if entry.get("reason") else "",
        }

    @api.model
    def _channel_labels(self, level):
        """The level's channels as the user reads them (Email, SMS, Letter, Phone Call)."""
        return ", ".join(
            level._fields[f"channel_{code}"].get_description(self.env)["string"] for code in level._get_channels()
        )

    def action_run(self):
        """Run the follow-ups at that date and show the follow-ups created."""
        self.ensure_one()
        self._check_interactive_size()
        result = self.env["account.dunning.run"].run_followups(self.company_id, self.date)
        actions = self.env["account.dunning.action"].union(*(entry["action"] for entry in result["followups"]))
        action = self.env["ir.actions.act_window"]._for_xml_id("account_dunning.account_dunning_action_action")
        action["domain"] = [("id", "in", actions.ids)]
        action["context"] = {"create": False}
        return action

    def action_run_in_background(self):
        """Bring today's scheduled daily run forward: it follows up every company's customers due today in slices
        committed one by one, within the workers' time limits, and skips those already followed up today."""
        self.ensure_one()
        check_billing(self.env)
        if not self.is_today:
            raise UserError(
                self.env._("Only today's follow-ups run in the background (the scheduled job runs for today).")
            )
        # sudo: billing users may not edit scheduled actions; a trigger only brings the daily job forward
        cron = self.env.ref("account_dunning.ir_cron_account_dunning_run").sudo()
        if not cron.active:
            raise UserError(
                self.env._(
                    "The scheduled action %(name)s is archived: an administrator must activate it first.",
                    name=cron.name,
                )
            )
        cron._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("Follow-ups started in the background"),
                "message": self.env._(
                    "The daily run follows up today's customers of every company in slices; the follow-ups appear "
                    "in the list as each slice is done (Follow-ups > Job Progress shows where it is)."
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Run Follow-ups Now"),
        }


class AccountDunningRunWizardLine(models.TransientModel):
    _name = "account.dunning.run.wizard.line"
    _description = "Follow-up Run Preview Line"

    wizard_id = fields.Many2one("account.dunning.run.wizard", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer")
    level_id = fields.Many2one("account.dunning.level")
    channels = fields.Char()
    move_count = fields.Integer(string="Invoices")
    currency_id = fields.Many2one(related="wizard_id.company_id.currency_id")
    amount = fields.Monetary(string="Amount Due")
    skip_reason = fields.Char(string="Not Followed Up Because")
