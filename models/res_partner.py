import re

from stdnum.eu import vat as eu_vat
from stdnum.fr import siret

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import email_normalize

from ..tools.security import READERS, check_billing
from .res_partner_answers import DUNNING_ANSWER_PARTNER_FIELDS
from .res_partner_desk import DUNNING_DESK_PARTNER_FIELDS
from .res_partner_payment_stats import DUNNING_STAT_COLUMNS
from .res_partner_segment import DUNNING_SEGMENT_FIELDS


class ResPartner(models.Model):
    _inherit = "res.partner"

    # The customer's accounting contact and follow-up settings, per company (payment behaviour: res_partner_
    # payment_stats.py; risk segment and tolerance: res_partner_segment.py). Every follow-up field is for
    # accounting only (groups); billing users change the settings, nobody writes the computed figures.
    dunning_email = fields.Char(
        string="Accounting Contact Email",
        groups=READERS,
        help="Email of the person who pays the invoices, often not the person who orders. "
        "Follow-ups are sent to it; it is shared by all the contacts of the company.",
    )

    dunning_debtor_type = fields.Selection(
        selection=[
            ("professional", "Professional"),
            ("consumer", "Consumer"),
            ("public", "Public buyer"),
            ("non_professional", "Non-professional legal person"),
        ],
        string="Debtor Type",
        groups=READERS,
        help="Which late-payment rules apply. Professional (companies and sole traders acting for their business): "
        "L441-10 penalties and the 40 EUR indemnity. Public buyer: ECB rate + 8 points and the 40 EUR indemnity. "
        "Consumer or non-professional legal person (non-trading association, co-owners' association, non-trading "
        "SCI): neither; legal interest from the formal notice. Empty: a company with an EU VAT number or a SIRET is "
        "professional, one marked as a public body is a public buyer, any other company has no type until it is "
        "set (its follow-ups wait for validation and claim no penalty); an individual is a consumer.",
    )
    dunning_public_body = fields.Boolean(
        string="Public Body",
        groups=READERS,
        help="The State, a local authority, a public hospital or another public entity: a public buyer (French "
        "Public Procurement Code), whose late payments bear interest at the ECB rate + 8 points.",
    )
    dunning_debtor_rule = fields.Char(
        string="Late-Payment Rule", compute="_compute_dunning_debtor_rule", groups=READERS
    )

    @api.model
    def _commercial_fields(self):
        """The accounting contact (and its bounce), the debtor type and what decides it belong to the commercial
        entity, like the VAT number."""
        return [
            *super()._commercial_fields(),
            "dunning_email",
            "dunning_debtor_type",
            "dunning_public_body",
            *DUNNING_ANSWER_PARTNER_FIELDS,
            *DUNNING_DESK_PARTNER_FIELDS,
        ]

    def _dunning_debtor_type(self):
        """The customer's debtor type: the one set; else, for a company, public buyer when marked as a public body,
        professional with an EU VAT number or a SIRET, and none otherwise (False: to be confirmed; a company record
        alone does not make a professional); an individual is a consumer."""
        self.ensure_one()
        # sudo: the rule is read by the module whoever triggers it (e.g. a salesman editing the contact)
        commercial = self.sudo().commercial_partner_id
        if commercial.dunning_debtor_type:
            return commercial.dunning_debtor_type
        if not commercial.is_company:
            return "consumer"
        if commercial.dunning_public_body:
            return "public"
        return "professional" if commercial._dunning_has_business_number() else False

    def _dunning_has_business_number(self):
        """Whether the company has a valid EU VAT number, or a valid SIRET (the field of French localization, else
        the company registry)."""
        self.ensure_one()
        if self.vat and eu_vat.is_valid(self.vat):
            return True
        for number in (self["siret"] if "siret" in self._fields else False, self.company_registry):
            digits = re.sub(r"\D", "", number or "")
            if len(digits) == 14 and siret.is_valid(digits):
                return True
        return False

    def _dunning_owes_penalties(self):
        """Professionals and public buyers owe late-payment penalties and the indemnity; consumers and
        non-professional legal persons owe neither (only legal interest from a formal notice), nor does a company
        whose type is not confirmed yet."""
        return self._dunning_debtor_type() in ("professional", "public")

    @api.depends(
        "dunning_debtor_type",
        "dunning_public_body",
        "is_company",
        "vat",
        "company_registry",
        "parent_id.dunning_debtor_type",
        "parent_id.dunning_public_body",
        "parent_id.is_company",
        "parent_id.vat",
        "parent_id.company_registry",
    )
    def _compute_dunning_debtor_rule(self):
        rules = {
            "professional": self.env._("Professional: L441-10 penalties and the 40 EUR recovery indemnity"),
            "public": self.env._("Public buyer: ECB rate + 8 points and the 40 EUR recovery indemnity"),
            "consumer": self.env._("Consumer: legal interest from the formal notice only"),
            "non_professional": self.env._("Non-professional legal person: legal interest from the formal notice only"),
            False: self.env._(
                "To confirm: a company without EU VAT number nor SIRET may be an association, a co-owners' "
                "association or a public body. Its follow-ups wait for validation and claim no penalty or "
                "indemnity until its debtor type is set."
            ),
        }
        for partner in self:
            partner.dunning_debtor_rule = rules[partner._dunning_debtor_type()]

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
        """Follow-up recipient: the accounting contact email, else the invoice address's email. An accounting email
        that bounced is skipped, and the invoice address's email is used only when it is another one.

        Returns the normalized address, or False when the customer has no usable email (a letter then replaces the
        email).
        """
        self.ensure_one()
        commercial = self.commercial_partner_id
        if commercial.dunning_email and not commercial.dunning_email_invalid:
            return email_normalize(commercial.dunning_email)
        invoice_address = self.browse(commercial.address_get(["invoice"])["invoice"])
        fallback = email_normalize(invoice_address.email or "") or False
        bounced = commercial.dunning_email and email_normalize(commercial.dunning_email)
        return fallback if fallback and fallback != bounced else False

    # Follow-up control per customer and company (issue 4: scenarios, levels and the daily run).
    dunning_excluded = fields.Boolean(
        string="Excluded from Follow-ups",
        company_dependent=True,
        groups=READERS,
        help="The daily run never follows up this customer in the current company.",
    )
    dunning_scenario_id = fields.Many2one(
        "account.dunning.scenario",
        string="Follow-up Scenario",
        company_dependent=True,
        domain=[("policy_id", "=", False)],
        groups=READERS,
        help="Scenario used for this customer instead of the one of its risk segment.",
    )
    dunning_responsible_id = fields.Many2one(
        "res.users",
        string="Collections Responsible",
        company_dependent=True,
        groups=READERS,
        help="User in charge of calls and litigation for this customer; defaults to the salesperson, else to the "
        "company's default collections responsible.",
    )
    dunning_on_hold = fields.Boolean(
        string="On Credit Hold",
        company_dependent=True,
        groups=READERS,
        help="Set by follow-up levels that put the customer on hold: new sales should wait for payment.",
    )
    dunning_to_reconcile = fields.Boolean(
        string="Payments to Reconcile",
        company_dependent=True,
        groups=READERS,
        help="Set by the daily run when unreconciled payments or credit notes cover the overdue amount.",
    )
    dunning_action_ids = fields.One2many("account.dunning.action", "partner_id", string="Follow-ups", groups=READERS)
    dunning_action_count = fields.Integer(
        compute="_compute_dunning_action_count", string="Follow-up Count", groups=READERS
    )

    @api.model
    def _dunning_billing_fields(self):
        """Follow-up settings of a customer that billing users (only) may change."""
        return {
            "dunning_email",
            "dunning_excluded",
            "dunning_scenario_id",
            "dunning_responsible_id",
            "dunning_on_hold",
            "dunning_to_reconcile",
            "dunning_debtor_type",
            "dunning_public_body",
            "dunning_sms_mobile",
            *DUNNING_ANSWER_PARTNER_FIELDS,
        }

    @api.model
    def _dunning_computed_fields(self):
        """Figures the module computes (statistics, segment, tolerance): no user writes them directly."""
        return {column for column, _type in DUNNING_STAT_COLUMNS.values()} | set(DUNNING_SEGMENT_FIELDS)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._dunning_check_write_access(vals)
        return super().create(vals_list)

    def write(self, vals):
        """Guard the follow-up fields; keep a customer charged penalties on the same side of the debtor types; a
        corrected accounting email is valid again (res_partner_answers.py)."""
        self._dunning_check_write_access(vals)
        owed_before = None
        if self._dunning_debtor_type_fields() & set(vals):
            owed_before = {partner.id: partner._dunning_owes_penalties() for partner in self}
        corrected = self._dunning_bounces_corrected(vals)
        result = super().write(vals)
        if owed_before is not None:
            self._dunning_check_debtor_type_change(owed_before)
        if corrected:
            corrected.write({"dunning_email_invalid": False})
        return result

    @api.model
    def _dunning_debtor_type_fields(self):
        """The fields the debtor type is decided from (see _dunning_debtor_type)."""
        return {
            "dunning_debtor_type",
            "dunning_public_body",
            "is_company",
            "parent_id",
            "vat",
            "company_registry",
            "siret",
        }

    def _dunning_check_debtor_type_change(self, owed_before):
        """A customer already charged penalties cannot switch to a type that owes none (or back): what was invoiced
        would become untrue. Cancel (credit) its penalty invoices first."""
        for partner in self:
            if owed_before[partner.id] == partner._dunning_owes_penalties():
                continue
            # sudo: the check reads invoices whoever changes the customer
            charged = (
                self.env["account.move"]
                .sudo()
                .search(
                    [
                        ("commercial_partner_id", "=", partner.commercial_partner_id.id),
                        ("dunning_penalty_source_ids", "!=", False),
                        ("state", "=", "posted"),
                    ],
                    limit=1,
                )
            )
            if charged:
                raise ValidationError(
                    self.env._(
                        "%(customer)s was already charged late-payment penalties (%(invoice)s): its debtor type cannot "
                        "change between a type that owes penalties and one that does not. Credit the penalty "
                        "invoice first.",
                        customer=partner.commercial_partner_id.display_name,
                        invoice=charged.name,
                    )
                )

    @api.model
    def _dunning_check_write_access(self, vals):
        """Only billing users change follow-up settings; computed figures are written by the module alone.

        When contacts are merged, the computed figures of the others are dropped rather than copied: the merged
        customer's figures are recomputed (a context key can only remove values here, never allow them).
        """
        if self.env.context.get("dunning_partner_merge"):
            for fname in self._dunning_computed_fields().intersection(vals):
                del vals[fname]
        if self.env.su or not vals:
            return
        computed = self._dunning_computed_fields().intersection(vals)
        if computed:
            raise AccessError(
                self.env._(
                    "The payment behaviour figures are computed: %(fields)s cannot be written by hand "
                    "(recompute them, or set the segment with its reason).",
                    fields=", ".join(sorted(computed)),
                )
            )
        if self._dunning_billing_fields().intersection(vals):
            check_billing(self.env)

    def _compute_dunning_action_count(self):
        counts = dict(
            self.env["account.dunning.action"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.dunning_action_count = counts.get(partner.commercial_partner_id._origin, 0)

    def _dunning_get_responsible(self):
        """Collections responsible: the one set on the customer, else its salesperson, else the company's default.

        Inactive users (such as OdooBot) never own a follow-up task.
        """
        self.ensure_one()
        commercial = self.commercial_partner_id
        for user in (commercial.dunning_responsible_id, commercial.user_id):
            if user.active:
                return user
        return self.env.company.dunning_responsible_id

    def action_view_dunning_actions(self):
        """Follow-ups of this customer."""
        self.env["account.dunning.action"].check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("account_dunning.account_dunning_action_action")
        action["domain"] = [("partner_id", "in", self.commercial_partner_id.ids)]
        action["context"] = {"create": False}
        return action

    def action_dunning_print_letter(self):
        """Print the letter of this customer's latest follow-up in the current company."""
        self.ensure_one()
        check_billing(self.env)
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
