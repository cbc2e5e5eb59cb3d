import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_amount, format_date

from ..tools.rules import promise_ended_by_followup

_logger = logging.getLogger(__name__)


class AccountDunningRun(models.AbstractModel):
    _inherit = "account.dunning.run"  # pylint: disable=consider-merging-classes-inherited

    # Send: carry the recorded follow-ups out on their channels, apply the level effects, record them as sent.

    @api.model
    def _send_actions(self, actions):
        """Carry out the follow-ups on their channels; a failing customer is rolled back alone and marked failed.

        Emails are rendered and queued per template for the whole batch; each customer's other channels and
        level effects then run in its own savepoint, and a customer failing there loses its queued email too. Each
        follow-up carries its customer's page link, made for the batch before the emails.
        """
        actions._dunning_ensure_page_access()
        for company, company_actions in actions.grouped("company_id").items():
            company_actions = company_actions.with_company(company)
            self._ensure_portal_tokens(company_actions.move_ids)
            mails = self._queue_emails(company_actions)
            sent = self.env["account.dunning.action"]
            for action in company_actions:
                if not self._needs_own_step(action, email_queued=action.id in mails):
                    sent |= action  # its email is queued and nothing else is left to do
                    continue
                try:
                    with self.env.cr.savepoint():
                        self._send_action(action, email_queued=action.id in mails)
                    sent |= action
                except Exception as error:  # any failure of one customer must not stop the others
                    _logger.warning("Follow-up %s (customer %s) failed: %s", action.id, action.partner_id.id, error)
                    self.env.invalidate_all()
                    if action.id in mails:
                        # sudo: the queued email of a failed follow-up is withdrawn, whoever runs it
                        mails[action.id].mail_message_id.sudo().unlink()
                    self._record_failure(action, error)
            self._record_sent(sent)

    @api.model
    def _record_failure(self, action, error):
        """Mark a follow-up failed and count the attempt; at the company's maximum of attempts its owner gets one
        task, and the daily run stops retrying until someone fixes the cause."""
        attempts = action.retry_count + 1
        action.write(
            {"state": "failed", "failure_reason": str(error), "mail_message_id": False, "retry_count": attempts}
        )
        action._message_log(
            body=self.env._(
                "The follow-up could not be sent (attempt %(attempt)s): %(reason)s", attempt=attempts, reason=str(error)
            )
        )
        if attempts == action.company_id.dunning_max_retries:
            action.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Follow-up failing: %(name)s", name=action.name),
                note=self.env._(
                    "This follow-up failed %(count)s times and will not be retried automatically: fix the cause "
                    "(e.g. its template), then click Retry, or cancel it. Last error: %(reason)s",
                    count=attempts,
                    reason=str(error),
                ),
                user_id=action._get_task_owner().id,
            )

    @api.model
    def _needs_own_step(self, action, email_queued):
        """Whether a follow-up still has channels or level effects to carry out after the batch of emails."""
        level = action.level_id
        return bool(
            (action.channel_email and not email_queued)
            or action.channel_sms
            or action.channel_phone
            or action.channel_letter
            or level.set_on_hold
            or level.to_litigation
        )

    @api.model
    def _ensure_portal_tokens(self, moves):
        """Give the invoices their portal access token in one query (the links of the emails and SMS need it).

        Writing the token through the ORM, invoice by invoice, would resynchronise each posted invoice.
        """
        missing = moves.filtered(lambda move: not move.access_token)
        if not missing:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET access_token = gen_random_uuid()::text "
                "WHERE id = ANY(%s) AND access_token IS NULL",
                missing.ids,
            )
        )
        missing.invalidate_recordset(["access_token"])

    @api.model
    def _queue_emails(self, actions):
        """Render and queue in one pass per template the emails of the follow-ups that have a recipient.

        Returns {action id: mail.mail}. Follow-ups attaching invoices, without a recipient, or whose template
        fails for the batch are left out: they are handled one by one (letter fallback, clear failure).
        """
        mails = {}
        candidates = actions.filtered(lambda action: action.channel_email and not action.level_id.attach_invoices)
        recipients = {action.id: action.partner_id._dunning_get_recipient_email() for action in candidates}
        candidates = candidates.filtered(lambda action: recipients[action.id])
        for template, group in candidates.grouped(lambda action: action.level_id.mail_template_id).items():
            for action in group:
                action.email_to = recipients[action.id]
            try:
                with self.env.cr.savepoint():
                    created = template.with_company(group.company_id).send_mail_batch(
                        group.ids, force_send=False, raise_exception=True, email_values={"recipient_ids": []}
                    )
            except Exception as error:  # retried one by one, to isolate the failing customer
                _logger.info("Batch rendering of %s failed (%s): sending one by one", template.name, error)
                self.env.invalidate_all()
                continue
            for mail in created:
                mails[mail.res_id] = mail
            for action in group:
                action.mail_message_id = mails[action.id].mail_message_id
        return mails

    @api.model
    def _send_action(self, action, email_queued=False):
        """Send one follow-up on each of its channels (its email unless queued already), apply the level effects."""
        by_email_only = action.notice_delivery == "email" and action.channel_letter and action.channel_email
        if by_email_only and action.partner_id._dunning_get_recipient_email():
            action.channel_letter = False  # a formal notice sent by email only: no letter goes out
        if action.channel_email and not email_queued:
            self._send_email(action)
        if action.channel_sms:
            self._send_sms(action)
        if action.channel_phone:
            self._schedule_call(action)
        if action.channel_letter:
            action.letter_state = "to_print"
        self._apply_level_effects(action)

    @api.model
    def _send_email(self, action):
        """Queue the email in the customer's language; without an address a letter replaces it."""
        recipient = action.partner_id._dunning_get_recipient_email()
        if not recipient:
            action.write({"channel_email": False, "channel_letter": True, "letter_fallback": True})
            action.message_post(body=self.env._("The customer has no email address: a letter replaces the email."))
            return
        action.email_to = recipient
        email_values = {"recipient_ids": []}
        if action.level_id.attach_invoices:
            email_values["attachment_ids"] = [
                fields.Command.link(attachment.id) for attachment in self._get_invoice_attachments(action)
            ]
        template = action.level_id.mail_template_id.with_company(action.company_id)
        mail = self.env["mail.mail"].browse(
            template.send_mail(action.id, force_send=False, raise_exception=True, email_values=email_values)
        )
        action.mail_message_id = mail.mail_message_id

    @api.model
    def _get_invoice_attachments(self, action):
        """PDF of each invoice of the follow-up: the one already issued, else a freshly rendered one."""
        attachments = self.env["ir.attachment"]
        report = self.env["ir.actions.report"]
        for move in action.move_ids:
            if move.invoice_pdf_report_id:
                attachments |= move.invoice_pdf_report_id
                continue
            content, _report_type = report._render_qweb_pdf("account.account_invoices", move.ids)
            attachments |= self.env["ir.attachment"].create(
                {
                    "name": f"{move._get_invoice_report_filename()}",
                    "raw": content,
                    "res_model": action._name,
                    "res_id": action.id,
                    "mimetype": "application/pdf",
                }
            )
        return attachments

    @api.model
    def _send_sms(self, action):
        """Queue the SMS with the payment link to the customer's mobile, never to its switchboard phone; a formal
        notice only to a mobile marked for follow-up SMS. Otherwise the SMS is left out and noted."""
        partner = action.partner_id
        number = partner.mobile
        if not number:
            action.channel_sms = False
            action.message_post(body=self.env._("The customer has no mobile number: no SMS was sent."))
            return
        if action.level_id.letter_variant == "formal_notice" and not partner.dunning_sms_mobile:
            action.channel_sms = False
            action.message_post(
                body=self.env._(
                    "The customer's mobile number is not marked for follow-up SMS: no formal-notice SMS was sent."
                )
            )
            return
        sanitized = partner._phone_format(number=number) or number
        body = action.level_id.sms_template_id._render_field("body", action.ids, compute_lang=True)[action.id]
        message = action._message_sms(body, partner_ids=[], sms_numbers=[sanitized], put_in_queue=True)
        action.sms_id = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)], limit=1)

    @api.model
    def _get_call_brief(self, action):
        """Call brief for the collections responsible: level, invoices and totals."""
        lines = Markup().join(
            Markup("<li>{}</li>").format(
                self.env._(
                    "%(invoice)s, due %(date)s: %(amount)s",
                    invoice=line["name"],
                    date=format_date(self.env, line["date_due"]),
                    amount=format_amount(self.env, line["amount"], line["currency"]),
                )
            )
            for line in action._get_portal_lines()
        )
        totals = ", ".join(
            format_amount(self.env, amount, currency) for currency, amount in action._get_totals_by_currency()
        )
        return Markup("<p>{}</p><ul>{}</ul><p>{}</p>").format(
            self.env._(
                "Call %(customer)s about its overdue invoices (%(level)s).",
                customer=action.partner_id.name,
                level=action.level_id.name,
            ),
            lines,
            self.env._("Total due: %(totals)s", totals=totals),
        )

    @api.model
    def _schedule_call(self, action):
        """Give the collections responsible a phone call activity with the call brief."""
        activity = action.activity_schedule(
            "mail.mail_activity_data_call",
            date_deadline=action.date,
            summary=self.env._("Follow-up call: %(level)s", level=action.level_id.name),
            note=self._get_call_brief(action),
            user_id=action._get_task_owner().id,
        )
        action.activity_id = activity

    @api.model
    def _apply_level_effects(self, action):
        """Level effects: put the customer on hold, send the invoices to litigation."""
        level = action.level_id
        if level.set_on_hold:
            # sudo: the hold is a follow-up effect; billing users may lack the contact-edition right
            action.partner_id.with_company(action.company_id).sudo().dunning_on_hold = True
        if level.to_litigation:
            action.move_ids.dunning_litigation = True
            action.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=action.date,
                summary=self.env._("Litigation: %(customer)s", customer=action.partner_id.name),
                note=self.env._("The invoices of this follow-up went to litigation: prepare the recovery file."),
                user_id=action._get_task_owner().id,
            )

    @api.model
    def _record_sent(self, actions):
        """The follow-ups are done: invoices remember their level and date; broken promises end.

        Written per level and date, and logged in the chatters of the follow-ups and invoices in one batch.
        """
        if not actions:
            return
        actions.write({"state": "done", "sent_date": fields.Date.context_today(self)})
        for (level, date), group in actions.grouped(lambda action: (action.level_id, action.date)).items():
            # follow-up fields only: no need to resynchronise the invoices' lines
            moves = group.move_ids.with_context(skip_invoice_sync=True)
            moves.write({"dunning_level_id": level.id, "dunning_last_date": date})
            moves.filtered(
                lambda move, date=date: not move.dunning_promise_ended_date
                and promise_ended_by_followup(move.dunning_promise_date, date)
            ).write({"dunning_promise_ended_date": date})
        bodies = {
            action.id: self.env._("Follow-up %(name)s sent: %(level)s.", name=action.name, level=action.level_id.name)
            for action in actions
        }
        move_bodies = {move.id: bodies[action.id] for action in actions for move in action.move_ids}
        actions._message_log_batch(bodies=bodies)
        actions.move_ids._message_log_batch(bodies=move_bodies)
