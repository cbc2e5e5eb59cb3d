import logging

from odoo import fields, models

from ..tools.rules import promise_broken
from ..tools.security import READERS, check_billing

_logger = logging.getLogger(__name__)


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    # The collections desk (issue 20): a broken promise stays a task of the collector after the follow-up it
    # triggered has cleared it, until someone deals with it; a dispute resolved counts in the collector's work.
    dunning_promise_broken_date = fields.Date(
        string="Promise Broken On",
        copy=False,
        readonly=True,
        help="Date of the last promise to pay of this invoice that passed without the promised amount paid.",
        groups=READERS,
    )
    dunning_promise_broken_handled = fields.Boolean(
        string="Broken Promise Dealt With", copy=False, readonly=True, groups=READERS
    )

    def _dunning_is_promise_task(self):
        """Whether a broken promise of this invoice waits for its collector (the rule of the task list in Python)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        if self.dunning_promise_date:
            broken = self._dunning_promise_broken_on(today)
            handled = (
                self.dunning_promise_broken_date == self.dunning_promise_date and self.dunning_promise_broken_handled
            )
            return broken and not handled
        return bool(self.dunning_promise_broken_date) and not self.dunning_promise_broken_handled

    def _dunning_promise_broken_on(self, date):
        """Whether the promise of this invoice is broken on the date (the run's rule, tools/rules.py)."""
        self.ensure_one()
        return promise_broken(
            self.dunning_promise_date,
            date,
            self.dunning_promise_amount,
            self.dunning_promise_residual,
            self.amount_residual,
            self.currency_id.decimal_places,
        )

    def _dunning_record_broken_promises(self, date):
        """Keep the date of the promises these invoices broke by the date (the follow-up they triggered is about to
        clear them): the collector's task stays until dealt with."""
        broken = self.filtered(
            lambda move: move.dunning_promise_date
            and not move.dunning_promise_ended_date
            and move._dunning_promise_broken_on(date)
            and move.dunning_promise_broken_date != move.dunning_promise_date
        )
        for promise_date, moves in broken.grouped("dunning_promise_date").items():
            moves.write({"dunning_promise_broken_date": promise_date, "dunning_promise_broken_handled": False})

    def _dunning_promise_handled(self):
        """The collector dealt with the broken promises of these invoices (called, agreed something new...)."""
        check_billing(self.env)
        tasks = self.filtered(lambda move: move._dunning_is_promise_task())
        for move in tasks:
            move.write(
                {
                    "dunning_promise_broken_date": move.dunning_promise_date or move.dunning_promise_broken_date,
                    "dunning_promise_broken_handled": True,
                }
            )
        for (company, partner), moves in tasks.grouped(
            lambda move: (move.company_id, move.commercial_partner_id)
        ).items():
            summary = self.env._("Broken promise dealt with: %(invoices)s", invoices=", ".join(moves.mapped("name")))
            moves._message_log_batch(bodies=dict.fromkeys(moves.ids, summary))
            self.env["account.dunning.task.log"]._dunning_log("promise", partner, company, summary, moves[:1])
        return True

    def _dunning_close_broken_promise_tasks(self):
        """A new promise replaces a broken one: the old one is no longer a task."""
        self.filtered("dunning_promise_broken_date").write({"dunning_promise_broken_handled": True})

    def _dunning_log_disputes_resolved(self):
        """A dispute resolved is a task of the collector done (self: the invoices whose dispute was resolved)."""
        self.env["account.dunning.task.log"]._dunning_log_many(
            [
                (
                    "dispute",
                    partner,
                    company,
                    self.env._("Dispute resolved: %(invoices)s", invoices=", ".join(moves.mapped("name"))),
                    moves[:1],
                )
                for (company, partner), moves in self.grouped(
                    lambda move: (move.company_id, move.commercial_partner_id)
                ).items()
            ]
        )

    def _dunning_lift_paid_holds(self):
        """Customer invoices becoming paid lift their customer's credit hold once nothing is overdue any more in the
        company. In a savepoint: a failure there never blocks the payment (the daily run catches up)."""
        invoices = self.filtered(lambda move: move.move_type == "out_invoice" and move.state == "posted")
        for company, moves in invoices.grouped("company_id").items():
            try:
                with self.env.cr.savepoint():
                    self.env["res.partner"]._dunning_lift_settled_holds(company, moves.commercial_partner_id)
            except Exception:  # the payment goes through; the daily run lifts the hold
                _logger.exception(
                    "Credit hold of customers %s in company %s not lifted", moves.commercial_partner_id.ids, company.id
                )
