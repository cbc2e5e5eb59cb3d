from markupsafe import escape

from odoo import api, models
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

#: the columns of mail_message the run writes, and their values when a row does not give them (as mail.message's
#: defaults: not internal, signature added; "now" is filled in)
MESSAGE_DEFAULTS = {
    "model": None,
    "res_id": None,
    "body": "",
    "message_type": "notification",
    "subtype_id": None,
    "author_id": None,
    "email_from": None,
    "reply_to": None,
    "message_id": None,
    "subject": None,
    "record_name": None,
    "mail_server_id": None,
    "is_internal": False,
    "email_add_signature": True,
    "record_alias_domain_id": None,
    "record_company_id": None,
}
#: the columns of mail_mail the run writes for an email queued
MAIL_COLUMNS = ("mail_message_id", "body_html", "email_to", "email_cc", "state", "auto_delete", "is_notification")
#: the columns a tracking value may fill (mail.tracking.value._create_tracking_values())
TRACKING_COLUMNS = (
    "field_id",
    "currency_id",
    "old_value_integer",
    "new_value_integer",
    "old_value_float",
    "new_value_float",
    "old_value_char",
    "new_value_char",
    "old_value_text",
    "new_value_text",
    "old_value_datetime",
    "new_value_datetime",
)


class AccountDunningRun(models.AbstractModel):
    _inherit = "account.dunning.run"  # pylint: disable=consider-merging-classes-inherited

    # The chatter of a run, written in a few INSERTs per batch. Through the ORM, each message of a follow-up and of its
    # invoices costs about a millisecond of Python (defaults, its body sanitized three times, its tracking values
    # created one query each) and an email three sanitizations of its body: with a creation note, an email, a "sent"
    # note, a tracking message and a note per invoice, that was most of the run's time per customer. These methods
    # write the same rows Odoo would (same columns, bodies sanitized once with the field's own rules, same authors,
    # message ids and reply-to addresses), then invalidate the caches of the documents, as mail.message.create does.

    @api.model
    def _insert_messages(self, rows):
        """Insert mail.message rows (dicts of MESSAGE_DEFAULTS columns) in two queries; returns their ids in order."""
        if not rows:
            return []
        ids = [
            row[0]
            for row in self.env.execute_query(
                SQL("SELECT nextval('mail_message_id_seq') FROM generate_series(1, %s)", len(rows))
            )
        ]
        now, uid = self.env.cr.now(), self.env.uid
        columns = list(MESSAGE_DEFAULTS)
        values = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s, %s, %s)",
                SQL(", ").join([message_id, *(row.get(col, MESSAGE_DEFAULTS[col]) for col in columns)]),
                now,
                now,
                now,
                uid,
                uid,
            )
            for message_id, row in zip(ids, rows, strict=True)
        )
        self.env.cr.execute(
            SQL(
                "INSERT INTO mail_message (id, %s, date, create_date, write_date, create_uid, write_uid) VALUES %s",
                SQL(", ").join(SQL.identifier(col) for col in columns),
                values,
            )
        )
        for model, group in _group_by_model(rows).items():
            if model in self.env:
                self.env[model].browse(group).invalidate_recordset(
                    ["message_ids", "message_needaction", "message_needaction_counter"]
                )
        return ids

    @api.model
    def _log_notes(self, records, bodies):
        """Log notes on documents as mail.thread._message_log_batch() does (bodies: {record id: text}), in one batch."""
        rows = self._note_rows(records, bodies)
        return self._insert_messages(rows)

    @api.model
    def _note_rows(self, records, bodies):
        """The rows of _message_log_batch(): a note (mail.mt_note) by the current user, internal, without signature."""
        author_id, email_from = records._message_compute_author(None, None, raise_on_email=False)
        body_field = self.env["mail.message"]._fields["body"]
        sanitized = {}
        base = {
            "model": records._name,
            "author_id": author_id,
            "email_from": email_from,
            "message_type": "notification",
            "is_internal": True,
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
            "email_add_signature": False,
            "message_id": generate_tracking_message_id("message-notify"),
            "reply_to": self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False],
        }
        rows = []
        for record in records:
            text = str(escape(bodies.get(record.id, "")))
            if text not in sanitized:
                sanitized[text] = body_field.convert_to_cache(text, self.env["mail.message"]) or ""
            rows.append(dict(base, res_id=record.id, body=sanitized[text]))
        return rows

    @api.model
    def _log_tracking_values(self, records, tracking):
        """One tracking message per record, as Odoo's tracking logs it at commit (tracking: {record id: the
        (0, 0, values) commands of its tracking values}): an empty note carrying the values."""
        ids = self._insert_messages(self._note_rows(records.browse(list(tracking)), {}))
        values = [
            (message_id, command[2])
            for message_id, commands in zip(ids, tracking.values(), strict=True)
            for command in commands
        ]
        if not values:
            return
        now, uid = self.env.cr.now(), self.env.uid
        self.env.cr.execute(
            SQL(
                "INSERT INTO mail_tracking_value (mail_message_id, %s, create_date, write_date, create_uid, write_uid) "
                "VALUES %s",
                SQL(", ").join(SQL.identifier(col) for col in TRACKING_COLUMNS),
                SQL(", ").join(
                    SQL(
                        "(%s, %s, %s, %s, %s, %s)",
                        message_id,
                        SQL(", ").join(vals.get(col) for col in TRACKING_COLUMNS),
                        now,
                        now,
                        uid,
                        uid,
                    )
                    for message_id, vals in values
                ),
            )
        )

    @api.model
    def _insert_emails(self, template, actions):
        """Render a template for follow-ups and queue their emails as send_mail_batch() does for a template without
        layout nor attachments (checked by the caller): {action id: mail.mail}."""
        template._send_check_access(actions.ids)
        rendered = template._generate_template(
            actions.ids,
            ("auto_delete", "body_html", "email_cc", "email_from", "email_to", "mail_server_id", "reply_to", "subject"),
        )
        message_model = self.env["mail.message"]
        body_field = message_model._fields["body"]
        author_id = self.env.user.partner_id.id
        rows = []
        for action in actions:
            values = {key: _column(value) for key, value in rendered[action.id].items()}
            message = {"model": actions._name, "res_id": action.id, "message_type": "email_outgoing"}
            rows.append(
                {
                    **message,
                    "body": body_field.convert_to_cache(values.get("body_html") or "", message_model) or "",
                    "subject": values.get("subject"),
                    "email_from": values.get("email_from"),
                    "reply_to": values.get("reply_to"),
                    "mail_server_id": values.get("mail_server_id"),
                    "author_id": author_id,
                    "message_id": message_model._get_message_id(message),
                    "record_name": message_model._get_record_name(message) or None,
                }
            )
        message_ids = self._insert_messages(rows)
        mail_ids = self._insert_mails(
            [
                (
                    message_id,
                    rendered[action.id].get("body_html") or "",
                    _column(rendered[action.id].get("email_to")),
                    _column(rendered[action.id].get("email_cc")),
                    "outgoing",
                    bool(rendered[action.id].get("auto_delete")),
                    False,
                )
                for action, message_id in zip(actions, message_ids, strict=True)
            ]
        )
        # sudo: the queued emails, as send_mail_batch() returns them (users do not read mail.mail)
        mails = self.env["mail.mail"].sudo().browse(mail_ids)
        return {action.id: mail for action, mail in zip(actions, mails, strict=True)}

    @api.model
    def _insert_mails(self, rows):
        """Insert mail_mail rows (tuples of MAIL_COLUMNS) in one query; returns their ids in order."""
        now, uid = self.env.cr.now(), self.env.uid
        inserted = self.env.execute_query(
            SQL(
                "INSERT INTO mail_mail (%s, create_date, write_date, create_uid, write_uid) VALUES %s RETURNING id",
                SQL(", ").join(SQL.identifier(col) for col in MAIL_COLUMNS),
                SQL(", ").join(SQL("(%s, %s, %s, %s, %s)", SQL(", ").join(row), now, now, uid, uid) for row in rows),
            )
        )
        return [row[0] for row in inserted]

    @api.model
    def _can_insert_emails(self, template):
        """Whether the template's emails are queued as the run inserts them: no layout, no attachment, no report,
        no recipient partner and no scheduled date (else Odoo's send_mail_batch() queues them)."""
        return not (
            template.email_layout_xmlid
            or template.attachment_ids
            or template.report_template_ids
            or template.partner_to
            or template.scheduled_date
            or template.use_default_to
        )

    @api.model
    def _write_per_record(self, records, fname, values):
        """Write a plain column of records, a different value each ({record id: value}), in one query (the ORM
        writes them one by one, each through the mail thread's write); caches invalidated as the ORM would."""
        if not values:
            return
        records.flush_recordset([fname])
        self.env.cr.execute(
            SQL(
                "UPDATE %s AS t SET %s = v.value, write_date = %s, write_uid = %s "
                "FROM (VALUES %s) AS v(id, value) WHERE t.id = v.id",
                SQL.identifier(records._table),
                SQL.identifier(fname),
                self.env.cr.now(),
                self.env.uid,
                SQL(", ").join(SQL("(%s, %s)", record_id, value) for record_id, value in values.items()),
            )
        )
        records.browse(list(values)).invalidate_recordset([fname, "write_date", "write_uid"])


def _column(value):
    """A rendered value as the ORM stores it: False and None become NULL, anything else (an empty string too) stays."""
    return None if value is None or value is False else value


def _group_by_model(rows):
    """{model: [res ids]} of message rows."""
    groups = {}
    for row in rows:
        groups.setdefault(row.get("model"), []).append(row.get("res_id"))
    return groups
