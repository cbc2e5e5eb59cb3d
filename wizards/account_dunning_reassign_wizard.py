from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.security import check_billing


class AccountDunningReassignWizard(models.TransientModel):
    _name = "account.dunning.reassign.wizard"
    _description = "Reassign Customers to Another Collector"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    from_user_id = fields.Many2one(
        "res.users", string="From Collector", help="Take every customer of this collector (or select customers)."
    )
    to_user_id = fields.Many2one("res.users", string="To Collector", required=True, domain="[('share', '=', False)]")
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        compute="_compute_partner_ids",
        store=True,
        readonly=False,
        help="The customers whose collections responsible becomes the new collector in this company.",
    )
    move_open_tasks = fields.Boolean(
        string="Hand Over Their Open Tasks",
        default=True,
        help="Their follow-ups not sent yet or with a letter to post, their call and to-do tasks and their customer "
        "answers to handle go to the new collector too.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "res.partner" and "partner_ids" in fields_list:
            partners = self.env["res.partner"].browse(self.env.context.get("active_ids", []))
            values["partner_ids"] = [fields.Command.set(partners.commercial_partner_id.ids)]
        return values

    @api.depends("from_user_id", "company_id")
    def _compute_partner_ids(self):
        for wizard in self:
            if wizard.from_user_id:
                wizard.partner_ids = wizard._customers_of(wizard.from_user_id)

    def _customers_of(self, user):
        """The customers whose collections responsible is this user in the company (set on them, else their
        salesperson)."""
        partners = self.env["res.partner"].with_company(self.company_id)
        return partners.search(
            [
                ("parent_id", "=", False),
                "|",
                ("dunning_responsible_id", "=", user.id),
                "&",
                ("dunning_responsible_id", "=", False),
                ("user_id", "=", user.id),
            ]
        )

    def action_reassign(self):
        """Give the customers (and their open tasks) to the new collector."""
        self.ensure_one()
        check_billing(self.env)
        partners = self.partner_ids.commercial_partner_id
        if not partners:
            raise UserError(self.env._("Select the customers to hand over."))
        if self.to_user_id.share or not self.to_user_id.active:
            raise UserError(self.env._("Customers go to an active internal user."))
        # sudo: billing users change a customer's collections responsible (checked above); they may lack the
        # contact-edition right
        partners.with_company(self.company_id).sudo().write({"dunning_responsible_id": self.to_user_id.id})
        moved = self._hand_over_tasks(partners) if self.move_open_tasks else 0
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s customers and %(tasks)s open tasks handed over to %(user)s.",
                    count=len(partners),
                    tasks=moved,
                    user=self.to_user_id.name,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _hand_over_tasks(self, partners):
        """The customers' follow-ups still to act on, their open tasks and answers go to the new collector (without
        an "assigned to you" notification per record). Returns how many tasks moved."""
        company, new = self.company_id, self.to_user_id
        actions = self.env["account.dunning.action"].search(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)]
        )
        quiet = {"mail_auto_subscribe_no_notify": True, "mail_activity_quick_update": True}
        open_actions = actions.filtered(
            lambda action: action.state in ("to_validate", "failed")
            or (action.state == "done" and action.letter_state in ("to_print", "printed"))
        )
        open_actions = open_actions.filtered(lambda action: action.user_id != new)
        open_actions.with_context(**quiet).write({"user_id": new.id})
        # sudo: answers are written by the module only; their tasks follow the customer
        answers = (
            self.env["account.dunning.answer"]
            .sudo()
            .search([("partner_id", "in", partners.ids), ("company_id", "=", company.id), ("state", "=", "open")])
        )
        answers.filtered(lambda answer: answer.user_id != new).write({"user_id": new.id})
        activities = self.env["mail.activity"].search(
            [
                "|",
                "&",
                ("res_model", "=", "account.dunning.action"),
                ("res_id", "in", actions.ids),
                ("id", "in", answers.activity_id.ids),
                ("user_id", "!=", new.id),
            ]
        )
        activities.with_context(**quiet).write({"user_id": new.id})
        return (
            len(open_actions) + len(activities) + len(answers - answers.filtered(lambda a: a.activity_id in activities))
        )
