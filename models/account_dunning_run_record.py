from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.rules import promise_ended_by_followup


class AccountDunningRun(models.AbstractModel):
    _inherit = "account.dunning.run"  # pylint: disable=consider-merging-classes-inherited

    # Record: the follow-ups sent, and the chatter Odoo would write record by record (creation note, followers,
    # tracking of their state) written for the whole batch (account_dunning_run_chatter.py). Per record, Odoo's mail
    # thread costs a message, a followers query and an "assigned to you" notification per follow-up: the run made one
    # per customer. The chatter keeps the same messages, except those notifications (the collector finds its work in
    # My Work).

    @api.model
    def _record_sent(self, actions):
        """The follow-ups are done: invoices remember their level and date; the promises they answer end (a broken
        one stays the collector's task). Written per level and date, and logged in the chatters of the follow-ups
        and invoices in one batch."""
        if not actions:
            return
        actions.write({"state": "done", "sent_date": fields.Date.context_today(self)})
        for (level, date), group in actions.grouped(lambda action: (action.level_id, action.date)).items():
            # follow-up fields only: no need to resynchronise the invoices' lines (tracked: their own chatter)
            moves = self.env["account.move"].browse(group.move_ids.ids)
            self._write_last_level(moves, level, date)
            moves._dunning_record_broken_promises(date)
            moves.filtered(
                lambda move, date=date: not move.dunning_promise_ended_date
                and promise_ended_by_followup(move.dunning_promise_date, date)
            ).write({"dunning_promise_ended_date": date})
        bodies = {
            action.id: self.env._("Follow-up %(name)s sent: %(level)s.", name=action.name, level=action.level_id.name)
            for action in actions
        }
        move_bodies = {move.id: bodies[action.id] for action in actions for move in action.move_ids}
        self._log_notes(actions, bodies)
        self._log_notes(self.env["account.move"].browse(list(move_bodies)), move_bodies)

    @api.model
    def _write_last_level(self, moves, level, date):
        """The invoices remember the level and the day of their last follow-up: two plain columns written in one
        query (through the ORM each invoice's write goes through the whole accounting write, for follow-up fields
        that nothing else depends on)."""
        moves.flush_recordset(["dunning_level_id", "dunning_last_date"])
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET dunning_level_id = %s, dunning_last_date = %s, write_date = %s, "
                "write_uid = %s WHERE id = ANY(%s)",
                level.id,
                date,
                self.env.cr.now(),
                self.env.uid,
                moves.ids,
            )
        )
        moves.invalidate_recordset(["dunning_level_id", "dunning_last_date", "write_date", "write_uid"])
        moves.modified(["dunning_level_id", "dunning_last_date"])

    @api.model
    def _log_creation(self, actions):
        """What Odoo's mail thread does when a record is created, for the batch: the creating user follows (unless
        inactive, like OdooBot), the collections responsible follows with the default subtypes, and a creation note
        is logged. No "assigned to you" notification: the collector sees its work in My Work."""
        if not actions:
            return
        followers = self.env["mail.followers"]
        if self.env.user.active:
            followers._insert_followers(
                actions._name, actions.ids, self.env.user.partner_id.ids, subtypes=None, customer_ids=[]
            )
        default_subtypes = self.env["mail.message.subtype"]._get_auto_subscription_subtypes(actions._name)[1]
        for user, group in actions.grouped("user_id").items():
            # sudo: the responsible's partner, whoever runs the follow-ups (as the auto-subscription reads it)
            partner = user.sudo().partner_id
            if user.active and partner:
                followers._insert_followers(
                    actions._name,
                    group.ids,
                    partner.ids,
                    subtypes={partner.id: default_subtypes},
                    check_existing=True,
                    existing_policy="update",
                )
        self._log_notes(actions, {action.id: action._creation_message() for action in actions})

    @api.model
    def _get_tracked_values(self, actions):
        """The values of the tracked fields of the follow-ups before the run changes them: {id: {field: value}}.

        Values Odoo already keeps for the commit's tracking are taken over (and taken out of its hands), so that one
        tracking message per follow-up says what changed in the transaction, as Odoo's own would."""
        tracked = actions._track_get_fields()
        pending = self.env.cr.precommit.data.get(f"mail.tracking.{actions._name}", {})
        initial = {}
        for action in actions:
            values = {fname: action[fname] for fname in tracked}
            values.update(pending.pop(action.id, None) or {})
            initial[action.id] = values
        return initial

    @api.model
    def _log_tracking(self, actions, initial):
        """Log one tracking message per follow-up whose tracked fields changed since `initial`, as Odoo's tracking
        does at commit (same values, order and author), in one batch."""
        tracked_fields = actions.fields_get(
            actions._track_get_fields(), attributes=("string", "type", "selection", "currency_field")
        )
        tracking = {}
        for action in actions.exists():
            _changes, tracking_value_ids = action._mail_track(tracked_fields, initial[action.id])
            if tracking_value_ids:
                tracking[action.id] = tracking_value_ids
        if tracking:
            self._log_tracking_values(actions, tracking)
