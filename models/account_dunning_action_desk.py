from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount, format_date

from ..tools.desk import next_working_day
from ..tools.security import check_billing


class AccountDunningAction(models.Model):
    _inherit = "account.dunning.action"  # pylint: disable=consider-merging-classes-inherited

    # The collections desk (issue 20): a call of the follow-up ends in one click with its outcome, logged on the
    # follow-up (its call task done with the outcome), noted on the customer and counted in the collector's work.
    call_ids = fields.One2many("account.dunning.call", "action_id", string="Calls", readonly=True)

    def action_dunning_log_call(self):
        """Open the call outcome form for this follow-up."""
        self.ensure_one()
        check_billing(self.env)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": "account.dunning.call.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_action_id": self.id},
        }

    def _dunning_call_activity(self):
        """The open phone-call task of the follow-up (its own call, else any call task on it)."""
        self.ensure_one()
        call_type = self.env.ref("mail.mail_activity_data_call")
        if self.activity_id.exists() and self.activity_id.activity_type_id == call_type:
            return self.activity_id
        return self.activity_ids.filtered(lambda activity: activity.activity_type_id == call_type)[:1]

    def _dunning_call_moves(self):
        """The invoices of the follow-up still open: those a call is about."""
        self.ensure_one()
        return self.move_ids.filtered(
            lambda move: move.state == "posted" and move.payment_state in ("not_paid", "partial")
        )

    def _dunning_log_call(self, outcome, moves=None, **values):
        """Log a call of this sent follow-up and carry its outcome out; returns the call record.

        values: phone, promise_date and promise_amount (promise), dispute_reason_id and comment (dispute), comment.
        A promise pauses the chase of its invoices, a dispute takes them out of it, a call without answer is
        planned again on the next working day until the company's maximum of attempts (then the next run sends the
        next level at once), a wrong number marks the customer's number to fix.
        """
        self.ensure_one()
        check_billing(self.env)
        if self.state != "done":
            raise UserError(self.env._("Calls are logged on sent follow-ups only (%(name)s).", name=self.name))
        moves = moves if moves is not None else self._dunning_call_moves()
        self._dunning_check_call_values(outcome, moves, values)
        call = self.env["account.dunning.call"].create(
            {
                "action_id": self.id,
                "outcome": outcome,
                "attempt": len(self.call_ids) + 1,
                "phone": values.get("phone") or self.partner_id.mobile or self.partner_id.phone or False,
                "move_ids": [fields.Command.set(moves.ids)],
                "currency_id": moves.currency_id[:1].id,
                "promise_date": values.get("promise_date") or False,
                "promise_amount": values.get("promise_amount") or 0.0,
                "dispute_reason_id": values.get("dispute_reason_id") or False,
                "comment": values.get("comment") or False,
            }
        )
        summary = getattr(self, f"_dunning_call_{outcome}")(call)
        self._dunning_note_call(call, summary)
        return call

    def _dunning_check_call_values(self, outcome, moves, values):
        """Refuse an outcome without what it needs: invoices, a future date for a promise, a reason for a dispute."""
        if outcome in ("promise", "dispute") and not moves:
            raise ValidationError(self.env._("Select the invoices the customer promised to pay or disputed."))
        if moves - self.move_ids:
            raise ValidationError(self.env._("A call is about the invoices of its own follow-up only."))
        if outcome == "promise":
            promise_date = values.get("promise_date")
            if not promise_date or promise_date <= fields.Date.context_today(self):
                raise ValidationError(self.env._("Give the date the customer promised to pay by: a day after today."))
            amount = values.get("promise_amount") or 0.0
            due = sum(moves.mapped("amount_residual"))
            if amount < 0 or (len(moves.currency_id) == 1 and moves.currency_id.compare_amounts(amount, due) > 0):
                raise ValidationError(
                    self.env._(
                        "The promised amount must be positive and at most what the invoices still owe (%(due)s).",
                        due=format_amount(self.env, due, moves.currency_id[:1]),
                    )
                )
        if outcome == "dispute":
            reason = self.env["account.dunning.dispute.reason"].browse(values.get("dispute_reason_id"))
            if not reason:
                raise ValidationError(self.env._("Choose the reason of the dispute."))
            if reason.comment_required and not (values.get("comment") or "").strip():
                raise ValidationError(self.env._("Explain the dispute in the comment."))

    def _dunning_call_promise(self, call):
        """Reached, promised: the module's promise to pay on the invoices (a partial amount covers the oldest first)."""
        promised = self.env["account.dunning.access"]._dunning_set_promises(
            call.move_ids.sorted(lambda move: (move.invoice_date_due, move.id)), call.promise_date, call.promise_amount
        )
        amount = call.promise_amount or sum(promised.mapped("amount_residual"))
        summary = self.env._(
            "Reached: promise to pay %(amount)s by %(date)s for %(invoices)s.",
            amount=format_amount(self.env, amount, call.currency_id),
            date=format_date(self.env, call.promise_date),
            invoices=", ".join(promised.mapped("name")),
        )
        return self._dunning_close_call_task(summary)

    def _dunning_call_dispute(self, call):
        """Reached, disputed: the invoices leave the chase until the dispute is resolved."""
        reason = call.dispute_reason_id.name
        text = f"{reason}: {call.comment}" if call.comment else reason
        call.move_ids._dunning_set_dispute(text)
        summary = self.env._(
            "Reached: dispute of %(invoices)s (%(reason)s).",
            invoices=", ".join(call.move_ids.mapped("name")),
            reason=text,
        )
        return self._dunning_close_call_task(summary)

    def _dunning_call_no_answer(self, call):
        """No answer: call again on the next working day, up to the company's maximum of attempts; then the task
        ends and the next run sends the next level."""
        attempts = self.company_id.dunning_call_max_attempts
        if attempts and call.attempt >= attempts:
            summary = self.env._(
                "No answer (call %(attempt)s of %(attempts)s): the next run sends the next level.",
                attempt=call.attempt,
                attempts=attempts,
            )
            return self._dunning_close_call_task(summary)
        next_day = self._dunning_next_working_day(call.date)
        # sudo: the call record is written by the module only (its planned next call)
        call.sudo().next_call_date = next_day
        activity = self._dunning_call_activity()
        if activity:
            activity.date_deadline = next_day
        else:
            activity = self.with_context(mail_activity_quick_update=True).activity_schedule(
                "mail.mail_activity_data_call",
                date_deadline=next_day,
                summary=self.env._("Follow-up call: %(level)s", level=self.level_id.name),
                user_id=self._get_task_owner().id,
            )
        summary = self.env._(
            "No answer (call %(attempt)s): call again on %(date)s.",
            attempt=call.attempt,
            date=format_date(self.env, next_day),
        )
        self._message_log(body=summary)
        return summary

    def _dunning_call_wrong_number(self, call):
        """Wrong number: the customer's number is marked to fix (until it changes); the call task ends."""
        # sudo: the mark is the desk's bookkeeping; billing users may lack the contact-edition right
        self.partner_id.commercial_partner_id.sudo().dunning_wrong_phone = call.phone or "?"
        summary = self.env._(
            "Wrong number (%(phone)s): the customer's contact details must be fixed.", phone=call.phone or "-"
        )
        return self._dunning_close_call_task(summary)

    def _dunning_close_call_task(self, summary):
        """Mark the follow-up's call task done with the outcome (else note the outcome on the follow-up)."""
        activity = self._dunning_call_activity()
        if activity:
            activity.action_feedback(feedback=summary)
        else:
            self._message_log(body=summary)
        return summary

    def _dunning_note_call(self, call, summary):
        """The call on the customer (without amounts or reasons: salespeople read its chatter) and in the
        collector's work of the week."""
        outcome = dict(call._fields["outcome"]._description_selection(self.env))[call.outcome]
        # sudo: the note goes on the customer whoever may edit contacts
        self.partner_id.sudo()._message_log(
            body=Markup("<p>{}</p>").format(
                self.env._("Collections call (%(followup)s): %(outcome)s.", followup=self.name, outcome=outcome)
            )
        )
        self.env["account.dunning.task.log"]._dunning_log("call", self.partner_id, self.company_id, summary, call)

    def _dunning_next_working_day(self, day):
        """The next working day of the company: its working calendar and public holidays when it has one (the
        Resource app), else Monday to Friday."""
        calendar = self.company_id.resource_calendar_id if "resource_calendar_id" in self.company_id else None
        if not calendar:
            return next_working_day(day)

        def works_on(candidate):
            start = fields.Datetime.to_datetime(candidate)
            planned = calendar.plan_days(1, start, compute_leaves=True)
            return bool(planned) and planned.date() == candidate

        return next_working_day(day, works_on)

    def _dunning_log_letters_posted(self):
        """Letters posted are tasks of the collectors done."""
        self.env["account.dunning.task.log"]._dunning_log_many(
            [
                (
                    "letter",
                    action.partner_id,
                    action.company_id,
                    self.env._("Letter posted: %(name)s", name=action.name),
                    action,
                )
                for action in self
            ]
        )
