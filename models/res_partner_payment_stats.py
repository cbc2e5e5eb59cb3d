import json

from odoo import api, fields, models
from odoo.tools import SQL, split_every

from ..tools.security import READERS, check_billing
from ..tools.tolerance import company_history_day, delay_histogram, histogram_text, risk_curve

#: statistic key -> company-dependent column written by _dunning_write_payment_stats, with its SQL type; no user
#: writes these columns (res.partner._dunning_computed_fields())
DUNNING_STAT_COLUMNS = {
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
    "amount_avg": ("dunning_amount_avg", "numeric"),
    "delay_growth": ("dunning_delay_growth", "numeric"),
    "last_dispute_date": ("dunning_last_dispute_date", "text"),
    "delay_histogram": ("dunning_delay_histogram", "text"),
}


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # Payment behaviour statistics (the SQL queries: res_partner_payment_stats_sql.py). Stored per commercial
    # partner and company (company-dependent jsonb columns), in company currency, written in bulk by
    # _dunning_write_payment_stats().

    payment_history_count = fields.Integer(
        string="Paid Invoices in Window",
        company_dependent=True,
        readonly=True,
        help="Customer invoices fully paid during the payment history window.",
        groups=READERS,
    )
    payment_delay_avg = fields.Float(
        string="Average Payment Delay (days)", company_dependent=True, digits=(16, 1), groups=READERS
    )
    payment_delay_median = fields.Float(
        string="Median Delay (days)", company_dependent=True, readonly=True, groups=READERS
    )
    dunning_delay_p75 = fields.Float(
        string="Delay, 75th Percentile (days)",
        company_dependent=True,
        readonly=True,
        help="Three invoices out of four are paid within this delay.",
        groups=READERS,
    )
    payment_delay_max = fields.Integer(
        string="Worst Delay (days)", company_dependent=True, readonly=True, groups=READERS
    )
    payment_late_ratio = fields.Float(
        string="Late Invoices (share)",
        company_dependent=True,
        readonly=True,
        help="Share of the paid invoices paid more than the grace period after their due date.",
        groups=READERS,
    )
    dunning_late_count = fields.Integer(string="Late Invoices", company_dependent=True, readonly=True, groups=READERS)
    payment_delay_stddev = fields.Float(
        string="Delay Spread (days)",
        company_dependent=True,
        readonly=True,
        help="Standard deviation of the delays: low for a customer who is late by the same amount every "
        "time (a habit), high for an erratic one.",
        groups=READERS,
    )
    dunning_delay_trend = fields.Float(
        string="Delay Trend (days)",
        company_dependent=True,
        readonly=True,
        help="Average delay of the newer half of the paid invoices minus that of the older half: "
        "positive when the customer pays later and later.",
        groups=READERS,
    )
    dunning_dispute_count = fields.Integer(
        string="Disputed Invoices",
        company_dependent=True,
        readonly=True,
        help="Invoices the customer disputed during the payment history window, resolved or not.",
        groups=READERS,
    )
    dunning_formal_notice_count = fields.Integer(
        string="Formal Notices",
        company_dependent=True,
        readonly=True,
        help="Follow-ups at a formal-notice level sent to the customer during the payment history window.",
        groups=READERS,
    )
    dunning_amount_avg = fields.Float(
        string="Usual Invoice Amount",
        company_dependent=True,
        readonly=True,
        digits="Account",
        help="Average amount of the invoices paid during the payment history window, in company currency.",
        groups=READERS,
    )
    dunning_delay_growth = fields.Float(
        string="Growth of the Last Delays (days)",
        company_dependent=True,
        readonly=True,
        help="When the delay of each of the last three paid invoices grew by at least 3 days over the one before: by "
        "how many days the delay grew from the first to the last; 0 otherwise.",
        groups=READERS,
    )
    dunning_last_dispute_date = fields.Date(
        string="Last Dispute",
        company_dependent=True,
        readonly=True,
        help="Latest day the customer disputed an invoice during the payment history window.",
        groups=READERS,
    )
    dunning_delay_histogram = fields.Char(
        string="Delays of the Paid Invoices",
        company_dependent=True,
        readonly=True,
        help="Paid invoices of the window counted by delay in days (0, 1, 2, ...), the last count holding those "
        "seriously late: what the customer's tolerance is decided from.",
        groups=READERS,
    )
    dunning_stats_date = fields.Date(
        string="Payment Statistics Date", company_dependent=True, readonly=True, groups=READERS
    )
    # Depend on today: computed when read, never stored.
    dunning_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        compute="_compute_dunning_overdue",
        currency_field="currency_id",
        help="Open amount of the customer invoices past their due date, in company currency.",
        groups=READERS,
    )
    dunning_oldest_overdue_days = fields.Integer(
        string="Oldest Overdue (days)",
        compute="_compute_dunning_overdue",
        help="Days since the due date of the oldest overdue invoice.",
        groups=READERS,
    )

    _DUNNING_BATCH_SIZE = 1000

    _DUNNING_STAT_COLUMNS = DUNNING_STAT_COLUMNS

    @api.depends_context("company")
    def _compute_dunning_overdue(self):
        today = fields.Date.context_today(self)
        overdue = self._dunning_overdue_by_partner(self.env.company, today, self.commercial_partner_id.ids)
        for partner in self:
            amount, days = overdue.get(partner.commercial_partner_id.id, (0.0, 0))
            partner.dunning_overdue_amount = amount
            partner.dunning_oldest_overdue_days = days

    def _dunning_compute_payment_stats(self, company, as_of=None, whole_company=False):
        """Payment statistics, segment and tolerance of these customers in a company as of a date, not written.

        Counts only the payments known on that date. Returns {commercial partner id: stats dict} with the keys
        of _DUNNING_STAT_COLUMNS plus overdue_amount and overdue_days. Four queries serve the whole recordset;
        with whole_company they read every customer of the company in one pass (cheaper than filtering by
        partner when most customers are concerned, as in the nightly job).
        """
        as_of = as_of or fields.Date.context_today(self)
        partners = self.commercial_partner_id
        if not partners:
            return {}
        self._dunning_flush_accounting()
        settings = company._dunning_policy_settings()
        partner_ids = None if whole_company else partners.ids
        paid = self._dunning_paid_invoice_stats(company, as_of, partner_ids, settings)
        overdue = self._dunning_overdue_by_partner(company, as_of, partner_ids)
        incidents = self._dunning_incident_stats(company, as_of, partner_ids, settings)
        company_curve = risk_curve(
            self._dunning_company_delay_histogram(company, company_history_day(as_of), settings), settings["late_days"]
        )
        rules = self._dunning_live_segment_rules(company)
        result = {}
        for partner in partners.with_company(company):
            stats = partner._dunning_prepare_stats(
                partner._dunning_prepare_paid_stats(paid.get(partner.id)),
                overdue.get(partner.id, (0.0, 0)),
                incidents.get(partner.id),
            )
            stats["stats_date"] = fields.Date.to_string(as_of)
            stats["segment_override"] = partner.dunning_segment_override or False
            stats["company_curve"] = company_curve
            partner._dunning_classify(settings, stats, rules)
            result[partner.id] = stats
        return result

    @api.model
    def _dunning_live_segment_rules(self, company):
        """The company's live segment rules, compiled (account.dunning.segment.rule._dunning_compile())."""
        # sudo: the rules are configuration every user computing statistics must apply
        rules = self.env["account.dunning.segment.rule"].sudo()
        return rules.search([("company_id", "=", company.id), ("policy_id", "=", False)])._dunning_compile()

    def _dunning_classify(self, settings, stats, rules, memo=None):
        """Add the segment, its rule and the customer's tolerance to its statistics (the nightly job and the policy
        simulation decide them here alike).

        memo: a dict kept from one day to the next for the customer (the simulation replays day after day): the
        tolerance is decided again only when what it reads changed, the figures of the paid invoices (recomputed
        as a whole: a new delay_histogram), the segment or the company's history.
        """
        segment, rule_id = self._dunning_decide_segment(settings, stats, rules)
        stats["segment"], stats["segment_rule_id"] = segment, rule_id
        key = (stats["delay_histogram"], stats.get("company_curve"), segment)
        if memo and memo["key"][0] is key[0] and memo["key"][1] is key[1] and memo["key"][2] == segment:
            stats["tolerance"] = memo["tolerance"]
            return stats
        stats["tolerance"] = self._dunning_decide_tolerance(settings, stats, segment)
        if memo is not None:
            memo.update(key=key, tolerance=stats["tolerance"])
        return stats

    def _dunning_prepare_paid_stats(self, paid_row):
        """The figures of the customer's paid invoices in the window (paid_row: tools/stats.py's paid_stats(), None
        without any); extend to add criteria of the payment history."""
        row = paid_row or {}
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
            "amount_avg": number("amount_avg"),
            "delay_growth": self._dunning_delay_growth([row.get(f"delay_last_{rank}") for rank in (1, 2, 3)]),
            "delay_histogram": delay_histogram(row.get("late_delays")),
        }

    def _dunning_prepare_stats(self, paid_stats, overdue, incident_row=None):
        """Statistics of one customer on a day: the figures of its paid invoices (_dunning_prepare_paid_stats()),
        its overdue amount and the age of its oldest overdue invoice, its incidents; extend to add criteria."""
        incidents = incident_row or {}
        return {
            **paid_stats,
            "overdue_amount": overdue[0],
            "overdue_days": overdue[1],
            "dispute_count": int(incidents.get("dispute_count") or 0),
            "formal_notice_count": int(incidents.get("formal_notice_count") or 0),
            "last_dispute_date": incidents.get("last_dispute_date") or None,
        }

    @api.model
    def _dunning_delay_growth(self, delays):
        """Days the last three delays grew when each was at least 3 days longer than the one before (newest first),
        else 0: a steady payer's one late invoice is no trend."""
        last, middle, first = (None if delay is None else float(delay) for delay in delays)
        if first is None or last - middle < 3 or middle - first < 3:
            return 0.0
        return round(last - first, 2)

    # --- Writing them (set-based) ---------------------------------------------------------

    @api.model
    def _dunning_write_payment_stats(self, company, stats_by_partner):
        """Store the statistics of many customers in one UPDATE per batch, merged into the jsonb columns.

        Raw SQL for speed: write() would run one UPDATE per customer (each has its own figures), and the nightly job
        writes every customer of every company. The ORM is left as write() leaves it: write_uid and write_date set in
        the same statement, the caches of what was written invalidated, and the fields computed from the statistics
        marked modified (recomputed when stored, invalidated when cached).
        """
        if not stats_by_partner:
            return
        fnames = [column for column, _type in self._DUNNING_STAT_COLUMNS.values()]
        partners = self.browse(list(stats_by_partner))
        self.flush_model([*fnames, "write_uid", "write_date"])
        partners.modified([fname for fname in fnames if self._fields[fname].relational], before=True)
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
        for row in rows:
            row["delay_histogram"] = histogram_text(row["delay_histogram"] or [])
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner
                   SET %(assignments)s, write_uid = %(uid)s, write_date = %(now)s
                  FROM jsonb_to_recordset(%(rows)s::jsonb) AS v(%(record_type)s)
                 WHERE res_partner.id = v.id
                """,
                assignments=SQL(", ").join(assignments),
                uid=self.env.uid,
                now=self.env.cr.now(),
                rows=json.dumps(rows, default=str),
                record_type=record_type,
            )
        )
        partners.invalidate_recordset([*fnames, "write_uid", "write_date"])
        partners.modified(fnames)

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
        """Nightly: recompute every customer of every company, the companies in turn, written and committed per
        slice of 1,000 customers; a company that fails is recorded as a job failure and the others go on."""
        self.env["account.dunning.job.cursor"]._run_sliced(
            "behaviour",
            self.env["res.company"].search([("id", "!=", False)]),
            lambda company, cursor, memo: self._dunning_recompute_company(company, cursor, memo, as_of),
            fields.Date.context_today(self),
        )

    @api.model
    def _dunning_recompute_company(self, company, cursor, memo, as_of):
        """One slice of the nightly job in a company: the statistics of the customers left are computed in one pass
        once per call, then written 1,000 customers at a time after the cursor (customer ids in order)."""
        if "customer_ids" not in memo:
            customer_ids = self._dunning_behaviour_customer_ids(company)
            memo["customer_ids"] = [partner_id for partner_id in customer_ids if partner_id > cursor.position]
            memo["stats"] = self.browse(memo["customer_ids"])._dunning_compute_payment_stats(
                company, as_of=as_of, whole_company=True
            )
        batch = memo["customer_ids"][: self._DUNNING_BATCH_SIZE]
        memo["customer_ids"] = memo["customer_ids"][self._DUNNING_BATCH_SIZE :]
        stats = memo["stats"]
        self._dunning_write_payment_stats(
            company, {partner_id: stats[partner_id] for partner_id in batch if partner_id in stats}
        )
        return (batch[-1] if batch else cursor.position), len(batch), len(memo["customer_ids"])

    # --- Actions --------------------------------------------------------------------------

    def action_dunning_recompute_payment_stats(self):
        """Button and server action: refresh the payment behaviour of the selected customers now."""
        check_billing(self.env)
        self._dunning_recompute_payment_stats(self.env.company)
        return True
