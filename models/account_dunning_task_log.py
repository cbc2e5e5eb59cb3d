from odoo import api, fields, models

from ..tools.desk import TASK_KINDS


class AccountDunningTaskLog(models.Model):
    """A task of the collections desk done by someone (a call logged, an answer handled, a dispute resolved, a letter
    posted, a broken promise or a job failure dealt with): the work of each collector, counted per week."""

    _name = "account.dunning.task.log"
    _description = "Collections Task Done"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "summary"

    kind = fields.Selection(TASK_KINDS, required=True, readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Done By", required=True, readonly=True, index=True, default=lambda self: self.env.user
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index="btree_not_null")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    date = fields.Datetime(string="Done On", required=True, readonly=True, default=fields.Datetime.now, index=True)
    summary = fields.Char(readonly=True)
    res_model = fields.Char(string="Document Model", readonly=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", readonly=True)

    @api.model
    def _dunning_log(self, kind, partner, company, summary, record=None):
        """Record a task done now by the current user (one row)."""
        return self._dunning_log_many([(kind, partner, company, summary, record)])

    @api.model
    def _dunning_log_many(self, entries):
        """Record several tasks done now by the current user, in one create: [(kind, partner, company, summary,
        record)]."""
        if self.env.user._is_superuser() or not entries:
            return self.browse()  # the jobs' own work is not a collector's
        # sudo: the log is written by the module only, whoever did the task
        return self.sudo().create(
            [
                {
                    "kind": kind,
                    "user_id": self.env.uid,
                    "partner_id": partner.commercial_partner_id.id if partner else False,
                    "company_id": company.id,
                    "summary": summary,
                    "res_model": record._name if record else False,
                    "res_id": record.id if record else False,
                }
                for kind, partner, company, summary, record in entries
            ]
        )

    def action_open_document(self):
        """Open the document the task was about."""
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
