from odoo import fields, models
from odoo.tools import SQL

from ..tools.desk import week_start


class AccountDunningWorkload(models.Model):
    """The work of each collector per company: open tasks of the desk, customers in its hands and what they owe past
    due, tasks done this week and today."""

    _name = "account.dunning.workload"
    _description = "Collector Workload"
    _auto = False
    _order = "amount_at_stake desc, id"
    _rec_name = "user_id"
    _check_company_auto = True
    # what the query reads, flushed before it runs (the open tasks' own sources included)
    _depends = {
        "account.dunning.task": [],
        "account.dunning.task.log": ["user_id", "company_id", "date"],
    }

    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    open_task_count = fields.Integer(string="Open Tasks", readonly=True)
    customer_count = fields.Integer(
        string="Customers Overdue", readonly=True, help="Customers of the collector owing something past due."
    )
    amount_at_stake = fields.Monetary(
        string="Amount at Stake",
        currency_field="company_currency_id",
        readonly=True,
        help="What the collector's customers owe past their due dates (company currency).",
    )
    done_week_count = fields.Integer(string="Done This Week", readonly=True, help="Tasks done since Monday.")
    done_today_count = fields.Integer(string="Done Today", readonly=True)

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        return SQL(
            """
            WITH tasks AS (SELECT user_id, company_id, COUNT(*) AS count FROM %(tasks)s t
                            WHERE user_id IS NOT NULL GROUP BY user_id, company_id),
            portfolio AS (%(portfolio)s),
            done AS (SELECT user_id, company_id, COUNT(*) AS week,
                            COUNT(*) FILTER (WHERE date >= %(today)s) AS today
                       FROM account_dunning_task_log WHERE date >= %(monday)s GROUP BY user_id, company_id),
            pairs AS (SELECT user_id, company_id FROM tasks UNION SELECT user_id, company_id FROM portfolio
                      UNION SELECT user_id, company_id FROM done)
            SELECT pairs.user_id * 10000 + pairs.company_id AS id, pairs.user_id, pairs.company_id,
                   co.currency_id AS company_currency_id, COALESCE(tasks.count, 0) AS open_task_count,
                   COALESCE(portfolio.customers, 0) AS customer_count,
                   COALESCE(portfolio.amount, 0) AS amount_at_stake,
                   COALESCE(done.week, 0) AS done_week_count, COALESCE(done.today, 0) AS done_today_count
              FROM pairs
              JOIN res_company co ON co.id = pairs.company_id
              LEFT JOIN tasks ON tasks.user_id = pairs.user_id AND tasks.company_id = pairs.company_id
              LEFT JOIN portfolio ON portfolio.user_id = pairs.user_id AND portfolio.company_id = pairs.company_id
              LEFT JOIN done ON done.user_id = pairs.user_id AND done.company_id = pairs.company_id
             WHERE pairs.user_id IS NOT NULL
            """,
            tasks=self.env["account.dunning.task"]._table_sql,
            portfolio=self._portfolio_sql(today),
            today=fields.Datetime.to_datetime(today),
            monday=fields.Datetime.to_datetime(week_start(today)),
        )

    def _portfolio_sql(self, today):
        """Per collector and company: its customers owing something past due and the amount (company currency)."""
        return SQL(
            """
            SELECT COALESCE(ru.id, su.id, co.dunning_responsible_id) AS user_id, late.company_id,
                   COUNT(*) AS customers, SUM(late.amount) AS amount
              FROM (SELECT line.company_id, move.commercial_partner_id AS partner_id,
                           SUM(line.amount_residual) AS amount
                      FROM account_move_line line
                      JOIN account_move move ON move.id = line.move_id
                      JOIN account_account account ON account.id = line.account_id
                     WHERE line.parent_state = 'posted' AND account.account_type = 'asset_receivable'
                       AND NOT line.reconciled AND line.amount_residual > 0 AND line.date_maturity < %(today)s
                       AND move.move_type IN ('out_invoice', 'out_receipt')
                     GROUP BY line.company_id, move.commercial_partner_id) late
              JOIN res_company co ON co.id = late.company_id
              JOIN res_partner p ON p.id = late.partner_id
              LEFT JOIN res_users ru ON ru.id = (p.dunning_responsible_id ->> late.company_id::text)::int AND ru.active
              LEFT JOIN res_users su ON su.id = p.user_id AND su.active
             GROUP BY 1, 2
            """,
            today=today,
        )

    def action_open_tasks(self):
        """The open tasks of this collector."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account_dunning.account_dunning_task_action_all")
        action["domain"] = [("user_id", "=", self.user_id.id), ("company_id", "=", self.company_id.id)]
        action["context"] = {}
        return action

    def action_reassign(self):
        """Hand this collector's customers to another collector."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reassign Customers"),
            "res_model": "account.dunning.reassign.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_from_user_id": self.user_id.id, "default_company_id": self.company_id.id},
        }
