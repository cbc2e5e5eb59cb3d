import logging
import threading
from collections import defaultdict

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_amount, format_date, mute_logger, split_every

_logger = logging.getLogger(__name__)

# Namespace of the advisory locks taken on customers by the follow-up run (first key of the two-key form).
DUNNING_LOCK_NAMESPACE = 74_240_417


class AccountDunningRun(models.AbstractModel):
    _name = "account.dunning.run"
    _description = "Customer Follow-up Run"

    _batch_size = 200

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    @api.model
    def _cron_run_followups(self):
        """Daily job: run the follow-ups of every company for today, committing batch per batch."""
        today = fields.Date.context_today(self)
        # the job works for every company, whatever the companies of the cron's user
        for company in self.env["res.company"].sudo().search([("id", "!=", False)]):
            self.sudo().with_context(dunning_cron=True).run_followups(company, today)
        # the new letters get their PDF right away, in the letters' own job
        letters_cron = self.env.ref("account_dunning.ir_cron_account_dunning_render_letters", raise_if_not_found=False)
        if letters_cron:
            letters_cron._trigger()

    @api.model
    def run_followups(self, company, date, preview=False):
        """Run the follow-ups of a company at a date, or only say what would be done when previewing.

        Returns a dict: ``followups`` (one dict per customer followed up: partner, scenario, level,
        channels, moves, amount, action) and ``skipped`` (one dict per customer left out: partner, reason).
        """
        self = self.with_company(company)
        company = self.env.company
        result = {"followups": [], "skipped": []}
        partner_ids = self._select_partner_ids(company, date)
        # commit per batch only in the cron (never inside tests, whose cursor cannot commit)
        cron_mode = (
            self.env.context.get("dunning_cron")
            and not preview
            and not getattr(threading.current_thread(), "testing", False)
        )
        done = 0
        for batch_ids in split_every(self._batch_size, partner_ids):
            moves = self._select_moves(company, date, batch_ids)
            followups, skipped = self._decide(company, date, moves)
            result["skipped"] += skipped
            if preview:
                result["followups"] += followups
            else:
                self._flag_to_reconcile(company, moves.commercial_partner_id, skipped)
                acted = self._act(company, date, followups)
                result["followups"] += [followup for followup in acted if followup["action"]]
                result["skipped"] += [followup for followup in acted if not followup["action"]]
            done += len(batch_ids)
            if self.env.context.get("dunning_cron") and not preview:
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(partner_ids) - done)
            if cron_mode:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return result

    # ------------------------------------------------------------------
    # Select
    # ------------------------------------------------------------------
    @api.model
    def _get_open_invoice_domain(self, company, date):
        """Posted, unpaid customer invoices of the company that may have reached a level at that date."""
        scenarios = self.env["account.dunning.scenario"].search([("company_id", "=", company.id)])
        earliest = min(scenarios.level_ids.mapped("trigger_days") or [0])
        return [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "<=", fields.Date.subtract(date, days=min(earliest, 0))),
        ]

    @api.model
    def _select_partner_ids(self, company, date):
        """Customers with open invoices that may be due for a follow-up, in one grouped query."""
        groups = self.env["account.move"]._read_group(
            self._get_open_invoice_domain(company, date), ["commercial_partner_id"]
        )
        return sorted(partner.id for (partner,) in groups)

    @api.model
    def _select_moves(self, company, date, partner_ids):
        """Open invoices of a batch of customers."""
        domain = [*self._get_open_invoice_domain(company, date), ("commercial_partner_id", "in", partner_ids)]
        return self.env["account.move"].search(domain, order="invoice_date_due, id")

    @api.model
    def _get_outstanding_credits(self, company, partners):
        """Unreconciled payments and credit notes per customer, in company currency (one grouped query)."""
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partners.ids),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "<", 0),
            ],
            ["partner_id"],
            ["amount_residual:sum"],
        )
        return {partner.id: -amount for partner, amount in groups}

    @api.model
    def _get_history(self, company, date, partners):
        """Per customer: date of the last follow-up, pending validation, already followed up that day."""
        groups = self.env["account.dunning.action"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partners.ids),
                ("state", "in", ("to_validate", "done", "cancelled")),
            ],
            ["partner_id", "state"],
            ["date:max"],
        )
        history = defaultdict(lambda: {"last_date": False, "pending": False, "today": False})
        for partner, state, last_date in groups:
            entry = history[partner.id]
            entry["last_date"] = max(entry["last_date"] or last_date, last_date)
            if state == "to_validate":
                entry["pending"] = True
            if state in ("to_validate", "done") and last_date == date:
                entry["today"] = True
        return history

    @api.model
    def _get_scenarios_by_segment(self, company):
        """Active scenario serving each risk segment code in the company."""
        scenarios = self.env["account.dunning.scenario"].search([("company_id", "=", company.id)])
        return {segment.code: scenario for scenario in scenarios for segment in scenario.segment_ids}

    # ------------------------------------------------------------------
    # Decide
    # ------------------------------------------------------------------
    @api.model
    def _decide(self, company, date, moves):
        """Per customer: the level due and the invoices it covers, or why nothing is sent."""
        partners = moves.commercial_partner_id.with_company(company)
        credits = self._get_outstanding_credits(company, partners)
        history = self._get_history(company, date, partners)
        scenarios_by_segment = self._get_scenarios_by_segment(company)
        moves_by_partner = defaultdict(lambda: self.env["account.move"])
        for move in moves:
            moves_by_partner[move.commercial_partner_id.id] |= move
        followups, skipped = [], []
        for partner in partners:
            decision = self._decide_partner(
                company,
                date,
                partner,
                moves_by_partner[partner.id],
                scenario=partner.dunning_scenario_id or scenarios_by_segment.get(partner.dunning_segment or "new"),
                credit=credits.get(partner.id, 0.0),
                history=history[partner.id],
            )
            if decision.get("reason"):
                skipped.append(decision)
            elif decision.get("level"):
                followups.append(decision)
        return followups, skipped

    @api.model
    def _is_move_followed(self, move, date):
        """An invoice is followed up unless disputed, in litigation, under a running promise or paid."""
        if move.dunning_dispute or move.dunning_litigation or move.payment_state == "in_payment":
            return False
        if move.dunning_promise_date and move.dunning_promise_date >= date:
            return False
        return not (
            move.currency_id.is_zero(move.amount_residual)
            or move.company_currency_id.is_zero(move.amount_residual_signed)
        )

    @api.model
    def _get_reached_rank(self, levels, move, date, tolerance):
        """Highest level reached by an invoice: due date + tolerance + level trigger <= date (-1: none)."""
        days = (date - move.invoice_date_due).days - tolerance
        reached = -1
        for rank, level in enumerate(levels):
            if level.trigger_days <= days:
                reached = rank
        return reached

    @api.model
    def _get_level_rank(self, level):
        """Position of a level in the ladder of its own scenario (-1 without level)."""
        if not level:
            return -1
        return level.scenario_id._get_ordered_levels().ids.index(level.id)

    @api.model
    def _get_target_rank(self, levels, previous, reached):
        """Escalate one level at a time, unless a level between allows direct entry."""
        for rank in range(reached, previous + 1, -1):
            if levels[rank].direct_entry:
                return rank
        return previous + 1

    @api.model
    def _get_tolerance(self, company, partner):
        """The customer's personal tolerance; one never classified yet (no segment) gets the new-customer one."""
        if not partner.dunning_segment:
            return company.dunning_tolerance_new_days
        return partner.dunning_tolerance_days

    @api.model
    def _decide_partner(self, company, date, partner, moves, scenario, credit, history):
        """Decide one customer's follow-up; returns a dict with a level, a skip reason, or neither."""
        decision = {"partner": partner, "moves": self.env["account.move"], "level": False, "reason": False}
        if partner.dunning_excluded:
            return dict(decision, reason="excluded")
        if not scenario or not scenario.level_ids:
            return decision
        levels = scenario._get_ordered_levels()
        tolerance = self._get_tolerance(company, partner)
        reached_by_move = {}
        for move in moves:
            if self._is_move_followed(move, date):
                rank = self._get_reached_rank(levels, move, date, tolerance)
                if rank >= 0:
                    reached_by_move[move] = rank
        if not reached_by_move:
            return decision
        followed = self.env["account.move"].union(*reached_by_move)
        amount = sum(followed.mapped("amount_residual_signed"))
        decision.update(moves=followed, amount=amount, scenario=scenario)
        if history["today"]:
            return dict(decision, reason="already_done")
        if history["pending"]:
            return dict(decision, reason="pending")
        if company.currency_id.compare_amounts(amount, company.dunning_min_amount) < 0:
            return dict(decision, reason="below_minimum")
        if company.currency_id.compare_amounts(credit, amount) >= 0:
            return dict(decision, reason="to_reconcile")
        previous = max(min(self._get_level_rank(move.dunning_level_id), len(levels) - 1) for move in followed)
        reached = max(reached_by_move.values())
        broken_promise = any(move.dunning_promise_date and not move._dunning_promise_is_kept() for move in followed)
        if broken_promise:
            target = min(previous + 1, len(levels) - 1)
        else:
            if reached <= previous:
                return decision
            target = self._get_target_rank(levels, previous, reached)
            last_date = history["last_date"]
            if last_date and (date - last_date).days < levels[target].interval_days:
                return dict(decision, reason="interval")
        return dict(decision, level=levels[target], broken_promise=broken_promise)

    @api.model
    def _get_skip_reasons(self):
        """Labels of the reasons why a customer is not followed up."""
        return {
            "excluded": self.env._("Customer excluded from follow-ups"),
            "already_done": self.env._("Already followed up at this date"),
            "pending": self.env._("A follow-up is waiting for validation"),
            "below_minimum": self.env._("Total due below the company minimum"),
            "to_reconcile": self.env._("Unreconciled payments or credit notes cover the amount due"),
            "interval": self.env._("Too soon after the previous follow-up"),
            "locked": self.env._("Handled by another run at the same time"),
            "error": self.env._("The follow-up could not be recorded (see the server log)"),
        }

    # ------------------------------------------------------------------
    # Act
    # ------------------------------------------------------------------
    @api.model
    def _flag_to_reconcile(self, company, partners, skipped):
        """Flag the customers whose unreconciled payments cover the overdue amount, unflag the others."""
        flagged = self.env["res.partner"].union(
            *(entry["partner"] for entry in skipped if entry["reason"] == "to_reconcile")
        )
        partners = partners.with_company(company)
        (partners - flagged).filtered("dunning_to_reconcile").dunning_to_reconcile = False
        flagged.with_company(company).filtered(lambda partner: not partner.dunning_to_reconcile).write(
            {"dunning_to_reconcile": True}
        )

    @api.model
    def _try_lock_partner(self, partner):
        """Lock a customer for this transaction; False when another run holds it."""
        return partner.id in self._try_lock_partners(partner)

    @api.model
    def _try_lock_partners(self, partners):
        """Lock many customers for this transaction in one query; returns the ids locked (others are busy)."""
        if not partners:
            return set()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM unnest(%s::int[]) AS id WHERE pg_try_advisory_xact_lock(%s, id)",
                partners.ids,
                DUNNING_LOCK_NAMESPACE,
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _act(self, company, date, followups):
        """Record the follow-ups of a batch of customers, then send those that need no validation.

        Each follow-up dict gets its ``action`` (empty when not recorded, with a ``reason``).
        """
        action_model = self.env["account.dunning.action"]
        locked = self._try_lock_partners(action_model.env["res.partner"].union(*(f["partner"] for f in followups)))
        to_record = []
        for followup in followups:
            followup["action"] = action_model
            if followup["partner"].id in locked:
                to_record.append(followup)
            else:
                followup["reason"] = "locked"
        self._record_actions(company, date, to_record)
        if company.dunning_send_enabled:
            self._send_actions(
                action_model.union(*(f["action"] for f in to_record)).filtered(
                    lambda action: not action.level_id.need_validation
                )
            )
        return followups

    @api.model
    def _record_actions(self, company, date, followups):
        """Create the follow-up records of a batch at once; if that fails, one by one so that only the
        customers at fault (a follow-up already recorded by a concurrent run, bad data) are left out."""
        if not followups:
            return
        action_model = self.env["account.dunning.action"]
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                actions = action_model.create(
                    [self._prepare_action_vals(company, date, followup) for followup in followups]
                )
                actions.flush_recordset()
        except Exception:  # retried one by one below, where each failure is reported
            self.env.invalidate_all()
        else:
            for followup, action in zip(followups, actions, strict=True):
                followup["action"] = action
            return
        for followup in followups:
            try:
                with self.env.cr.savepoint():
                    action = action_model.create(self._prepare_action_vals(company, date, followup))
                    action.flush_recordset()
            except psycopg2.errors.UniqueViolation:
                followup["reason"] = "already_done"
                continue
            except Exception as error:  # one customer's bad data must not stop the run
                _logger.warning("Follow-up of %s could not be recorded: %s", followup["partner"].name, error)
                self.env.invalidate_all()
                followup["reason"] = "error"
                continue
            followup["action"] = action

    @api.model
    def _prepare_action_vals(self, company, date, followup):
        """Values of the follow-up record: customer, level, channels and the invoices with their amounts."""
        level = followup["level"]
        partner = followup["partner"]
        vals = {
            "partner_id": partner.id,
            "company_id": company.id,
            "date": date,
            "level_id": level.id,
            "scenario_id": level.scenario_id.id,
            "user_id": partner.with_company(company)._dunning_get_responsible().id,
            "move_ids": [fields.Command.set(followup["moves"].ids)],
            "line_ids": [
                fields.Command.create(
                    {
                        "move_id": move.id,
                        "currency_id": move.currency_id.id,
                        "amount_residual": move.amount_residual,
                        "amount_residual_company": move.amount_residual_signed,
                        "date_due": move.invoice_date_due,
                        "days_overdue": (date - move.invoice_date_due).days,
                    }
                )
                for move in followup["moves"]
            ],
        }
        vals.update({f"channel_{channel}": True for channel in level._get_channels()})
        return vals

    @api.model
    def _send_actions(self, actions):
        """Carry out the follow-ups on their channels; a failing customer is rolled back alone and marked failed.

        Emails are rendered and queued per template for the whole batch; each customer's other channels and
        level effects then run in its own savepoint, and a customer failing there loses its queued email too.
        """
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
                    _logger.warning("Follow-up %s for %s failed: %s", action.name, action.partner_id.name, error)
                    self.env.invalidate_all()
                    if action.id in mails:
                        # sudo: the queued email of a failed follow-up is withdrawn, whoever runs it
                        mails[action.id].mail_message_id.sudo().unlink()
                    action.write({"state": "failed", "failure_reason": str(error), "mail_message_id": False})
                    action.message_post(
                        body=self.env._("The follow-up could not be sent: %(reason)s", reason=str(error))
                    )
            self._record_sent(sent)

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
        """Queue the SMS with the payment link; without a mobile number the SMS is left out and noted."""
        partner = action.partner_id
        number = partner.mobile or partner.phone
        if not number:
            action.channel_sms = False
            action.message_post(body=self.env._("The customer has no phone number: no SMS was sent."))
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
            user_id=(action.user_id or self.env.user).id,
        )
        action.activity_id = activity

    @api.model
    def _apply_level_effects(self, action):
        """Level effects: put the customer on hold, send the invoices to litigation."""
        level = action.level_id
        if level.set_on_hold:
            action.partner_id.with_company(action.company_id).dunning_on_hold = True
        if level.to_litigation:
            action.move_ids.dunning_litigation = True
            action.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=action.date,
                summary=self.env._("Litigation: %(customer)s", customer=action.partner_id.name),
                note=self.env._("The invoices of this follow-up went to litigation: prepare the recovery file."),
                user_id=(action.user_id or self.env.user).id,
            )

    @api.model
    def _record_sent(self, actions):
        """The follow-ups are done: invoices remember their level and date; broken promises are cleared.

        Written per level and date, and logged in the chatters of the follow-ups and invoices in one batch.
        """
        if not actions:
            return
        actions.write({"state": "done"})
        for (level, date), group in actions.grouped(lambda action: (action.level_id, action.date)).items():
            # follow-up fields only: no need to resynchronise the invoices' lines
            moves = group.move_ids.with_context(skip_invoice_sync=True)
            moves.write({"dunning_level_id": level.id, "dunning_last_date": date})
            moves.filtered(
                lambda move, date=date: move.dunning_promise_date and move.dunning_promise_date < date
            ).write({"dunning_promise_date": False, "dunning_promise_amount": 0.0, "dunning_promise_residual": 0.0})
        bodies = {
            action.id: self.env._("Follow-up %(name)s sent: %(level)s.", name=action.name, level=action.level_id.name)
            for action in actions
        }
        move_bodies = {move.id: bodies[action.id] for action in actions for move in action.move_ids}
        actions._message_log_batch(bodies=bodies)
        actions.move_ids._message_log_batch(bodies=move_bodies)
