from odoo import api, fields, models
from odoo.exceptions import ValidationError

#: how a formal notice reaches the customer (on the level as a default, on each follow-up as sent)
NOTICE_DELIVERIES = [
    ("registered", "Registered letter with acknowledgment of receipt"),
    ("post", "Ordinary post"),
    ("email", "Email only"),
]


class AccountDunningLevel(models.Model):
    _name = "account.dunning.level"
    _description = "Follow-up Level"
    _order = "scenario_id, sequence, trigger_days, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    scenario_id = fields.Many2one(
        "account.dunning.scenario", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="scenario_id.company_id", store=True, index=True)
    trigger_days = fields.Integer(
        string="Trigger (days)",
        help="Days after the due date plus the customer's personal tolerance from which this level is reached. "
        "A negative number sends a courtesy notice before the due date.",
    )
    interval_days = fields.Integer(
        string="Interval (days)",
        default=14,
        help="Minimum number of days since the customer's previous follow-up before this level is sent.",
    )
    direct_entry = fields.Boolean(
        string="Allow Direct Entry",
        help="When set, a customer can reach this level without going through the previous ones. "
        "Otherwise follow-ups escalate one level at a time.",
    )
    channel_email = fields.Boolean(string="Email", default=True)
    channel_sms = fields.Boolean(string="SMS")
    channel_letter = fields.Boolean(string="Letter")
    channel_phone = fields.Boolean(string="Phone Call")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        ondelete="restrict",
        domain=[("model", "=", "account.dunning.action")],
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS Template",
        ondelete="restrict",
        domain=[("model", "=", "account.dunning.action")],
    )
    letter_variant = fields.Selection(
        [("reminder", "Reminder"), ("formal_notice", "Formal notice")],
        default="reminder",
    )
    notice_delivery = fields.Selection(
        selection=NOTICE_DELIVERIES,
        string="Formal Notice Sent By",
        default="registered",
        help="How formal notices of this level are sent by default; the accountant may change it on each follow-up "
        "before validating it.",
    )
    letter_body = fields.Html(translate=True, help="Text of the postal letter sent at this level.")
    attach_invoices = fields.Boolean(help="Attach the PDF of the overdue invoices to the email.")
    need_validation = fields.Boolean(
        string="Needs Validation",
        help="Follow-ups at this level wait in 'To validate' until an accountant sends them.",
    )
    set_on_hold = fields.Boolean(
        string="Put Customer on Hold", help="Sending this level puts the customer on credit hold."
    )
    to_litigation = fields.Boolean(
        string="Send to Litigation",
        help="Sending this level marks the invoices as in litigation (no more follow-ups) "
        "and gives the collections responsible a task.",
    )

    @api.constrains("interval_days")
    def _check_interval_days(self):
        """The interval between two follow-ups cannot be negative."""
        for level in self:
            if level.interval_days < 0:
                raise ValidationError(
                    self.env._("The interval of the follow-up level %(level)s cannot be negative.", level=level.name)
                )

    @api.constrains("channel_email", "channel_sms", "channel_letter", "channel_phone")
    def _check_one_channel(self):
        """A level uses at least one channel."""
        for level in self:
            if not level._get_channels():
                raise ValidationError(
                    self.env._(
                        "The follow-up level %(level)s must use at least one channel "
                        "(email, SMS, letter or phone call).",
                        level=level.name,
                    )
                )

    @api.constrains("channel_email", "channel_sms", "channel_letter", "mail_template_id", "sms_template_id")
    def _check_channel_templates(self):
        """Each channel used by a level has its template."""
        for level in self:
            if level.channel_email and not level.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "The follow-up level %(level)s sends emails: choose its email template.", level=level.name
                    )
                )
            if level.channel_sms and not level.sms_template_id:
                raise ValidationError(
                    self.env._("The follow-up level %(level)s sends SMS: choose its SMS template.", level=level.name)
                )
            if level.channel_letter and not level.letter_variant:
                raise ValidationError(
                    self.env._("The follow-up level %(level)s sends letters: choose the letter type.", level=level.name)
                )

    @api.constrains("trigger_days", "sequence", "scenario_id")
    def _check_increasing_triggers(self):
        """Within a scenario, each level triggers strictly later than the previous one."""
        for scenario in self.scenario_id:
            levels = scenario._get_ordered_levels()
            for index in range(1, len(levels)):
                previous, level = levels[index - 1], levels[index]
                if level.trigger_days <= previous.trigger_days:
                    raise ValidationError(
                        self.env._(
                            "In the scenario %(scenario)s, the level %(level)s (%(days)s days) must trigger "
                            "later than the level before it, %(previous)s (%(previous_days)s days).",
                            scenario=scenario.name,
                            level=level.name,
                            days=level.trigger_days,
                            previous=previous.name,
                            previous_days=previous.trigger_days,
                        )
                    )

    def _get_channels(self):
        """Channels used by the level, as a list of codes."""
        self.ensure_one()
        return [channel for channel in ("email", "sms", "letter", "phone") if self[f"channel_{channel}"]]
