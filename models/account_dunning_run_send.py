import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_amount, format_date

_logger = logging.getLogger(__name__)


class AccountDunningRun(models.AbstractModel):
    _inherit = "account.dunning.run"  # pylint: disable=consider-merging-classes-inherited

    # Send: carry the recorded follow-ups out on their channels, apply the level effects, record them as sent. Each
    # step works on the whole batch (a few queries per batch, not per customer); the follow-ups' own fields are
    # written without Odoo's per-record tracking, and their tracking messages are logged at the end in one batch
    # (account_dunning_run_chatter.py), with the same content.

    @api.model
    def _send_actions(self, actions):
        """Carry out the follow-ups on their channels; a failing customer is rolled back alone and marked failed.

        Emails are rendered and queued per template for the whole batch, then the other channels and level effects
        run for the whole batch in one savepoint; if that fails, they run again customer by customer, each in its
        own savepoint, and a customer failing there loses its queued email too.
        """
        actions._dunning_ensure_page_access()
        for company, company_actions in actions.grouped("company_id").items():
            company_actions = company_actions.with_company(company)
            initial = self._get_tracked_values(company_actions)
            quiet = company_actions.with_context(mail_notrack=True)
            self._ensure_portal_tokens(quiet.move_ids)
            mails = self._queue_emails(quiet)
            sent = self._carry_out(quiet, mails)
            self._record_sent(sent)
            self._log_tracking(company_actions, initial)

    @api.model
    def _carry_out(self, actions, mails):
        """The channels and level effects of the follow-ups left after the emails, for the batch at once, else one by
        one; returns the follow-ups sent (the others are marked failed)."""
        own = actions.filtered(lambda action: self._needs_own_step(action, email_queued=action.id in mails))
        if not own:
            return actions
        try:
            with self.env.cr.savepoint():
                self._send_steps(own, mails)
            return actions
        except Exception as error:  # retried one by one below, where each failure is isolated
            _logger.info("Follow-ups of the batch sent one by one after an error: %s", error)
            self.env.invalidate_all()
        sent = actions - own
        for action in own:
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
        return sent

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
        self._write_per_record(
            candidates,
            "email_to",
            {action.id: recipients[action.id] for action in candidates if action.email_to != recipients[action.id]},
        )
        for template, group in candidates.grouped(lambda action: action.level_id.mail_template_id).items():
            template = template.with_company(group.company_id)
            try:
                with self.env.cr.savepoint():
                    if self._can_insert_emails(template):
                        created = self._insert_emails(template, group)
                    else:
                        created = {
                            mail.res_id: mail
                            for mail in template.send_mail_batch(
                                group.ids, force_send=False, raise_exception=True, email_values={"recipient_ids": []}
                            )
                        }
            except Exception as error:  # retried one by one, to isolate the failing customer
                _logger.info("Batch rendering of %s failed (%s): sending one by one", template.name, error)
                self.env.invalidate_all()
                continue
            mails.update(created)
            self._write_per_record(
                group, "mail_message_id", {action.id: mails[action.id].mail_message_id.id for action in group}
            )
        return mails

    @api.model
    def _send_action(self, action, email_queued=False):
        """Send one follow-up on each of its channels (its email unless queued already), apply the level effects."""
        self._send_steps(action, {action.id: True} if email_queued else {})

    @api.model
    def _send_steps(self, actions, mails):
        """Send follow-ups on their channels other than the emails queued (mails: {action id: mail}) and apply the
        level effects, for the batch at once."""
        by_email_only = actions.filtered(
            lambda action: action.notice_delivery == "email"
            and action.channel_letter
            and action.channel_email
            and action.partner_id._dunning_get_recipient_email()
        )
        by_email_only.channel_letter = False  # formal notices sent by email only: no letter goes out
        for action in actions.filtered(lambda action: action.channel_email and action.id not in mails):
            self._send_email(action)
        for action in actions.filtered("channel_sms"):
            self._send_sms(action)
        self._schedule_calls(actions.filtered("channel_phone"))
        actions.filtered("channel_letter").letter_state = "to_print"
        self._apply_level_effects(actions)

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
    def _schedule_calls(self, actions):
        """Give the collections responsibles a phone call task per follow-up, with the call brief, in one batch and
        without an "assigned to you" notification each: the collector finds them in My Work."""
        activities = self._schedule_tasks(
            actions,
            "mail.mail_activity_data_call",
            lambda action: self.env._("Follow-up call: %(level)s", level=action.level_id.name),
            self._get_call_brief,
        )
        self._write_per_record(
            actions,
            "activity_id",
            {action.id: activity.id for action, activity in zip(actions, activities, strict=True)},
        )

    @api.model
    def _schedule_tasks(self, actions, activity_xmlid, summary, note):
        """One activity per follow-up for its task owner, due on its date (summary and note: functions of the
        follow-up), created in one batch without notifications."""
        if not actions:
            return self.env["mail.activity"]
        activity_type = self.env.ref(activity_xmlid)
        model_id = self.env["ir.model"]._get_id(actions._name)
        return (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(
                [
                    {
                        "activity_type_id": activity_type.id,
                        "summary": summary(action),
                        "note": note(action),
                        "automated": True,
                        "date_deadline": action.date,
                        "res_model_id": model_id,
                        "res_id": action.id,
                        "user_id": action._get_task_owner().id,
                    }
                    for action in actions
                ]
            )
        )

    @api.model
    def _apply_level_effects(self, actions):
        """Level effects: put the customers on hold, send the invoices to litigation (the follow-ups of a batch)."""
        holds = actions.filtered(lambda action: action.level_id.set_on_hold)
        for company, group in holds.grouped("company_id").items():
            # sudo: the hold is a follow-up effect; billing users may lack the contact-edition right
            partners = self.env["res.partner"].browse(group.partner_id.ids).with_company(company).sudo()
            partners.filtered(lambda partner: not partner.dunning_on_hold).dunning_on_hold = True
        litigation = actions.filtered(lambda action: action.level_id.to_litigation)
        if litigation:
            self.env["account.move"].browse(litigation.move_ids.ids).dunning_litigation = True
            self._schedule_tasks(
                litigation,
                "mail.mail_activity_data_todo",
                lambda action: self.env._("Litigation: %(customer)s", customer=action.partner_id.name),
                lambda action: self.env._(
                    "The invoices of this follow-up went to litigation: prepare the recovery file."
                ),
            )
