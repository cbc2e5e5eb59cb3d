from odoo import api, fields, models

from ..tools.security import READERS
from ..tools.tolerance import company_history_day, parse_histogram, risk_curve, risk_tolerance

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
        "delay_growth",
        "amount_avg",
        "last_dispute_date",
        "delay_histogram",
    )

    def _dunning_decide_tolerance(self, settings, stats, segment):
        """The customer's tolerance (days after the due date): see _dunning_tolerance_decision()."""
        return self._dunning_tolerance_decision(settings, stats, segment)[0]

    @api.model
    def _dunning_tolerance_decision(self, settings, stats, segment):
        """The customer's tolerance and why: (days, reason code).

        New customers get the default. Otherwise, by the policy's method: "risk", the first day after the due date
        on which, judging by its own paid invoices (the company's weighing in for a thin history), an invoice still
        unpaid that day ends seriously late often enough (none for a habit going bad); "habit", the usual delay plus
        a margin. Never more than the segment's cap.
        """
        if segment == "new":
            return settings["new_days"], "new"
        cap = settings.get(f"cap_{segment}")  # None: a segment without cap (an extension's)
        if settings["tolerance_method"] == "habit":
            days, reason = int(stats[USUAL_DELAY[settings["statistic"]]] + 0.5) + settings["margin_days"], "habit"
        elif settings["growth_days"] and stats["delay_growth"] >= settings["growth_days"]:
            return 0, "growing"
        else:
            days, _late, _unpaid, risk = self._dunning_risk_tolerance(settings, stats, cap)
            # the cap reached before the risk: the cap decides
            reason = "risk" if risk >= settings["risk_percent"] / 100.0 else "cap"
        if cap is not None and days > cap:
            return cap, "cap"
        return days, reason

    @api.model
    def _dunning_risk_tolerance(self, settings, stats, cap=None):
        """(days, seriously late, still unpaid, risk) of the risk method (tools/tolerance.py) for these statistics;
        stats["company_curve"] is the company's risk at each day."""
        return risk_tolerance(
            stats.get("delay_histogram") or [],
            stats.get("company_curve") or [],
            settings["late_days"],
            settings["risk_percent"] / 100.0,
            settings["prior_weight"],
            settings["late_days"] if cap is None else cap,
        )

    @api.model
    def _dunning_invoice_tolerance(self, settings, stats, tolerance, item, items, date):
        """Tolerance of one open invoice: the customer's own, or less when this invoice looks riskier than the habit.

        tolerance: the customer's; item: the invoice (DunningItem); items: the customer's invoices followed up at
        that date (item among them); stats: its statistics. Returns (days, reason code, empty when unchanged). None
        after a recent dispute, while the overdue balance is high or (risk method) while another invoice is late
        beyond the tolerance; half for an unusually large invoice. Extend to weigh other signs.
        """
        if tolerance <= 0:
            return tolerance, ""
        last_dispute = stats.get("last_dispute_date")
        if settings["dispute_days"] and last_dispute and (date - last_dispute).days <= settings["dispute_days"]:
            return 0, "dispute"
        others_count = settings["tolerance_method"] == "risk"
        overdue = 0.0
        for other in items:
            late = (date - other.due_date).days
            if late > 0:
                overdue += other.residual
                if others_count and late > tolerance and other is not item:
                    return 0, "others_late"
        usual = stats.get("amount_avg") or 0.0
        if usual > 0 and settings["balance_factor"] and overdue >= settings["balance_factor"] * usual:
            return 0, "balance"
        if usual > 0 and settings["large_factor"] and item.amount >= settings["large_factor"] * usual:
            return tolerance // 2, "large"
        return tolerance, ""

    def _dunning_stored_stats(self):
        """The statistics stored by the nightly job that the tolerance of an invoice reads, in the current company."""
        self.ensure_one()
        stats = {stat: self[self._DUNNING_STAT_COLUMNS[stat][0]] for stat in self._DUNNING_TOLERANCE_STATS}
        stats["last_dispute_date"] = stats["last_dispute_date"] or None
        stats["delay_histogram"] = parse_histogram(stats["delay_histogram"])
        return stats

    @api.depends_context("company")
    @api.depends(
        "dunning_segment",
        "dunning_tolerance_days",
        "payment_delay_avg",
        "payment_delay_median",
        "dunning_delay_p75",
        "dunning_delay_growth",
        "dunning_delay_histogram",
    )
    def _compute_dunning_tolerance_explanation(self):
        company = self.env.company
        settings = company._dunning_policy_settings()
        # the company's history weighs in every customer's tolerance: read once for all
        histogram = self.env["res.partner"]._dunning_company_delay_histogram(
            company, company_history_day(fields.Date.context_today(self)), settings
        )
        curve = risk_curve(histogram, settings["late_days"])
        for partner in self:
            partner.dunning_tolerance_explanation = partner.commercial_partner_id._dunning_explain_tolerance(
                settings, curve
            )

    def _dunning_explain_tolerance(self, settings, company_curve):
        """One translatable line telling the customer's tolerance in the current company and why, e.g. "Tolerance 9
        days: of its invoices still unpaid 9 days after their due date, 2 of 5 ended 15 days late or more (a risk of
        41 % with the company's history)."."""
        self.ensure_one()
        stats = dict(self._dunning_stored_stats(), company_curve=company_curve)
        return self._dunning_explain_tolerance_of(settings, stats, self.dunning_segment)

    def _dunning_explain_tolerance_of(self, settings, stats, segment):
        """The same line from given statistics and segment (the customer as of a day of a policy replay)."""
        _ = self.env._
        days, reason = self._dunning_tolerance_decision(settings, stats, segment or "new")
        if not segment:
            days, reason = settings["new_days"], "new"
        if not days:
            head = _("No tolerance")
        else:
            head = _("Tolerance 1 day") if days == 1 else _("Tolerance %(days)s days", days=days)
        if reason == "risk":
            why = self._dunning_explain_risk(settings, stats, days)
        elif reason == "habit":
            why = self._dunning_explain_habit(settings, stats)
        else:
            why = {
                "new": _("the default for new customers (too little payment history)"),
                "growing": _(
                    "its last three delays kept growing, by %(days)s days in all", days=round(stats["delay_growth"])
                ),
                "cap": _("the most its segment may be given"),
            }[reason]
        return _("%(head)s: %(why)s.", head=head, why=why)

    def _dunning_explain_risk(self, settings, stats, days):
        """Why the risk method gives these days: the customer's invoices still unpaid then, and how they ended."""
        _ = self.env._
        _days, late, unpaid, risk = self._dunning_risk_tolerance(settings, stats, days)
        figures = {"days": days, "late": late, "unpaid": unpaid, "serious": settings["late_days"]}
        risk_text = _("a risk of %(risk)s %% with the company's history", risk=round(risk * 100))
        if not unpaid:
            text = _("it never paid more than %(days)s days late", **figures)
        elif not days:
            text = _("%(late)s of its %(unpaid)s late invoices ended %(serious)s days late or more", **figures)
        else:
            text = _(
                "of its invoices still unpaid %(days)s days after their due date, %(late)s of %(unpaid)s ended "
                "%(serious)s days late or more",
                **figures,
            )
        return _("%(text)s (%(risk)s)", text=text, risk=risk_text)

    def _dunning_explain_habit(self, settings, stats):
        """Why the habit method gives these days: the usual delay, and how steady it is."""
        _ = self.env._
        usual = round(stats[USUAL_DELAY[settings["statistic"]]])
        habit = {
            "avg": _("pays %(days)s days late on average", days=usual),
            "median": _("pays %(days)s days late as a rule", days=usual),
            "p75": _("pays within %(days)s days of the due date three times out of four", days=usual),
        }[settings["statistic"]]
        return _("%(habit)s, %(regularity)s", habit=habit, regularity=self._dunning_regularity(stats))

    def _dunning_regularity(self, stats):
        """How steady the habit is, in words, from the spread of the delays (75th percentile minus median)."""
        if stats["count"] < 2:
            return self.env._("from little history")
        spread = max(stats["delay_p75"] - stats["delay_median"], 0.0)
        if spread <= 1:
            return self.env._("very regularly")
        if spread <= 4:
            return self.env._("fairly regularly")
        return self.env._("irregularly")
