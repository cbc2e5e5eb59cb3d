from odoo import api, fields, models

from ..tools.security import READERS

#: statistic the tolerance starts from, per setting
USUAL_DELAY = {"avg": "delay_avg", "median": "delay_median", "p75": "delay_p75"}


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # Personal tolerance: how many days after the due date a customer is left alone. The customer's own tolerance is
    # decided with its segment (nightly, stored); each open invoice then gets it, or less when that invoice looks
    # riskier than the habit (at run time). The daily run and the policy simulation call the same two methods.

    dunning_tolerance_explanation = fields.Char(
        string="Why this Tolerance", compute="_compute_dunning_tolerance_explanation", groups=READERS
    )

    #: statistics (keys of _DUNNING_STAT_COLUMNS) that the tolerance of an invoice reads at run time
    _DUNNING_TOLERANCE_STATS = (
        "count",
        "delay_avg",
        "delay_median",
        "delay_p75",
        "delay_stddev",
        "delay_growth",
        "amount_avg",
        "last_dispute_date",
    )

    def _dunning_decide_tolerance(self, settings, stats, segment):
        """Tolerance = usual delay (configured statistic) + margin within the segment's cap, shortened for an
        irregular habit; new customers get a default; a habit going bad, or one beyond the cap, gets none."""
        return self._dunning_tolerance_decision(settings, stats, segment)[0]

    @api.model
    def _dunning_tolerance_decision(self, settings, stats, segment):
        """The customer's tolerance and why: (days, reason code).

        A tolerance shorter than the habit saves no reminder, it only sends it later: a customer whose usual delay
        plus margin exceeds its segment's cap gets no tolerance rather than the cap.
        """
        if segment == "new":
            return settings["new_days"], "new"
        if settings["growth_days"] and stats["delay_growth"] >= settings["growth_days"]:
            return 0, "growing"
        days = int(stats[USUAL_DELAY[settings["statistic"]]] + 0.5) + settings["margin_days"]
        cap = settings.get(f"cap_{segment}")
        cap = days if cap is None else cap
        if settings["spread_days"] and self._dunning_spread(stats) > settings["spread_days"]:
            return min(days, settings["irregular_days"], cap), "erratic"
        if days > cap:
            return 0, "beyond_cap"
        return days, "habit"

    @api.model
    def _dunning_invoice_tolerance(self, settings, stats, tolerance, item, items, date):
        """Tolerance of one open invoice: the customer's own, or less when this invoice looks riskier than the habit.

        tolerance: the customer's; item: the invoice (DunningItem); items: the customer's invoices followed up at
        that date (item among them); stats: its statistics. Returns (days, reason code, empty when unchanged). None
        after a recent dispute or while another invoice is late beyond the tolerance or the overdue balance is
        high; half for an unusually large invoice. Extend to weigh other signs.
        """
        if tolerance <= 0:
            return tolerance, ""
        last_dispute = stats.get("last_dispute_date")
        if settings["dispute_days"] and last_dispute and (date - last_dispute).days <= settings["dispute_days"]:
            return 0, "dispute"
        overdue = 0.0
        for other in items:
            late = (date - other.due_date).days
            if late > 0:
                overdue += other.residual
                if late > tolerance and other is not item:
                    return 0, "others_late"
        usual = stats.get("amount_avg") or 0.0
        if usual > 0 and settings["balance_factor"] and overdue >= settings["balance_factor"] * usual:
            return 0, "balance"
        if usual > 0 and settings["large_factor"] and item.amount >= settings["large_factor"] * usual:
            return tolerance // 2, "large"
        return tolerance, ""

    @api.model
    def _dunning_spread(self, stats):
        """How far the customer's late invoices stray from its usual delay: 75th percentile minus median of the
        delays (days). Unlike the standard deviation, a steady payer's one-off very late invoice barely moves it."""
        return max(stats["delay_p75"] - stats["delay_median"], 0.0)

    def _dunning_stored_stats(self):
        """The statistics stored by the nightly job that the tolerance of an invoice reads, in the current company."""
        self.ensure_one()
        stats = {stat: self[self._DUNNING_STAT_COLUMNS[stat][0]] for stat in self._DUNNING_TOLERANCE_STATS}
        stats["last_dispute_date"] = stats["last_dispute_date"] or None
        return stats

    @api.depends_context("company")
    @api.depends(
        "dunning_segment",
        "dunning_tolerance_days",
        "payment_delay_avg",
        "payment_delay_median",
        "dunning_delay_p75",
        "payment_delay_stddev",
        "dunning_delay_growth",
    )
    def _compute_dunning_tolerance_explanation(self):
        for partner in self:
            partner.dunning_tolerance_explanation = partner.commercial_partner_id._dunning_explain_tolerance()

    def _dunning_explain_tolerance(self):
        """One translatable line telling the customer's tolerance in the current company and why, e.g. "Tolerance 9
        days: pays 7 days late as a rule, very regularly."."""
        self.ensure_one()
        _ = self.env._
        company = self.env.company
        settings = company._dunning_policy_settings()
        stats = self._dunning_stored_stats()
        segment = self.dunning_segment or "new"
        days, reason = self._dunning_tolerance_decision(settings, stats, segment)
        if not self.dunning_segment:
            days = settings["new_days"]
        if not days:
            head = _("No tolerance")
        else:
            head = _("Tolerance 1 day") if days == 1 else _("Tolerance %(days)s days", days=days)
        usual = round(stats[USUAL_DELAY[settings["statistic"]]])
        habit = {
            "avg": _("pays %(days)s days late on average", days=usual),
            "median": _("pays %(days)s days late as a rule", days=usual),
            "p75": _("pays within %(days)s days of the due date three times out of four", days=usual),
        }[settings["statistic"]]
        why = {
            "new": _("the default for new customers (too little payment history)"),
            "growing": _(
                "its last three delays kept growing, by %(days)s days in all", days=round(stats["delay_growth"])
            ),
            "erratic": _(
                "%(habit)s, irregularly (a quarter of its invoices %(spread)s days later or more)",
                habit=habit,
                spread=round(self._dunning_spread(stats)),
            ),
            "beyond_cap": _(
                "%(habit)s: with the %(margin)s days of margin, more than the %(cap)s days this segment may be given",
                habit=habit,
                margin=settings["margin_days"],
                cap=settings.get(f"cap_{segment}"),
            ),
            "habit": _("%(habit)s, %(regularity)s", habit=habit, regularity=self._dunning_regularity(stats)),
        }[reason]
        return _("%(head)s: %(why)s.", head=head, why=why)

    def _dunning_regularity(self, stats):
        """How steady the habit is, in words, from the spread of the delays."""
        if stats["count"] < 2:
            return self.env._("from little history")
        spread = self._dunning_spread(stats)
        if spread <= 1:
            return self.env._("very regularly")
        if spread <= 4:
            return self.env._("fairly regularly")
        return self.env._("irregularly")
