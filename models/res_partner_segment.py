from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.security import READERS, check_manager

#: the segment and tolerance decided by the module, and the manual segment set with its reason through 'Set Segment':
#: no user writes them directly (res.partner._dunning_computed_fields())
DUNNING_SEGMENT_FIELDS = (
    "dunning_segment",
    "dunning_tolerance_days",
    "dunning_segment_rule_id",
    "dunning_segment_override",
    "dunning_segment_override_reason",
)


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # Risk segment and personal tolerance: decided from the payment statistics (res_partner_payment_stats.py).
    dunning_segment = fields.Selection(
        selection="_dunning_segment_selection",
        string="Risk Segment",
        company_dependent=True,
        groups=READERS,
        help="Payment-risk segment of the customer in the current company; it picks the follow-up scenario.",
    )
    dunning_tolerance_days = fields.Integer(
        string="Personal Tolerance (days)",
        company_dependent=True,
        groups=READERS,
        help="Days after the due date before a first reminder is due for this customer.",
    )

    dunning_segment_rule_id = fields.Many2one(
        "account.dunning.segment.rule",
        string="Segment Rule",
        company_dependent=True,
        groups=READERS,
        readonly=True,
        help="The segment rule that classed the customer (empty: no rule matched or segment set manually).",
    )
    dunning_segment_override = fields.Selection(
        selection="_dunning_segment_selection",
        string="Manual Risk Segment",
        company_dependent=True,
        groups=READERS,
        readonly=True,
        help="Set with a reason through 'Set Segment'; it wins over the segment rules.",
    )
    dunning_segment_override_reason = fields.Char(
        string="Manual Segment Reason", company_dependent=True, readonly=True, groups=READERS
    )
    dunning_segment_explanation = fields.Char(
        string="Why this Segment", compute="_compute_dunning_segment_explanation", groups=READERS
    )
    dunning_segment_change_ids = fields.One2many(
        "account.dunning.segment.change",
        "partner_id",
        string="Segment Changes",
        groups=READERS,
        help="Risk segments set or released by hand, with their reasons.",
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
        settings = self.env.company._dunning_policy_settings()
        if self.dunning_segment_override:
            return _("Segment set manually: %(reason)s", reason=self.dunning_segment_override_reason or "")
        count = self.payment_history_count
        if not count:
            text = _("No invoice fully paid in the last %(window)s days.", window=settings["window_days"])
        elif round(self.payment_delay_avg) <= 0:
            text = _(
                "Pays on time on average; %(late)s of its last %(count)s paid invoices were late.",
                late=self.dunning_late_count,
                count=count,
            )
        else:
            days = round(self.payment_delay_avg)
            text = _(
                "Pays %(delay)s late on average; %(late)s of its last %(count)s paid invoices were late.",
                delay=_("1 day") if days == 1 else _("%(days)s days", days=days),
                late=self.dunning_late_count,
                count=count,
            )
        incidents = []
        if self.dunning_dispute_count:
            disputes = self.dunning_dispute_count
            incidents.append(
                _("1 disputed invoice") if disputes == 1 else _("%(count)s disputed invoices", count=disputes)
            )
        if self.dunning_formal_notice_count:
            notices = self.dunning_formal_notice_count
            incidents.append(_("1 formal notice") if notices == 1 else _("%(count)s formal notices", count=notices))
        if incidents:
            text += " " + _("Incidents: %(incidents)s.", incidents=", ".join(incidents))
        if self.dunning_segment_rule_id:
            text += " " + _("Rule: %(rule)s.", rule=self.dunning_segment_rule_id.sudo().name)
        elif count and count < settings["min_history"]:
            text += " " + _("Too little history to judge.")
        return text

    def _dunning_decide_segment(self, settings, stats, rules):
        """Manual segment first, else the first matching rule, else new with thin history, else good.

        settings: the policy's settings (res.company._dunning_policy_settings()); rules: compiled segment rules
        (account.dunning.segment.rule._dunning_compile()); stats["segment_override"] is the manual segment.
        Returns (segment, id of the matching rule or None).
        """
        override = stats.get("segment_override")
        if override:
            return override, None
        min_history = settings["min_history"]
        matcher = self.env["account.dunning.segment.rule"]._dunning_conditions_met
        for rule_id, segment, conditions in rules:
            if matcher(conditions, stats, min_history):
                return segment, rule_id
        return ("new" if stats["count"] < min_history else "good"), None

    def action_dunning_open_segment_override(self):
        """Open the wizard that sets or removes the manual risk segment."""
        self.ensure_one()
        check_manager(self.env)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Set Risk Segment"),
            "res_model": "account.dunning.segment.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def _dunning_set_segment_override(self, segment, reason):
        """Force (or with no segment, release) the risk segment in the current company, with its reason.

        The change and its reason are kept in the customer's segment history (accounting only), not in the
        contact's chatter that every employee reads.
        """
        self.ensure_one()
        check_manager(self.env)
        partner = self.commercial_partner_id
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._(
                    "Give a reason to change the risk segment of %(partner)s by hand.", partner=partner.display_name
                )
            )
        before = partner.dunning_segment
        # sudo: the override is a computed figure that only this method writes (after the manager check)
        partner.sudo().write(
            {
                "dunning_segment_override": segment or False,
                "dunning_segment_override_reason": reason if segment else False,
            }
        )
        partner._dunning_recompute_payment_stats(self.env.company)
        # sudo: the history is written by this method only; the author stays the current user
        self.env["account.dunning.segment.change"].sudo().create(
            {
                "partner_id": partner.id,
                "company_id": self.env.company.id,
                "user_id": self.env.user.id,
                "segment_before": before or False,
                "segment_after": partner.dunning_segment or False,
                "manual": bool(segment),
                "reason": reason,
            }
        )
        return True
