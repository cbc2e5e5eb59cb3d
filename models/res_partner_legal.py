from odoo import fields, models
from odoo.exceptions import UserError

from ..tools.security import READERS, check_billing


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # The customer's dated legal situation in the current company: collective proceedings and the limitation of its
    # open invoices (the rules: account_move_legal.py).
    dunning_proceeding_ids = fields.One2many(
        "account.dunning.proceeding", "partner_id", string="Collective Proceedings", groups=READERS
    )
    dunning_sms_mobile = fields.Boolean(
        string="Follow-up SMS to the Mobile",
        groups=READERS,
        help="The mobile number is the paying person's own and may receive follow-up SMS, formal notices included "
        "(they carry no amount nor invoice number, only the deadline and the link to the follow-up page). Without "
        "it no formal-notice SMS is sent; no follow-up SMS ever goes to the switchboard phone.",
    )
    dunning_limitation_warning = fields.Text(
        string="Limitation",
        compute="_compute_dunning_limitation_warning",
        groups=READERS,
        help="Open invoices of the customer time-barred within six months, or already.",
    )

    def _compute_dunning_limitation_warning(self):
        today = fields.Date.context_today(self)
        commercial = self.commercial_partner_id.filtered("id")
        moves = self.env["account.move"]._dunning_open_invoices_by_partner(commercial, self.env.company)
        for partner in self:
            warnings = moves[partner.commercial_partner_id.id]._dunning_limitation_warnings(today) if partner.id else []
            partner.dunning_limitation_warning = "\n".join(warnings) or False

    def _dunning_address_line(self):
        """The postal address on one line, without empty parts (for the declaration and the court file)."""
        self.ensure_one()
        lines = (" ".join(line.split()).strip(" ,") for line in self._display_address(without_company=True).split("\n"))
        return ", ".join(line for line in lines if line)

    def action_dunning_court_file(self):
        """The court file of this customer in the current company, from its latest follow-up sent to litigation."""
        self.ensure_one()
        check_billing(self.env)
        action = self.env["account.dunning.action"].search(
            [
                ("partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id),
                ("state", "=", "done"),
                ("level_id.to_litigation", "=", True),
            ],
            order="date desc, id desc",
            limit=1,
        )
        if not action:
            raise UserError(
                self.env._(
                    "%(customer)s has no follow-up sent to litigation in %(company)s: the court file is prepared once "
                    "a follow-up level sends its invoices to litigation.",
                    customer=self.commercial_partner_id.display_name,
                    company=self.env.company.display_name,
                )
            )
        return action.action_print_court_file()
