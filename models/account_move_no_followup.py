from odoo import fields, models
from odoo.exceptions import UserError

from ..tools.security import READERS, check_billing


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    # The collections desk (issue 20): an invoice taken out of the chase by hand, with its reason (a credit note under
    # negotiation, a disputed delivery). It still counts in the payment statistics, KPIs and reports; the days it was
    # set and lifted are kept so that a simulation of the past knows it as of each day.
    dunning_no_followup = fields.Boolean(
        string="No Follow-up",
        copy=False,
        readonly=True,
        help="No follow-up goes out for this invoice until the flag is lifted; it still counts in the payment "
        "statistics and reports.",
        groups=READERS,
    )
    dunning_no_followup_reason = fields.Char(string="No Follow-up Reason", copy=False, readonly=True, groups=READERS)
    dunning_no_followup_date = fields.Date(
        string="No Follow-up Since",
        copy=False,
        readonly=True,
        help="Day the invoice was last taken out of the chase.",
        groups=READERS,
    )
    dunning_no_followup_lifted_date = fields.Date(
        string="No Follow-up Lifted On",
        copy=False,
        readonly=True,
        help="Day the flag was last lifted: the invoice is followed up again from then.",
        groups=READERS,
    )
    dunning_no_followup_uid = fields.Many2one(
        "res.users", string="No Follow-up Set By", copy=False, readonly=True, groups=READERS
    )

    def action_dunning_no_followup(self):
        """Open the wizard that takes these invoices out of the chase, with a reason."""
        check_billing(self.env)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("No Follow-up"),
            "res_model": "account.move.dunning.no.followup.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "account.move", "active_ids": self.ids},
        }

    def _dunning_set_no_followup(self, reason):
        """Take open customer invoices out of the chase with a reason; they keep counting in the statistics."""
        check_billing(self.env)
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason why these invoices are not followed up."))
        wrong = self.filtered(lambda move: move.move_type != "out_invoice" or move.state != "posted")
        if wrong:
            raise UserError(
                self.env._(
                    "Only posted customer invoices can be taken out of the follow-ups: %(moves)s.",
                    moves=", ".join(wrong.mapped("display_name")),
                )
            )
        self.write(
            {
                "dunning_no_followup": True,
                "dunning_no_followup_reason": reason,
                "dunning_no_followup_date": fields.Date.context_today(self),
                "dunning_no_followup_lifted_date": False,
                "dunning_no_followup_uid": self.env.uid,
            }
        )
        # the reason stays in the accounting field: the chatter, which salespeople read, only notes the fact
        self._message_log_batch(bodies=dict.fromkeys(self.ids, self.env._("Taken out of the follow-ups.")))

    def action_dunning_resume_followup(self):
        """Lift the "no follow-up" flag: the invoices are followed up again by the next run."""
        check_billing(self.env)
        flagged = self.filtered("dunning_no_followup")
        flagged.write(
            {
                "dunning_no_followup": False,
                "dunning_no_followup_lifted_date": fields.Date.context_today(self),
            }
        )
        flagged._message_log_batch(bodies=dict.fromkeys(flagged.ids, self.env._("Follow-ups resume.")))
        return True
