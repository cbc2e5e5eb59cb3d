from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountDunningRunWizard(models.TransientModel):
    _name = "account.dunning.run.wizard"
    _description = "Run Follow-ups Now"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    date = fields.Date(required=True, default=fields.Date.context_today)
    line_ids = fields.One2many("account.dunning.run.wizard.line", "wizard_id", string="Preview", readonly=True)
    previewed = fields.Boolean(readonly=True)
    rate_warning = fields.Text(compute="_compute_rate_warning")

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

    def action_preview(self):
        """Show what the run would do at that date, changing nothing."""
        self.ensure_one()
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
        result = self.env["account.dunning.run"].run_followups(self.company_id, self.date)
        actions = self.env["account.dunning.action"].union(*(entry["action"] for entry in result["followups"]))
        action = self.env["ir.actions.act_window"]._for_xml_id("account_dunning.account_dunning_action_action")
        action["domain"] = [("id", "in", actions.ids)]
        action["context"] = {"create": False}
        return action

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
