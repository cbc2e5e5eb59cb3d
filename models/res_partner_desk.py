from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.security import READERS, check_billing

# the wrong number belongs to the commercial entity, like the accounting email (res.partner._commercial_fields)
DUNNING_DESK_PARTNER_FIELDS = ("dunning_wrong_phone",)


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # The collections desk (issue 20): the number a call found wrong, the invoices out of the chase, and the credit
    # hold lifted when nothing is overdue any more (automatically) or by a billing user with a reason.
    dunning_wrong_phone = fields.Char(
        string="Wrong Number",
        readonly=True,
        groups=READERS,
        help="The number a collections call found wrong: the customer's contact is to fix until its phone or mobile "
        "changes.",
    )
    dunning_no_followup_move_ids = fields.Many2many(
        "account.move",
        string="Invoices Not Followed Up",
        compute="_compute_dunning_no_followup_moves",
        groups=READERS,
        help="Open invoices of the customer taken out of the follow-ups in the current company.",
    )
    dunning_no_followup_count = fields.Integer(
        string="Invoices Not Followed Up (count)", compute="_compute_dunning_no_followup_moves", groups=READERS
    )
    dunning_call_ids = fields.One2many("account.dunning.call", "partner_id", string="Calls", groups=READERS)

    @api.depends_context("company")
    def _compute_dunning_no_followup_moves(self):
        moves = self.env["account.move"].search(
            [
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                ("dunning_no_followup", "=", True),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        )
        by_partner = moves.grouped("commercial_partner_id")
        for partner in self:
            flagged = by_partner.get(partner.commercial_partner_id._origin, moves.browse())
            partner.dunning_no_followup_move_ids = flagged
            partner.dunning_no_followup_count = len(flagged)

    def action_dunning_lift_hold(self):
        """Open the form that lifts the customer's credit hold, with a reason."""
        self.ensure_one()
        check_billing(self.env)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Lift the Credit Hold"),
            "res_model": "res.partner.dunning.hold.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def _dunning_lift_hold(self, company, reason):
        """A billing user lifts the credit hold in a company, with a reason kept in the accounting records (the
        customer's follow-ups), never in the contact's chatter that salespeople read."""
        check_billing(self.env)
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason why the credit hold is lifted."))
        partners = self.commercial_partner_id.with_company(company)
        held = partners.filtered("dunning_on_hold")
        if not held:
            raise UserError(self.env._("%(customer)s is not on credit hold.", customer=self.display_name))
        # sudo: billing users lift the hold (checked above); they may lack the contact-edition right
        held.sudo().dunning_on_hold = False
        for partner in held:
            partner._dunning_note_on_followups(
                company,
                self.env._("Credit hold lifted by %(user)s: %(reason)s", user=self.env.user.name, reason=reason),
            )

    def _dunning_note_on_followups(self, company, body):
        """Note an event of the customer's collection (hold lifted, order confirmed despite the hold) on its latest
        follow-up in the company: accounting records, not the contact's chatter."""
        self.ensure_one()
        # sudo: the note goes on the follow-ups whoever triggers it (a sales manager confirming an order)
        action = (
            self.env["account.dunning.action"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.commercial_partner_id.id),
                    ("company_id", "=", company.id),
                    ("state", "in", ("to_validate", "done", "failed")),
                ],
                order="date desc, id desc",
                limit=1,
            )
        )
        if action:
            action._message_log(body=Markup("<p>{}</p>").format(body))
        return action

    @api.model
    def _dunning_lift_settled_holds(self, company, partners=None):
        """Lift the credit hold of the customers (all, or these) who owe nothing overdue in the company any more
        (two queries: the customers on hold, then those of them still owing something overdue); noted on their
        latest follow-up. Returns the customers released."""
        partner_model = self.with_company(company)
        partner_model.flush_model(["dunning_on_hold"])
        held_query = SQL(
            "SELECT p.id FROM res_partner p WHERE COALESCE(%(held)s, FALSE) AND (%(all)s OR p.id = ANY(%(ids)s))",
            held=partner_model._field_to_sql("p", "dunning_on_hold"),
            all=partners is None,
            ids=(partners.commercial_partner_id.ids if partners is not None else []),
        )
        held = [row[0] for row in self.env.execute_query(held_query)]
        if not held:
            return self.browse()
        self.env["account.move.line"].flush_model(
            ["parent_state", "account_id", "reconciled", "amount_residual", "date_maturity", "company_id", "partner_id"]
        )
        owing_query = SQL(
            """
            SELECT DISTINCT c.commercial_partner_id
              FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id
              JOIN res_partner c ON c.id = l.partner_id
             WHERE c.commercial_partner_id = ANY(%(held)s) AND l.company_id = %(company)s
               AND l.parent_state = 'posted' AND a.account_type = 'asset_receivable' AND NOT l.reconciled
               AND l.amount_residual > 0 AND l.date_maturity < %(today)s
            """,
            held=held,
            company=company.id,
            today=fields.Date.context_today(self),
        )
        owing = {row[0] for row in self.env.execute_query(owing_query)}
        # sudo: the hold is the module's bookkeeping, lifted whoever's payment settled the debt
        released = (
            self.sudo().with_company(company).browse([partner_id for partner_id in held if partner_id not in owing])
        )
        if released:
            released.dunning_on_hold = False
            for partner in released:
                partner._dunning_note_on_followups(
                    company, self.env._("Credit hold lifted: nothing is overdue any more.")
                )
        return released.sudo(False)
