import json
import threading
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, email_normalize, split_every


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Payment behaviour, per commercial partner and company (company-dependent jsonb columns).
    dunning_segment = fields.Selection(
        selection="_dunning_segment_selection",
        string="Risk Segment",
        company_dependent=True,
        help="Payment-risk segment of the customer in the current company; it picks the follow-up scenario.",
    )
    dunning_tolerance_days = fields.Integer(
        string="Personal Tolerance (days)",
        company_dependent=True,
        help="Days after the due date before a first reminder is due for this customer.",
    )

    dunning_email = fields.Char(
        string="Accounting Contact Email",
        help="Email of the person who pays the invoices, often not the person who orders. "
        "Follow-ups are sent to it; it is shared by all the contacts of the company.",
    )

    @api.model
    def _dunning_segment_selection(self):
        """Risk segments, from no history to the worst payers; extend by overriding."""
        return [
            ("new", self.env._("New")),
            ("good", self.env._("Good payer")),
            ("occasional", self.env._("Occasional late payer")),
            ("risky", self.env._("Risky")),
            ("bad", self.env._("Bad payer")),
        ]

    @api.model
    def _commercial_fields(self):
        """The accounting contact belongs to the commercial entity, like the VAT number."""
        return [*super()._commercial_fields(), "dunning_email"]

    @api.constrains("dunning_email")
    def _check_dunning_email(self):
        for partner in self:
            if partner.dunning_email and not email_normalize(partner.dunning_email, strict=True):
                raise ValidationError(
                    self.env._(
                        "%(email)s is not a valid email address for the accounting contact of %(partner)s.",
                        email=partner.dunning_email,
                        partner=partner.display_name,
                    )
                )

    def _dunning_get_recipient_email(self):
        """Follow-up recipient: the accounting contact email, else the invoice address's email.

        Returns the normalized address, or False when the customer has no usable email.
        """
        self.ensure_one()
        commercial = self.commercial_partner_id
        if commercial.dunning_email:
            return email_normalize(commercial.dunning_email)
        invoice_address = self.browse(commercial.address_get(["invoice"])["invoice"])
        return email_normalize(invoice_address.email or "") or False

    # Follow-up control per customer and company (issue 4: scenarios, levels and the daily run).
    dunning_excluded = fields.Boolean(
        string="Excluded from Follow-ups",
        company_dependent=True,
        help="The daily run never follows up this customer in the current company.",
    )
    dunning_scenario_id = fields.Many2one(
        "account.dunning.scenario",
        string="Follow-up Scenario",
        company_dependent=True,
        help="Scenario used for this customer instead of the one of its risk segment.",
    )
    dunning_responsible_id = fields.Many2one(
        "res.users",
        string="Collections Responsible",
        company_dependent=True,
        help="User in charge of calls and litigation for this customer; defaults to the salesperson.",
    )
    dunning_on_hold = fields.Boolean(
        string="On Credit Hold",
        company_dependent=True,
        help="Set by follow-up levels that put the customer on hold: new sales should wait for payment.",
    )
    dunning_to_reconcile = fields.Boolean(
        string="Payments to Reconcile",
        company_dependent=True,
        help="Set by the daily run when unreconciled payments or credit notes cover the overdue amount.",
    )
    dunning_action_ids = fields.One2many("account.dunning.action", "partner_id", string="Follow-ups")
    dunning_action_count = fields.Integer(compute="_compute_dunning_action_count", string="Follow-up Count")

    def _compute_dunning_action_count(self):
        counts = dict(
            self.env["account.dunning.action"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.dunning_action_count = counts.get(partner.commercial_partner_id._origin, 0)

    def _dunning_get_responsible(self):
        """Collections responsible: the one set on the customer, else its salesperson, else nobody."""
        self.ensure_one()
        commercial = self.commercial_partner_id
        return commercial.dunning_responsible_id or commercial.user_id

    def action_view_dunning_actions(self):
        """Follow-ups of this customer."""
        action = self.env["ir.actions.act_window"]._for_xml_id("account_dunning.account_dunning_action_action")
        action["domain"] = [("partner_id", "in", self.commercial_partner_id.ids)]
        action["context"] = {"create": False}
        return action

    def action_dunning_print_letter(self):
        """Print the letter of this customer's latest follow-up in the current company."""
        self.ensure_one()
        action = self.env["account.dunning.action"].search(
            [
                ("partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id),
                ("state", "in", ("to_validate", "done")),
            ],
            order="date desc, id desc",
            limit=1,
        )
        if not action:
            raise UserError(
                self.env._(
                    "%(customer)s has no follow-up in %(company)s yet: a letter is printed from a follow-up.",
                    customer=self.commercial_partner_id.display_name,
                    company=self.env.company.display_name,
                )
            )
        return action.action_print_letters()

    # ------------------------------------------------------------------
    # Payment behaviour: statistics, risk segment and personal tolerance
    # ------------------------------------------------------------------
    # Stored per commercial partner and company (company-dependent jsonb columns), in
    # company currency, written in bulk by _dunning_write_payment_stats().

    payment_history_count = fields.Integer(
        string="Paid Invoices in Window",
        company_dependent=True,
        readonly=True,
        help="Customer invoices fully paid during the payment history window.",
    )
    payment_delay_avg = fields.Float(string="Average Payment Delay (days)", company_dependent=True, digits=(16, 1))
    payment_delay_median = fields.Float(string="Median Delay (days)", company_dependent=True, readonly=True)
    dunning_delay_p75 = fields.Float(
        string="Delay, 75th Percentile (days)",
        company_dependent=True,
        readonly=True,
        help="Three invoices out of four are paid within this delay.",
    )
    payment_delay_max = fields.Integer(string="Worst Delay (days)", company_dependent=True, readonly=True)
    payment_late_ratio = fields.Float(
        string="Late Invoices (share)",
        company_dependent=True,
        readonly=True,
        help="Share of the paid invoices paid more than the grace period after their due date.",
    )
    dunning_late_count = fields.Integer(string="Late Invoices", company_dependent=True, readonly=True)
    payment_delay_stddev = fields.Float(
        string="Delay Spread (days)",
        company_dependent=True,
        readonly=True,
        help="Standard deviation of the delays: low for a customer who is late by the same amount every "
        "time (a habit), high for an erratic one.",
    )
    dunning_delay_trend = fields.Float(
        string="Delay Trend (days)",
        company_dependent=True,
        readonly=True,
        help="Average delay of the newer half of the paid invoices minus that of the older half: "
        "positive when the customer pays later and later.",
    )
    dunning_dispute_count = fields.Integer(
        string="Disputed Invoices",
        company_dependent=True,
        readonly=True,
        help="Invoices the customer disputed during the payment history window, resolved or not.",
    )
    dunning_formal_notice_count = fields.Integer(
        string="Formal Notices",
        company_dependent=True,
        readonly=True,
        help="Follow-ups at a formal-notice level sent to the customer during the payment history window.",
    )
    dunning_stats_date = fields.Date(string="Payment Statistics Date", company_dependent=True, readonly=True)
    dunning_segment_rule_id = fields.Many2one(
        "account.dunning.segment.rule",
        string="Segment Rule",
        company_dependent=True,
        readonly=True,
        help="The segment rule that classed the customer (empty: no rule matched or segment set manually).",
    )
    dunning_segment_override = fields.Selection(
        selection="_dunning_segment_selection",
        string="Manual Risk Segment",
        company_dependent=True,
        readonly=True,
        help="Set with a reason through 'Set Segment'; it wins over the segment rules.",
    )
    dunning_segment_override_reason = fields.Char(string="Manual Segment Reason", company_dependent=True, readonly=True)
    dunning_segment_explanation = fields.Char(string="Why this Segment", compute="_compute_dunning_segment_explanation")
    # Depend on today: computed when read, never stored.
    dunning_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        compute="_compute_dunning_overdue",
        currency_field="currency_id",
        help="Open amount of the customer invoices past their due date, in company currency.",
    )
    dunning_oldest_overdue_days = fields.Integer(
        string="Oldest Overdue (days)",
        compute="_compute_dunning_overdue",
        help="Days since the due date of the oldest overdue invoice.",
    )

    _DUNNING_BATCH_SIZE = 1000

    #: statistic key -> company-dependent column written by _dunning_write_payment_stats, with its SQL type
    _DUNNING_STAT_COLUMNS = {
        "count": ("payment_history_count", "int"),
        "delay_avg": ("payment_delay_avg", "numeric"),
        "delay_median": ("payment_delay_median", "numeric"),
        "delay_p75": ("dunning_delay_p75", "numeric"),
        "delay_max": ("payment_delay_max", "int"),
        "late_ratio": ("payment_late_ratio", "numeric"),
        "late_count": ("dunning_late_count", "int"),
        "delay_stddev": ("payment_delay_stddev", "numeric"),
        "delay_trend": ("dunning_delay_trend", "numeric"),
        "dispute_count": ("dunning_dispute_count", "int"),
        "formal_notice_count": ("dunning_formal_notice_count", "int"),
        "segment": ("dunning_segment", "text"),
        "segment_rule_id": ("dunning_segment_rule_id", "int"),
        "tolerance": ("dunning_tolerance_days", "int"),
        "stats_date": ("dunning_stats_date", "text"),
    }

    @api.depends_context("company")
    def _compute_dunning_overdue(self):
        today = fields.Date.context_today(self)
        overdue = self._dunning_overdue_by_partner(self.env.company, today, self.commercial_partner_id.ids)
        for partner in self:
            amount, days = overdue.get(partner.commercial_partner_id.id, (0.0, 0))
            partner.dunning_overdue_amount = amount
            partner.dunning_oldest_overdue_days = days

    @api.depends_context("company")
    @api.depends(
        "payment_history_count",
        "payment_delay_avg",
        "dunning_late_count",
        "dunning_segment_rule_id",
        "dunning_dispute_count",
        "dunning_formal_notice_count",
        "dunning_segment_override",
        "dunning_segment_override_reason",
    )
    def _compute_dunning_segment_explanation(self):
        for partner in self:
            partner.dunning_segment_explanation = partner.commercial_partner_id._dunning_explain_segment()

    def _dunning_explain_segment(self):
        """One translatable line telling why the customer is in its segment in the current company."""
        self.ensure_one()
        _ = self.env._
        company = self.env.company
        if self.dunning_segment_override:
            return _("Segment set manually: %(reason)s", reason=self.dunning_segment_override_reason or "")
        count = self.payment_history_count
        if not count:
            text = _("No invoice fully paid in the last %(window)s days.", window=company.dunning_behaviour_window_days)
        elif round(self.payment_delay_avg) <= 0:
            text = _(
                "Pays on time on average; %(late)s of its last %(count)s paid invoices were late.",
                late=self.dunning_late_count,
                count=count,
            )
        else:
            text = _(
                "Pays %(days)s days late on average; %(late)s of its last %(count)s paid invoices were late.",
                days=round(self.payment_delay_avg),
                late=self.dunning_late_count,
                count=count,
            )
        if self.dunning_dispute_count or self.dunning_formal_notice_count:
            text += " " + _(
                "Incidents: %(disputes)s disputed invoices, %(notices)s formal notices.",
                disputes=self.dunning_dispute_count,
                notices=self.dunning_formal_notice_count,
            )
        if self.dunning_segment_rule_id:
            text += " " + _("Rule: %(rule)s.", rule=self.dunning_segment_rule_id.sudo().name)
        elif count and count < company.dunning_behaviour_min_history:
            text += " " + _("Too little history to judge.")
        return text

    # --- Computing the statistics (set-based, no writing) ---------------------------------

    def _dunning_flush_accounting(self):
        """The statistics read invoices, journal items and reconciliations with SQL: flush them first."""
        self.env["account.move"].flush_model(
            [
                "company_id",
                "move_type",
                "state",
                "commercial_partner_id",
                "amount_total_signed",
                "date",
                "payment_state",
                "dunning_dispute_date",
            ]
        )
        self.env["account.move.line"].flush_model(
            ["move_id", "account_id", "currency_id", "amount_currency", "balance", "date_maturity"]
        )
        self.env["account.partial.reconcile"].flush_model(
            [
                "debit_move_id",
                "credit_move_id",
                "amount",
                "debit_amount_currency",
                "credit_amount_currency",
                "max_date",
            ]
        )

    @api.model
    def _dunning_partner_filter(self, column, partner_ids):
        """SQL condition restricting a statistics query to some customers (None: every customer)."""
        if partner_ids is None:
            return SQL("TRUE")
        return SQL("%s = ANY(%s)", column, list(partner_ids))

    @api.model
    def _dunning_paid_invoice_stats(self, company, as_of, partner_ids):
        """Statistics of the out_invoices fully paid (by partials dated <= as_of) inside the window, per partner.

        An invoice is paid as of D when the partials dated up to D clear each of its receivable lines in the
        line's currency (exchange-difference partials, which move no foreign amount, neither clear nor date it).
        Its full-payment date is the latest such partial; its due date is its last instalment's due date.
        """
        window_start = as_of - timedelta(days=company.dunning_behaviour_window_days)
        query = SQL(
            """
            WITH inv_line AS (
                SELECT aml.id, aml.move_id, aml.amount_currency, aml.date_maturity, cur.decimal_places
                  FROM account_move m
                  JOIN account_move_line aml ON aml.move_id = m.id
                  JOIN account_account acc ON acc.id = aml.account_id
                  JOIN res_currency cur ON cur.id = aml.currency_id
                 WHERE m.company_id = %(company)s
                   AND m.move_type = 'out_invoice'
                   AND m.state = 'posted'
                   AND %(partner_filter)s
                   AND m.date <= %(as_of)s
                   AND acc.account_type = 'asset_receivable'
            ),
            matched AS (
                SELECT l.id AS line_id, p.debit_amount_currency AS amount_currency, p.max_date,
                       p.debit_amount_currency != 0 AS moves_currency
                  FROM inv_line l
                  JOIN account_partial_reconcile p ON p.debit_move_id = l.id
                 WHERE p.max_date <= %(as_of)s
                 UNION ALL
                SELECT l.id, -p.credit_amount_currency, p.max_date, p.credit_amount_currency != 0
                  FROM inv_line l
                  JOIN account_partial_reconcile p ON p.credit_move_id = l.id
                 WHERE p.max_date <= %(as_of)s
            ),
            line_state AS (
                SELECT l.move_id, l.date_maturity,
                       ROUND(l.amount_currency - COALESCE(SUM(mt.amount_currency), 0), l.decimal_places) AS residual,
                       MAX(mt.max_date) FILTER (WHERE mt.moves_currency) AS paid_date
                  FROM inv_line l
                  LEFT JOIN matched mt ON mt.line_id = l.id
                 GROUP BY l.id, l.move_id, l.date_maturity, l.amount_currency, l.decimal_places
            ),
            paid AS (
                SELECT move_id, MAX(date_maturity) AS due_date, MAX(paid_date) AS paid_date
                  FROM line_state
                 GROUP BY move_id
                HAVING BOOL_AND(residual = 0)
            ),
            delays AS (
                SELECT m.commercial_partner_id AS partner_id,
                       ABS(m.amount_total_signed) AS weight,
                       GREATEST(p.paid_date - p.due_date, 0) AS days,
                       ROW_NUMBER() OVER (
                           PARTITION BY m.commercial_partner_id ORDER BY p.due_date DESC, m.id DESC
                       ) AS rn,
                       COUNT(*) OVER (PARTITION BY m.commercial_partner_id) AS cnt
                  FROM paid p
                  JOIN account_move m ON m.id = p.move_id
                 WHERE p.paid_date > %(window_start)s AND p.paid_date <= %(as_of)s
            )
            SELECT partner_id,
                   COUNT(*) AS count,
                   COALESCE(SUM(weight * days) / NULLIF(SUM(weight), 0), AVG(days)) AS delay_avg,
                   PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days) AS delay_median,
                   PERCENTILE_CONT(0.75) WITHIN GROUP (ORDER BY days) AS delay_p75,
                   MAX(days) AS delay_max,
                   COUNT(*) FILTER (WHERE days > %(grace)s) AS late_count,
                   STDDEV_POP(days) AS delay_stddev,
                   COALESCE(
                       AVG(days) FILTER (WHERE rn <= cnt / 2) - AVG(days) FILTER (WHERE rn > cnt - cnt / 2), 0
                   ) AS delay_trend
              FROM delays
             GROUP BY partner_id
            """,
            company=company.id,
            partner_filter=self._dunning_partner_filter(SQL("m.commercial_partner_id"), partner_ids),
            as_of=as_of,
            window_start=window_start,
            grace=company.dunning_behaviour_grace_days,
        )
        return {row["partner_id"]: row for row in self.env.execute_query_dict(query)}

    @api.model
    def _dunning_overdue_by_partner(self, company, as_of, partner_ids):
        """Open amount (company currency) of out_invoices past due as of a date, and the age of the oldest one.

        Open as of D means the receivable line's balance minus the partials dated up to D; as of today an
        invoice whose payment waits for its bank matching ('in_payment') is not overdue.
        Returns {commercial partner id: (amount, days)}.
        """
        if partner_ids is not None and not partner_ids:
            return {}
        self._dunning_flush_accounting()
        today = fields.Date.context_today(self)
        query = SQL(
            """
            WITH open_line AS (
                SELECT m.commercial_partner_id AS partner_id, aml.date_maturity,
                       aml.balance
                       - COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                                    WHERE p.debit_move_id = aml.id AND p.max_date <= %(as_of)s), 0)
                       + COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                                    WHERE p.credit_move_id = aml.id AND p.max_date <= %(as_of)s), 0) AS residual
                  FROM account_move m
                  JOIN account_move_line aml ON aml.move_id = m.id
                  JOIN account_account acc ON acc.id = aml.account_id
                 WHERE m.company_id = %(company)s
                   AND m.move_type = 'out_invoice'
                   AND m.state = 'posted'
                   AND %(partner_filter)s
                   AND m.date <= %(as_of)s
                   AND acc.account_type = 'asset_receivable'
                   AND aml.date_maturity < %(as_of)s
                   AND (%(past)s OR m.payment_state != 'in_payment')
            )
            SELECT partner_id, SUM(residual) AS amount, MIN(date_maturity) AS oldest
              FROM open_line
             WHERE residual > 0
             GROUP BY partner_id
            """,
            company=company.id,
            partner_filter=self._dunning_partner_filter(SQL("m.commercial_partner_id"), partner_ids),
            as_of=as_of,
            past=as_of < today,
        )
        return {
            row["partner_id"]: (company.currency_id.round(float(row["amount"])), (as_of - row["oldest"]).days)
            for row in self.env.execute_query_dict(query)
        }

    @api.model
    def _dunning_incident_stats(self, company, as_of, partner_ids):
        """Incidents per customer inside the window as of a date: disputed invoices and formal notices sent.

        A dispute counts on the day it was raised, resolved or not; a formal notice is a follow-up done at a
        level whose letter is a formal notice. Returns {commercial partner id: row}.
        """
        self.env["account.dunning.action"].flush_model(["partner_id", "company_id", "date", "state", "level_id"])
        self.env["account.dunning.level"].flush_model(["letter_variant"])
        window_start = as_of - timedelta(days=company.dunning_behaviour_window_days)
        query = SQL(
            """
            SELECT partner_id, SUM(disputes) AS dispute_count, SUM(notices) AS formal_notice_count
              FROM (
                    SELECT m.commercial_partner_id AS partner_id, COUNT(*) AS disputes, 0 AS notices
                      FROM account_move m
                     WHERE m.company_id = %(company)s
                       AND m.move_type = 'out_invoice'
                       AND %(partner_filter)s
                       AND m.dunning_dispute_date > %(window_start)s
                       AND m.dunning_dispute_date <= %(as_of)s
                     GROUP BY m.commercial_partner_id
                     UNION ALL
                    SELECT a.partner_id, 0, COUNT(*)
                      FROM account_dunning_action a
                      JOIN account_dunning_level l ON l.id = a.level_id
                     WHERE a.company_id = %(company)s
                       AND %(action_partner_filter)s
                       AND a.state = 'done'
                       AND l.letter_variant = 'formal_notice'
                       AND a.date > %(window_start)s
                       AND a.date <= %(as_of)s
                     GROUP BY a.partner_id
                   ) incidents
             GROUP BY partner_id
            """,
            company=company.id,
            partner_filter=self._dunning_partner_filter(SQL("m.commercial_partner_id"), partner_ids),
            action_partner_filter=self._dunning_partner_filter(SQL("a.partner_id"), partner_ids),
            as_of=as_of,
            window_start=window_start,
        )
        return {row["partner_id"]: row for row in self.env.execute_query_dict(query)}

    def _dunning_compute_payment_stats(self, company, as_of=None, whole_company=False):
        """Payment statistics, segment and tolerance of these customers in a company as of a date, not written.

        Counts only the payments known on that date. Returns {commercial partner id: stats dict} with the keys
        of _DUNNING_STAT_COLUMNS plus overdue_amount and overdue_days. Three queries serve the whole recordset;
        with whole_company they read every customer of the company in one pass (cheaper than filtering by
        partner when most customers are concerned, as in the nightly job).
        """
        as_of = as_of or fields.Date.context_today(self)
        partners = self.commercial_partner_id
        if not partners:
            return {}
        self._dunning_flush_accounting()
        partner_ids = None if whole_company else partners.ids
        paid = self._dunning_paid_invoice_stats(company, as_of, partner_ids)
        overdue = self._dunning_overdue_by_partner(company, as_of, partner_ids)
        incidents = self._dunning_incident_stats(company, as_of, partner_ids)
        # sudo: the rules are configuration every user computing statistics must apply
        rules = self.env["account.dunning.segment.rule"].sudo().search([("company_id", "=", company.id)])
        result = {}
        for partner in partners.with_company(company):
            stats = partner._dunning_prepare_stats(
                paid.get(partner.id), overdue.get(partner.id, (0.0, 0)), incidents.get(partner.id)
            )
            stats["stats_date"] = fields.Date.to_string(as_of)
            segment, rule = partner._dunning_decide_segment(company, stats, rules)
            stats["segment"], stats["segment_rule_id"] = segment, rule.id or None
            stats["tolerance"] = partner._dunning_decide_tolerance(company, stats, segment)
            result[partner.id] = stats
        return result

    def _dunning_prepare_stats(self, paid_row, overdue, incident_row=None):
        """Statistics of one customer from its query rows; extend to add criteria."""
        row = paid_row or {}
        incidents = incident_row or {}
        count = row.get("count") or 0

        def number(key):
            return round(float(row.get(key) or 0.0), 2)

        return {
            "count": count,
            "delay_avg": round(float(row.get("delay_avg") or 0.0), 1),  # the field's digits
            "delay_median": number("delay_median"),
            "delay_p75": number("delay_p75"),
            "delay_max": int(row.get("delay_max") or 0),
            "late_count": row.get("late_count") or 0,
            "late_ratio": round((row.get("late_count") or 0) / count, 4) if count else 0.0,
            "delay_stddev": number("delay_stddev"),
            "delay_trend": number("delay_trend"),
            "overdue_amount": overdue[0],
            "overdue_days": overdue[1],
            "dispute_count": int(incidents.get("dispute_count") or 0),
            "formal_notice_count": int(incidents.get("formal_notice_count") or 0),
        }

    def _dunning_decide_segment(self, company, stats, rules):
        """Manual segment first, else the first matching rule, else new with thin history, else good.

        Returns (segment, matching rule or an empty recordset).
        """
        self.ensure_one()
        empty = self.env["account.dunning.segment.rule"]
        override = self.with_company(company).dunning_segment_override
        if override:
            return override, empty
        min_history = company.dunning_behaviour_min_history
        for rule in rules:
            if rule._dunning_matches(stats, min_history):
                return rule.segment, rule
        return ("new" if stats["count"] < min_history else "good"), empty

    def _dunning_decide_tolerance(self, company, stats, segment):
        """Tolerance = usual delay (configured statistic) + margin, capped per segment; new customers get a default."""
        if segment == "new":
            return company.dunning_tolerance_new_days
        usual = {
            "avg": stats["delay_avg"],
            "median": stats["delay_median"],
            "p75": stats["delay_p75"],
        }[company.dunning_tolerance_statistic]
        tolerance = int(usual + 0.5) + company.dunning_tolerance_margin_days
        cap = company._dunning_tolerance_cap(segment)
        return tolerance if cap is None else min(tolerance, cap)

    # --- Writing them (set-based) ---------------------------------------------------------

    @api.model
    def _dunning_write_payment_stats(self, company, stats_by_partner):
        """Store the statistics of many customers in one UPDATE per batch, merged into the jsonb columns."""
        if not stats_by_partner:
            return
        fnames = [column for column, _type in self._DUNNING_STAT_COLUMNS.values()]
        self.flush_model(fnames)
        key = str(company.id)
        assignments = [
            SQL(
                "%(column)s = (COALESCE(%(column)s, '{}'::jsonb) - %(key)s::text) "
                "|| jsonb_strip_nulls(jsonb_build_object(%(key)s::text, v.%(alias)s))",
                column=SQL.identifier(column),
                key=key,
                alias=SQL.identifier(stat),
            )
            for stat, (column, _type) in self._DUNNING_STAT_COLUMNS.items()
        ]
        record_type = SQL(", ").join(
            SQL("%s %s", SQL.identifier(stat), SQL(sql_type))
            for stat, (_column, sql_type) in [("id", (None, "int")), *self._DUNNING_STAT_COLUMNS.items()]
        )
        rows = [
            {"id": partner_id, **{stat: stats.get(stat) for stat in self._DUNNING_STAT_COLUMNS}}
            for partner_id, stats in stats_by_partner.items()
        ]
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner
                   SET %(assignments)s
                  FROM jsonb_to_recordset(%(rows)s::jsonb) AS v(%(record_type)s)
                 WHERE res_partner.id = v.id
                """,
                assignments=SQL(", ").join(assignments),
                rows=json.dumps(rows),
                record_type=record_type,
            )
        )
        self.invalidate_model(fnames)

    @api.model
    def _dunning_behaviour_customer_ids(self, company):
        """Commercial partners to recompute in a company: invoiced customers and those with stored values."""
        self._dunning_flush_accounting()
        query = SQL(
            """
            SELECT DISTINCT commercial_partner_id FROM account_move
             WHERE company_id = %(company)s AND move_type = 'out_invoice' AND state = 'posted'
             UNION
            SELECT id FROM res_partner WHERE dunning_segment ? %(key)s::text
             ORDER BY 1
            """,
            company=company.id,
            key=str(company.id),
        )
        return [row[0] for row in self.env.execute_query(query)]

    def _dunning_recompute_payment_stats(self, companies=None, as_of=None):
        """Recompute and store the statistics, segment and tolerance of these customers, per company and batch."""
        partners = self.commercial_partner_id
        for company in companies or self.env.companies:
            for batch in split_every(self._DUNNING_BATCH_SIZE, partners.ids):
                stats = self.browse(batch)._dunning_compute_payment_stats(company, as_of=as_of)
                self._dunning_write_payment_stats(company, stats)

    @api.model
    def _cron_dunning_recompute_payment_stats(self, as_of=None):
        """Nightly: recompute every customer of every company, one pass per company, written and committed
        per batch."""
        auto_commit = bool(self.env.context.get("ir_cron_progress_id")) and not getattr(
            threading.current_thread(), "testing", False
        )
        customers = {
            company: self._dunning_behaviour_customer_ids(company) for company in self.env["res.company"].search([])
        }
        done, remaining = 0, sum(len(ids) for ids in customers.values())
        for company, customer_ids in customers.items():
            if not customer_ids:
                continue
            stats = self.browse(customer_ids)._dunning_compute_payment_stats(company, as_of=as_of, whole_company=True)
            for batch in split_every(self._DUNNING_BATCH_SIZE, customer_ids):
                self._dunning_write_payment_stats(
                    company, {partner_id: stats[partner_id] for partner_id in batch if partner_id in stats}
                )
                done, remaining = done + len(batch), remaining - len(batch)
                self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
                if auto_commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit

    # --- Actions --------------------------------------------------------------------------

    def action_dunning_recompute_payment_stats(self):
        """Button and server action: refresh the payment behaviour of the selected customers now."""
        self._dunning_recompute_payment_stats(self.env.company)
        return True

    def action_dunning_open_segment_override(self):
        """Open the wizard that sets or removes the manual risk segment."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Set Risk Segment"),
            "res_model": "account.dunning.segment.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def _dunning_set_segment_override(self, segment, reason):
        """Force (or with no segment, release) the risk segment in the current company; the reason is logged."""
        self.ensure_one()
        partner = self.commercial_partner_id
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._(
                    "Give a reason to change the risk segment of %(partner)s by hand.", partner=partner.display_name
                )
            )
        labels = dict(self._dunning_segment_selection())
        before = partner.dunning_segment
        # sudo: only accounting managers reach this (wizard access); they may lack the contact-edition right
        partner.sudo().write(
            {
                "dunning_segment_override": segment or False,
                "dunning_segment_override_reason": reason if segment else False,
            }
        )
        partner._dunning_recompute_payment_stats(self.env.company)
        after = partner.dunning_segment
        body = self.env._(
            "Risk segment in %(company)s: %(before)s → %(after)s (%(mode)s). Reason: %(reason)s",
            company=self.env.company.name,
            before=labels.get(before, self.env._("none")),
            after=labels.get(after, self.env._("none")),
            mode=self.env._("set manually") if segment else self.env._("back to the rules"),
            reason=reason,
        )
        # sudo: posting on a contact needs the contact-edition right; the author stays the current user
        partner.sudo().message_post(body=body, author_id=self.env.user.partner_id.id)
        return True
