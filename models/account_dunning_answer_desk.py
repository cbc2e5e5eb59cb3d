from odoo import models


class AccountDunningAnswer(models.Model):
    _inherit = "account.dunning.answer"  # pylint: disable=consider-merging-classes-inherited

    # The collections desk (issue 20): an answer handled is a task of the collector done.
    def _dunning_log_answers_handled(self):
        """Answers handled are tasks of the collectors done."""
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        self.env["account.dunning.task.log"]._dunning_log_many(
            [
                (
                    "answer",
                    answer.partner_id,
                    answer.company_id,
                    self.env._("Customer answer handled: %(kind)s", kind=kinds[answer.kind]),
                    answer,
                )
                for answer in self
            ]
        )
