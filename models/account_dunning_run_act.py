import logging

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL, mute_logger

from .account_dunning_run import DUNNING_LOCK_NAMESPACE

_logger = logging.getLogger(__name__)


class AccountDunningRun(models.AbstractModel):
    _inherit = "account.dunning.run"  # pylint: disable=consider-merging-classes-inherited

    # Act: lock the customers, record their follow-ups, then hand them to the channels (account_dunning_run_send.py).
    @api.model
    def _flag_to_reconcile(self, company, partners, skipped):
        """Flag the customers whose unreconciled payments cover the overdue amount, unflag the others."""
        flagged = self.env["res.partner"].union(
            *(entry["partner"] for entry in skipped if entry["reason"] == "to_reconcile")
        )
        # sudo: the flag is the run's bookkeeping; billing users may lack the contact-edition right
        partners = partners.with_company(company).sudo()
        flagged = flagged.sudo()
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
        """Record the follow-ups of a batch of customers, then send those that need no validation (neither by their
        level nor for a reason of their own, such as a debtor type to confirm).

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
                    lambda action: not action.level_id.need_validation and not action.validation_reason
                )
            )
        return followups

    @api.model
    def _record_actions(self, company, date, followups):
        """Record the follow-ups of a batch: a customer whose follow-up at this level failed before gets it again
        on that same record (its attempts counted); the others are created at once, or one by one if that fails
        so that only the customers at fault (a follow-up already recorded by a concurrent run, bad data) are left
        out."""
        retries = [followup for followup in followups if followup.get("retry_action")]
        for followup in retries:
            action = followup["retry_action"]
            # sudo: follow-up lines are written by the run only (billing users read them)
            action.sudo().write(self._prepare_retry_vals(company, date, followup, action))
            followup["action"] = action
        new = [followup for followup in followups if not followup.get("retry_action")]
        if new:
            self._create_actions(company, date, new)

    @api.model
    def _create_actions(self, company, date, followups):
        """Create new follow-up records, all at once or, if that fails, one by one; their chatter (creation note,
        followers) is written for the batch afterwards (account_dunning_run_record.py)."""
        # sudo: follow-ups are created by the run only (its caller was checked); the creator stays the user
        action_model = self.env["account.dunning.action"].sudo().with_context(tracking_disable=True)
        vals_list = [self._prepare_action_vals(company, date, followup) for followup in followups]
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                invoices = [(vals.pop("move_ids"), vals.pop("line_ids")) for vals in vals_list]
                actions = action_model.create(vals_list)
                actions.flush_recordset()
                self._insert_action_invoices(actions, invoices)
        except Exception:  # retried one by one below, where each failure is reported
            self.env.invalidate_all()
        else:
            actions = actions.with_env(self.env)
            for followup, action in zip(followups, actions, strict=True):
                followup["action"] = action
            self._log_creation(actions.sudo())
            return
        self._create_actions_one_by_one(action_model, company, date, followups)

    @api.model
    def _insert_action_invoices(self, actions, invoices):
        """The invoices of new follow-ups and their lines, in two INSERTs for the batch, and their totals (the ORM
        writes them follow-up by follow-up, through the relation's and the lines' own create). invoices: per
        follow-up, the (move_ids, line_ids) commands of _prepare_action_vals(). The run puts in a follow-up the
        invoices of its own customer only (the constraint of the follow-up, checked by the ORM path)."""
        now, uid = self.env.cr.now(), self.env.uid
        links, lines, totals = [], [], {}
        for action, (move_commands, line_commands) in zip(actions, invoices, strict=True):
            links += [(action.id, move_id) for command in move_commands for move_id in command[2]]
            currency = action.company_id.currency_id
            totals[action.id] = currency.round(sum(command[2]["amount_residual_company"] for command in line_commands))
            lines += [
                SQL(
                    "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    action.id,
                    action.company_id.id,
                    vals["move_id"],
                    vals["currency_id"],
                    vals["amount_residual"],
                    vals["amount_residual_company"],
                    vals["date_due"],
                    vals["days_overdue"],
                    now,
                    now,
                    uid,
                    uid,
                )
                for _command, _id, vals in line_commands
            ]
        self.env.cr.execute(
            SQL(
                "INSERT INTO account_dunning_action_account_move_rel (action_id, move_id) VALUES %s",
                SQL(", ").join(SQL("(%s, %s)", *link) for link in links),
            )
        )
        self.env.cr.execute(
            SQL(
                "INSERT INTO account_dunning_action_line (action_id, company_id, move_id, currency_id, "
                "amount_residual, amount_residual_company, date_due, days_overdue, create_date, write_date, "
                "create_uid, write_uid) "
                "VALUES %s",
                SQL(", ").join(lines),
            )
        )
        self._write_per_record(actions, "amount_total", totals)
        actions.invalidate_recordset(["move_ids", "line_ids", "amount_total"])
        self.env["account.move"].browse({move_id for _action_id, move_id in links}).invalidate_recordset(
            ["dunning_action_ids"]
        )

    @api.model
    def _create_actions_one_by_one(self, action_model, company, date, followups):
        """Create the follow-ups one by one, each in a savepoint: only the customers at fault are left out."""
        for followup in followups:
            try:
                with self.env.cr.savepoint():
                    action = action_model.create(self._prepare_action_vals(company, date, followup))
                    action.flush_recordset()
            except psycopg2.errors.UniqueViolation:
                followup["reason"] = "already_done"
                continue
            except Exception as error:  # one customer's bad data must not stop the run
                _logger.warning("Follow-up of customer %s could not be recorded: %s", followup["partner"].id, error)
                self.env.invalidate_all()
                followup["reason"] = "error"
                continue
            followup["action"] = action.with_env(self.env)
        self._log_creation(self.env["account.dunning.action"].sudo().union(*(f["action"] for f in followups)))

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
                fields.Command.create(self._prepare_line_vals(move, date, followup["due_dates"][move.id]))
                for move in followup["moves"]
            ],
            "notice_delivery": level.notice_delivery if level.letter_variant == "formal_notice" else False,
            # a company whose debtor type is unknown waits for an accountant, who sets it (or sends as it is)
            "validation_reason": "debtor_type" if not partner._dunning_debtor_type() else False,
        }
        vals.update({f"channel_{channel}": True for channel in level._get_channels()})
        return vals

    @api.model
    def _prepare_retry_vals(self, company, date, followup, action):
        """Values that turn a failed follow-up into today's attempt: the same values as a new one, its invoice
        lines replaced, back to waiting, its count of failed attempts kept."""
        vals = self._prepare_action_vals(company, date, followup)
        vals["line_ids"] = [fields.Command.delete(line.id) for line in action.line_ids] + vals["line_ids"]
        vals.update(
            {
                "state": "to_validate",
                "failure_reason": False,
                **{f"channel_{channel}": False for channel in ("email", "sms", "letter", "phone")},
                **{f"channel_{channel}": True for channel in followup["level"]._get_channels()},
            }
        )
        return vals

    @api.model
    def _prepare_line_vals(self, move, date, due_date):
        """One invoice of a follow-up: its amounts due now, the due date of its oldest open instalment and its days
        late at the follow-up date."""
        return {
            "move_id": move.id,
            "currency_id": move.currency_id.id,
            "date_due": due_date,
            "days_overdue": (date - due_date).days,
            **self._prepare_line_amounts(move),
        }

    @api.model
    def _prepare_line_amounts(self, move):
        """The amounts an invoice still owes, in its currency and in the company's."""
        return {"amount_residual": move.amount_residual, "amount_residual_company": move.amount_residual_signed}
