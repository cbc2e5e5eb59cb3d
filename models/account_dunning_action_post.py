from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..tools.security import check_billing


class AccountDunningAction(models.Model):
    _inherit = "account.dunning.action"  # pylint: disable=consider-merging-classes-inherited

    # Posting a letter and the proof of a formal notice: the day it was posted (the letter is dated that day, with
    # that day's amounts), its registration number when registered, the first presentation to the customer and the
    # scanned acknowledgment of receipt. The court file prints them.
    posted_date = fields.Date(string="Posted On", readonly=True, copy=False, tracking=True)
    registered_number = fields.Char(
        string="Registration Number",
        readonly=True,
        copy=False,
        tracking=True,
        help="Number of the registered letter with acknowledgment of receipt, as given by the post office.",
    )
    first_presentation_date = fields.Date(
        string="First Presented On",
        copy=False,
        tracking=True,
        help="Day the post first presented the registered letter to the customer (acknowledgment of receipt, or "
        "the post's tracking): the customer's deadline runs from its receipt.",
    )
    receipt_proof = fields.Binary(
        string="Acknowledgment of Receipt",
        attachment=True,
        copy=False,
        help="Scan of the signed acknowledgment of receipt (PDF or image): the court file adds it after the notice.",
    )
    receipt_proof_filename = fields.Char(copy=False)
    limitation_warning = fields.Text(
        compute="_compute_limitation_warning",
        help="Invoices of the follow-up time-barred within six months, or already.",
    )

    def _compute_limitation_warning(self):
        today = fields.Date.context_today(self)
        for action in self:
            moves = action.line_ids.move_id.filtered(lambda move: not move.currency_id.is_zero(move.amount_residual))
            action.limitation_warning = "\n".join(moves._dunning_limitation_warnings(today)) or False

    @api.constrains("posted_date", "first_presentation_date")
    def _check_posting_dates(self):
        """A letter is presented to the customer after it was posted, and neither happens in the future."""
        today = fields.Date.context_today(self)
        for action in self:
            if action.posted_date and action.posted_date > today:
                raise ValidationError(
                    self.env._("A letter cannot be posted in the future (%(name)s).", name=action.name)
                )
            presented = action.first_presentation_date
            if presented and (presented > today or (action.posted_date and presented < action.posted_date)):
                raise ValidationError(
                    self.env._(
                        "The first presentation of %(name)s must fall between its posting (%(posted)s) and today.",
                        name=action.name,
                        posted=format_date(self.env, action.posted_date) if action.posted_date else "-",
                    )
                )

    def action_mark_letter_sent(self):
        """Open the posting form: the day the letters were posted and, for registered letters, their numbers."""
        check_billing(self.env)
        letters = self.filtered(lambda action: action.letter_state in ("to_print", "printed"))
        if not letters:
            raise UserError(self.env._("Select letters printed and not posted yet."))
        wizard = self.env["account.dunning.letter.post"].create(
            {"line_ids": [fields.Command.create({"action_id": action.id}) for action in letters]}
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Mark as Posted"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _mark_posted(self, day, numbers):
        """Record the letters as posted on a day, with the registration number of each registered one.

        A letter is dated and states its amounts as of the day it is printed: one printed on another day than the
        day it is posted is printed again first (its deadline and amounts would be wrong)."""
        check_billing(self.env)
        stale = self.filtered(lambda action: not action.letter_attachment_id or action.letter_date != day)
        if stale:
            raise UserError(
                self.env._(
                    "These letters were not printed on %(date)s, the day they are posted: print them again (they "
                    "are then dated that day, with that day's amounts), post the new ones, then mark them as "
                    "posted: %(names)s",
                    date=format_date(self.env, day),
                    names=", ".join(stale.mapped("name")),
                )
            )
        unnumbered = self.filtered(lambda action: action.notice_delivery == "registered" and not numbers.get(action.id))
        if unnumbered:
            raise UserError(
                self.env._(
                    "Enter the registration number of each registered letter: %(names)s",
                    names=", ".join(unnumbered.mapped("name")),
                )
            )
        for action in self:
            action.write(
                {
                    "letter_state": "sent",
                    "posted_date": day,
                    "registered_number": numbers.get(action.id) if action.notice_delivery == "registered" else False,
                }
            )
            # formatted before the call: the extraction of terms reads the call's arguments
            number = f" ({action.registered_number})" if action.registered_number else ""
            action._message_log(
                body=self.env._("Letter posted on %(date)s%(number)s.", date=format_date(self.env, day), number=number)
            )
        self._dunning_log_letters_posted()
        return True
