from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.security import check_billing

#: kinds of collective proceedings (Code de commerce, book VI)
PROCEEDING_KINDS = [
    ("sauvegarde", "Safeguard (sauvegarde)"),
    ("redressement", "Receivership (redressement judiciaire)"),
    ("liquidation", "Compulsory liquidation (liquidation judiciaire)"),
]


class AccountDunningProceeding(models.Model):
    """Collective proceedings opened against a customer, as known by one creditor company.

    From the opening judgment the debts born before it are neither paid nor chased (Code de commerce L622-7,
    L622-21), their interest stops (L622-28) and the creditor declares them to the mandataire judiciaire within two
    months of the publication in the BODACC (L622-24, R622-24). Each company records the proceedings it declares in.
    """

    _name = "account.dunning.proceeding"
    _description = "Collective Proceedings of a Customer"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "judgment_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
        domain=[("is_company", "=", True)],
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", string="Creditor Company", required=True, index=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(
        selection=PROCEEDING_KINDS,
        required=True,
        tracking=True,
        help="When the proceedings are converted (e.g. receivership into liquidation), change the kind and keep the "
        "date of the opening judgment: its effects run from that date.",
    )
    judgment_date = fields.Date(
        string="Opening Judgment",
        required=True,
        tracking=True,
        help="Date of the judgment opening the proceedings: invoices dated before it are no longer followed up and "
        "accrue no penalty from that day (Code de commerce L622-21, L622-28); later invoices are followed up.",
    )
    court = fields.Char(help="Court that opened the proceedings, e.g. Tribunal de commerce de Lyon.")
    publication_date = fields.Date(
        string="BODACC Publication",
        tracking=True,
        help="Publication of the judgment in the BODACC: the claim is declared within two months of it (R622-24).",
    )
    declaration_deadline = fields.Date(
        compute="_compute_declaration_deadline",
        store=True,
        help="Two months after the BODACC publication (Code de commerce R622-24); until the publication is entered, "
        "two months after the judgment, which is earlier.",
    )
    mandataire_name = fields.Char(
        string="Mandataire Judiciaire", required=True, help="Name of the mandataire (or liquidator) receiving claims."
    )
    mandataire_address = fields.Text(string="Mandataire's Address")
    declared_date = fields.Date(string="Claim Declared On", tracking=True, copy=False)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        help="Collections responsible who declares the claim.",
    )

    _sql_constraints = [
        (
            "partner_company_unique",
            "UNIQUE(partner_id, company_id)",
            "This customer already has collective proceedings in this company: update them (a conversion keeps the "
            "opening judgment's date).",
        ),
    ]

    @api.depends("kind", "partner_id.name", "judgment_date")
    def _compute_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for proceeding in self:
            proceeding.name = " - ".join(
                part
                for part in (
                    labels.get(proceeding.kind),
                    proceeding.partner_id.name,
                    str(proceeding.judgment_date or ""),
                )
                if part
            )

    @api.depends("judgment_date", "publication_date")
    def _compute_declaration_deadline(self):
        for proceeding in self:
            start = proceeding.publication_date or proceeding.judgment_date
            proceeding.declaration_deadline = start + relativedelta(months=2) if start else False

    @api.depends("partner_id", "company_id")
    def _compute_user_id(self):
        for proceeding in self:
            if proceeding.partner_id and not proceeding.user_id:
                partner = proceeding.partner_id.with_company(proceeding.company_id)
                proceeding.user_id = partner._dunning_get_responsible() or self.env.user

    @api.constrains("judgment_date", "publication_date", "declared_date", "partner_id")
    def _check_dates_and_debtor(self):
        """The judgment is not in the future, its publication follows it; the debtor is a business or a private legal
        person (a consumer is under over-indebtedness proceedings, not these)."""
        today = fields.Date.context_today(self)
        for proceeding in self:
            if proceeding.judgment_date > today:
                raise ValidationError(self.env._("The opening judgment cannot be in the future."))
            if proceeding.publication_date and proceeding.publication_date < proceeding.judgment_date:
                raise ValidationError(self.env._("The BODACC publication cannot come before the opening judgment."))
            if proceeding.partner_id != proceeding.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Record the proceedings on the company %(company)s itself, not on its contact.",
                        company=proceeding.partner_id.commercial_partner_id.display_name,
                    )
                )
            if proceeding.partner_id._dunning_debtor_type() == "consumer":
                raise ValidationError(
                    self.env._(
                        "%(customer)s is a consumer: collective proceedings (Code de commerce L620-2) concern "
                        "businesses and private legal persons. For a consumer in over-indebtedness proceedings, "
                        "exclude it from follow-ups.",
                        customer=proceeding.partner_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        check_billing(self.env)
        proceedings = super().create(vals_list)
        proceedings._schedule_declaration_task()
        return proceedings

    def write(self, vals):
        check_billing(self.env)
        result = super().write(vals)
        if {"judgment_date", "publication_date", "user_id"} & set(vals):
            self._schedule_declaration_task()
        return result

    def _schedule_declaration_task(self):
        """Give the responsible a task to declare the claim by the deadline (moved when the publication is entered)."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        for proceeding in self.filtered(lambda proceeding: not proceeding.declared_date):
            summary = self.env._("Declare the claim: %(customer)s", customer=proceeding.partner_id.name)
            note = self.env._(
                "Collective proceedings opened on %(date)s: declare the invoices dated before the judgment to the "
                "mandataire judiciaire %(mandataire)s within two months of the BODACC publication (Code de commerce "
                "L622-24, R622-24). Print the declaration from the proceedings, sign it and send it with its "
                "documents; then click Claim Declared.",
                date=fields.Date.to_string(proceeding.judgment_date),
                mandataire=proceeding.mandataire_name,
            )
            activity = proceeding.activity_ids.filtered(lambda activity: activity.activity_type_id == todo)[:1]
            if activity:
                activity.write(
                    {
                        "date_deadline": proceeding.declaration_deadline,
                        "user_id": proceeding.user_id.id,
                        "summary": summary,
                    }
                )
                continue
            proceeding.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=proceeding.declaration_deadline,
                summary=summary,
                note=note,
                user_id=proceeding.user_id.id,
            )

    def action_mark_declared(self):
        """The claim was sent to the mandataire: the task is done."""
        check_billing(self.env)
        self.write({"declared_date": fields.Date.context_today(self)})
        self.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        ).action_feedback(feedback=self.env._("Claim declared."))
        return True

    def action_print_declaration(self):
        """The declaration of claim (déclaration de créance) as a PDF to sign."""
        check_billing(self.env)
        missing = self.filtered(lambda proceeding: not proceeding.mandataire_address)
        if missing:
            raise UserError(
                self.env._(
                    "Enter the address of the mandataire judiciaire of %(customers)s: the declaration is sent there.",
                    customers=", ".join(missing.partner_id.mapped("display_name")),
                )
            )
        return self.env.ref("account_dunning.account_dunning_declaration_report").report_action(self)
