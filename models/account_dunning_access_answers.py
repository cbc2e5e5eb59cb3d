import base64
import os

from odoo import fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount, format_date
from odoo.tools.mimetypes import guess_mimetype

#: documents a customer may send with its answer, and their largest size
UPLOAD_MIMETYPES = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
UPLOAD_MAX_BYTES = 5 * 1024 * 1024


class AccountDunningAccess(models.Model):
    _inherit = "account.dunning.access"  # pylint: disable=consider-merging-classes-inherited

    # The customer's answers from its follow-up page: checked here (its own open invoices, amounts, dates,
    # documents), then recorded on the invoices and the follow-up, each with one task for the responsible.

    def _dunning_check_enabled(self, kind):
        """Refuse an action the company switched off."""
        if not self.company_id._dunning_page_action_enabled(kind):
            raise ValidationError(self.env._("This action is not available: please contact us."))

    def _dunning_check_amount(self, amount, moves, required):
        """An amount is positive and at most what the selected invoices still owe (in their one currency)."""
        currencies = moves.currency_id
        if not amount:
            if required:
                raise ValidationError(self.env._("Give the amount."))
            return 0.0
        if len(currencies) > 1:
            raise ValidationError(
                self.env._("The selected invoices are in several currencies: select invoices of one currency.")
            )
        if amount < 0:
            raise ValidationError(self.env._("The amount must be positive."))
        due = sum(moves.mapped("amount_residual"))
        if currencies.compare_amounts(amount, due) > 0:
            raise ValidationError(
                self.env._(
                    "The amount (%(amount)s) is more than the selected invoices still owe (%(due)s).",
                    amount=format_amount(self.env, amount, currencies),
                    due=format_amount(self.env, due, currencies),
                )
            )
        return currencies.round(amount)

    def _dunning_check_upload(self, upload):
        """A document sent by the customer: a PDF, PNG or JPEG file of at most 5 MB, checked on its content (not
        on the name or type the browser gives). Returns the values of its attachment, or None without a file."""
        if upload is None or not getattr(upload, "filename", None):
            return None
        data = upload.read(UPLOAD_MAX_BYTES + 1)
        if not data:
            return None
        if len(data) > UPLOAD_MAX_BYTES:
            raise ValidationError(self.env._("The document is too large: send a file of at most 5 MB."))
        mimetype = guess_mimetype(data)
        if mimetype not in UPLOAD_MIMETYPES:
            raise ValidationError(self.env._("Send the document as a PDF, PNG or JPEG file."))
        stem = os.path.splitext(os.path.basename(upload.filename))[0][:80] or "document"
        return {"name": stem + UPLOAD_MIMETYPES[mimetype], "datas": base64.b64encode(data), "mimetype": mimetype}

    def _dunning_answer_vals(self, kind, moves, **values):
        """Common values of an answer given on this customer's page."""
        action = self.env["account.dunning.answer"]._dunning_latest_action(self.partner_id, self.company_id, moves)
        return {
            "kind": kind,
            "channel": "page",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "action_id": action.id,
            "move_ids": [fields.Command.set(moves.ids)],
            "currency_id": moves.currency_id[:1].id,
            **values,
        }

    def _dunning_record_answer(self, vals, upload_vals, note, summary):
        """Record the answer with its document, note it and give the responsible one task."""
        return self.env["account.dunning.answer"]._dunning_record(vals, note, summary, upload_vals=upload_vals)

    def _dunning_names(self, moves):
        return ", ".join(moves.mapped("name"))

    def _dunning_announce_payment(self, move_ids, pay_date, amount, reference, upload):
        """'I have already paid': the chase of these invoices pauses for the company's days, waiting for the bank
        statement; if no payment comes, follow-ups resume at the level the invoices had."""
        self.ensure_one()
        self._dunning_check_enabled("paid")
        moves = self._dunning_selected_moves(move_ids)
        today = fields.Date.context_today(self)
        if not pay_date:
            raise ValidationError(self.env._("Give the date of your payment."))
        if pay_date > today or pay_date < fields.Date.subtract(today, days=365):
            raise ValidationError(self.env._("The payment date must be within the last year, not in the future."))
        amount = self._dunning_check_amount(amount, moves, required=True)
        reference = (reference or "").strip()[:64]
        upload_vals = self._dunning_check_upload(upload)
        until = fields.Date.add(today, days=self.company_id.dunning_paid_pause_days)
        # sudo: the customer's own open invoices (checked above) remember its announcement
        moves.sudo().with_context(skip_invoice_sync=True).write(
            {"dunning_pause_until": until, "dunning_paid_announced_date": pay_date}
        )
        note = self.env._(
            "The customer announced a payment of %(amount)s made on %(date)s (reference: %(reference)s) for "
            "%(invoices)s. Their follow-ups pause until %(until)s, waiting for the bank statement.",
            amount=format_amount(self.env, amount, moves.currency_id[:1]),
            date=format_date(self.env, pay_date),
            reference=reference or "-",
            invoices=self._dunning_names(moves),
            until=format_date(self.env, until),
        )
        vals = self._dunning_answer_vals(
            "paid", moves, amount=amount, payment_date=pay_date, payment_reference=reference, pause_until=until
        )
        summary = self.env._("Payment announced by %(customer)s", customer=self.partner_id.name)
        return self._dunning_record_answer(vals, upload_vals, note, summary)

    def _dunning_promise(self, move_ids, promise_date, amount):
        """'I will pay on …': a promise to pay by a date no later than the company's maximum. A partial amount
        covers the oldest selected invoices first; a broken promise escalates as any other."""
        self.ensure_one()
        self._dunning_check_enabled("promise")
        moves = self._dunning_selected_moves(move_ids)
        today = fields.Date.context_today(self)
        latest = fields.Date.add(today, days=self.company_id.dunning_promise_max_days)
        if not promise_date:
            raise ValidationError(self.env._("Give the date you will pay by."))
        if not today < promise_date <= latest:
            raise ValidationError(
                self.env._(
                    "The promised date must be after today and at the latest on %(date)s.",
                    date=format_date(self.env, latest),
                )
            )
        amount = self._dunning_check_amount(amount, moves, required=False)
        promised = self._dunning_set_promises(moves, promise_date, amount)
        note = self.env._(
            "The customer promised to pay %(amount)s by %(date)s for %(invoices)s.",
            amount=format_amount(self.env, amount or sum(promised.mapped("amount_residual")), moves.currency_id[:1]),
            date=format_date(self.env, promise_date),
            invoices=self._dunning_names(promised),
        )
        vals = self._dunning_answer_vals("promise", promised, amount=amount, promise_date=promise_date)
        summary = self.env._("Promise to pay from %(customer)s", customer=self.partner_id.name)
        return self._dunning_record_answer(vals, None, note, summary)

    def _dunning_set_promises(self, moves, promise_date, amount):
        """Record the promise on the invoices it covers (all of them without amount; else the oldest first, each
        for what the amount leaves it). Returns the invoices promised."""
        allocations = []
        left = amount
        for move in moves:
            if not amount:
                allocations.append((move, 0.0))
            elif move.currency_id.compare_amounts(left, 0.0) > 0:
                part = min(left, move.amount_residual)
                whole = move.currency_id.compare_amounts(part, move.amount_residual) == 0
                allocations.append((move, 0.0 if whole else part))
                left -= part
        for move, part in allocations:
            # sudo: the promise mechanism is for billing users; here the customer promises on its own open
            # invoices, checked against its link above
            move.sudo()._dunning_set_promise(promise_date, part)
        return self.env["account.move"].union(*(move for move, _part in allocations))

    def _dunning_dispute(self, move_ids, reason_id, comment, upload):
        """'I dispute this invoice': the invoices leave the chase until the dispute is resolved."""
        self.ensure_one()
        self._dunning_check_enabled("dispute")
        moves = self._dunning_selected_moves(move_ids)
        reasons = self.env["account.dunning.dispute.reason"]._dunning_for_company(self.company_id)
        try:
            reason = reasons.filtered(lambda item: item.id == int(reason_id or 0))
        except (TypeError, ValueError):
            reason = reasons.browse()
        if not reason:
            raise ValidationError(self.env._("Choose the reason of the dispute."))
        comment = (comment or "").strip()[:2000]
        if reason.comment_required and not comment:
            raise ValidationError(self.env._("Explain the dispute in the comment."))
        upload_vals = self._dunning_check_upload(upload)
        text = f"{reason.name}: {comment}" if comment else reason.name
        # sudo: disputes are recorded by billing users; here the customer disputes its own open invoices, checked
        # against its link above
        moves.sudo()._dunning_set_dispute(text)
        note = self.env._(
            "The customer disputed %(invoices)s: %(reason)s", invoices=self._dunning_names(moves), reason=text
        )
        vals = self._dunning_answer_vals("dispute", moves, dispute_reason_id=reason.id, comment=comment)
        summary = self.env._("Dispute from %(customer)s: %(reason)s", customer=self.partner_id.name, reason=reason.name)
        return self._dunning_record_answer(vals, upload_vals, note, summary)
