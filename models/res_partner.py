from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Payment behaviour, per commercial partner and company (company-dependent jsonb columns).
    dunning_segment = fields.Selection(
        selection="_dunning_segment_selection",
        string="Risk Segment",
        company_dependent=True,
        help="Payment-risk segment of the customer in the current company; it picks the follow-up scenario.",
    )
    dunning_tolerance_days = fields.Integer(
        string="Personal Tolerance (days)",
        company_dependent=True,
        help="Days after the due date before a first reminder is due for this customer.",
    )

    # Customer's usual payment delay (days after the due date), per company; written by the behaviour job.
    payment_delay_avg = fields.Float(string="Average Payment Delay (days)", company_dependent=True, digits=(16, 1))

    dunning_email = fields.Char(
        string="Accounting Contact Email",
        help="Email of the person who pays the invoices, often not the person who orders. "
        "Follow-ups are sent to it; it is shared by all the contacts of the company.",
    )

    @api.model
    def _dunning_segment_selection(self):
        """Risk segments, from no history to the worst payers; extend by overriding."""
        return [
            ("new", self.env._("New")),
            ("good", self.env._("Good payer")),
            ("occasional", self.env._("Occasional late payer")),
            ("risky", self.env._("Risky")),
            ("bad", self.env._("Bad payer")),
        ]

    @api.model
    def _commercial_fields(self):
        """The accounting contact belongs to the commercial entity, like the VAT number."""
        return [*super()._commercial_fields(), "dunning_email"]

    @api.constrains("dunning_email")
    def _check_dunning_email(self):
        for partner in self:
            if partner.dunning_email and not email_normalize(partner.dunning_email, strict=True):
                raise ValidationError(
                    self.env._(
                        "%(email)s is not a valid email address for the accounting contact of %(partner)s.",
                        email=partner.dunning_email,
                        partner=partner.display_name,
                    )
                )

    def _dunning_get_recipient_email(self):
        """Follow-up recipient: the accounting contact email, else the invoice address's email.

        Returns the normalized address, or False when the customer has no usable email.
        """
        self.ensure_one()
        commercial = self.commercial_partner_id
        if commercial.dunning_email:
            return email_normalize(commercial.dunning_email)
        invoice_address = self.browse(commercial.address_get(["invoice"])["invoice"])
        return email_normalize(invoice_address.email or "") or False

    # Follow-up control per customer and company (issue 4: scenarios, levels and the daily run).
    dunning_excluded = fields.Boolean(
        string="Excluded from Follow-ups",
        company_dependent=True,
        help="The daily run never follows up this customer in the current company.",
    )
    dunning_scenario_id = fields.Many2one(
        "account.dunning.scenario",
        string="Follow-up Scenario",
        company_dependent=True,
        help="Scenario used for this customer instead of the one of its risk segment.",
    )
    dunning_responsible_id = fields.Many2one(
        "res.users",
        string="Collections Responsible",
        company_dependent=True,
        help="User in charge of calls and litigation for this customer; defaults to the salesperson.",
    )
    dunning_on_hold = fields.Boolean(
        string="On Credit Hold",
        company_dependent=True,
        help="Set by follow-up levels that put the customer on hold: new sales should wait for payment.",
    )
    dunning_to_reconcile = fields.Boolean(
        string="Payments to Reconcile",
        company_dependent=True,
        help="Set by the daily run when unreconciled payments or credit notes cover the overdue amount.",
    )
    dunning_action_ids = fields.One2many("account.dunning.action", "partner_id", string="Follow-ups")
    dunning_action_count = fields.Integer(compute="_compute_dunning_action_count", string="Follow-up Count")

    def _compute_dunning_action_count(self):
        counts = dict(
            self.env["account.dunning.action"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.dunning_action_count = counts.get(partner.commercial_partner_id._origin, 0)

    def _dunning_get_responsible(self):
        """Collections responsible: the one set on the customer, else its salesperson, else nobody."""
        self.ensure_one()
        commercial = self.commercial_partner_id
        return commercial.dunning_responsible_id or commercial.user_id

    def action_view_dunning_actions(self):
        """Follow-ups of this customer."""
        action = self.env["ir.actions.act_window"]._for_xml_id("account_dunning.account_dunning_action_action")
        action["domain"] = [("partner_id", "in", self.commercial_partner_id.ids)]
        action["context"] = {"create": False}
        return action
