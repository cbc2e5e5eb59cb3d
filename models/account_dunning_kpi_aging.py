from odoo import api, models
from odoo.tools import SQL

#: days past the due date after which an open item counts in "Overdue More than 60 Days"
OVERDUE_LONG_DAYS = 60


class AccountDunningKpi(models.Model):
    _inherit = "account.dunning.kpi"  # pylint: disable=consider-merging-classes-inherited

    # What the manager's headline adds to the ledger figures: the old overdue and the customers at formal notice at
    # each month end. Both read the common table expressions of _dunning_receivables_cte(), one query each.
    @api.model
    def _dunning_fetch_overdue_long(self, cte, base):
        """Overdue more than 60 days at each month end: debit items due more than 60 days before it, still open that
        day (gross, like the aging of the follow-up analysis)."""
        due = SQL("r.date_maturity < mo.month_end - %s", OVERDUE_LONG_DAYS)
        self._dunning_fetch_open_debits(cte, base, "overdue_60_ar", due)

    @api.model
    def _dunning_fetch_formal_notices(self, cte, company, base):
        """Customers at formal notice at each month end: 1 for a customer with a debit item of an invoice that had
        received a formal notice (a follow-up sent at a formal-notice level) by then, still not fully paid that day."""
        for model in ("account.dunning.action", "account.dunning.action.line", "account.dunning.level"):
            self.env[model].flush_model()
        cr = self.env.cr
        cr.execute(
            SQL(
                """%s,
                notice AS (
                    SELECT line.move_id, MIN(action.date) AS notice_date
                      FROM account_dunning_action_line line
                      JOIN account_dunning_action action ON action.id = line.action_id
                      JOIN account_dunning_level level ON level.id = action.level_id
                     WHERE action.company_id = %s
                       AND action.state = 'done'
                       AND level.letter_variant = 'formal_notice'
                     GROUP BY line.move_id
                )
                SELECT mo.month_start, r.partner_id
                  FROM notice
                  JOIN account_move_line item ON item.move_id = notice.move_id
                  JOIN recv r ON r.id = item.id AND r.balance > 0
                  JOIN months mo ON notice.notice_date <= mo.month_end
                                AND r.date <= mo.month_end
                                AND (r.full_date IS NULL OR r.full_date > mo.month_end)
                 GROUP BY 1, 2
                """,
                cte,
                company.id,
            )
        )
        for month, partner in cr.fetchall():
            base[month, partner]["formal_notice_count"] = 1
