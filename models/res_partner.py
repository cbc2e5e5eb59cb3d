from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_normalize


class ResPartner(models.Model):
    _inherit = "res.partner"

    # The customer's accounting contact and follow-up settings, per company (payment behaviour: res_partner_
    # payment_stats.py; risk segment and tolerance: res_partner_segment.py).
    dunning_email = fields.Char(
        string="Accounting Contact Email",
        help="Email of the person who pays the invoices, often not the person who orders. "
        "Follow-ups are sent to it; it is shared by all the contacts of the company.",
    )

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

    def action_dunning_print_letter(self):
        """Print the letter of this customer's latest follow-up in the current company."""
        self.ensure_one()
        action = self.env["account.dunning.action"].search(
            [
                ("partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id),
                ("state", "in", ("to_validate", "done")),
            ],
            order="date desc, id desc",
            limit=1,
        )
        if not action:
            raise UserError(
                self.env._(
                    "%(customer)s has no follow-up in %(company)s yet: a letter is printed from a follow-up.",
                    customer=self.commercial_partner_id.display_name,
                    company=self.env.company.display_name,
                )
            )
        return action.action_print_letters()
