from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.segment_sql import dunning_segment_default_sql, dunning_segment_sql


class AccountDunningAnswer(models.Model):
    _inherit = "account.dunning.answer"  # pylint: disable=consider-merging-classes-inherited

    # The customer's risk segment on its answers, for reports and dashboards filtered by segment.
    segment_id = fields.Many2one(
        "account.dunning.segment",
        string="Risk Segment",
        compute="_compute_segment_id",
        search="_search_segment_id",
        help="The customer's current risk segment in the answer's company (New when none is set).",
    )

    @api.depends("partner_id.commercial_partner_id", "company_id")
    def _compute_segment_id(self):
        """The segment record of the customer's segment in the answer's company, as the follow-up run reads it."""
        segments = {segment.code: segment for segment in self.env["account.dunning.segment"].search([])}
        for answer in self:
            commercial = answer.partner_id.commercial_partner_id.with_company(answer.company_id)
            answer.segment_id = segments.get(commercial.dunning_segment or "new", False)

    def _search_segment_id(self, operator, value):
        """Answers whose customer is in these segments in the answer's company (one subquery, as the reports)."""
        segments = self.env["account.dunning.segment"]
        if isinstance(value, str):  # a name typed in a search view
            value, operator = segments.search([("name", operator, value)]).ids, "in"
        ids = value if isinstance(value, list | tuple) else [value]
        codes = segments.browse([i for i in ids if i]).mapped("code")
        positive = operator in ("in", "=")
        self.flush_model(["partner_id", "company_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id", "dunning_segment"])
        query = SQL(
            """(
            SELECT answer.id
              FROM account_dunning_answer answer
              JOIN res_partner partner ON partner.id = answer.partner_id
              JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
         LEFT JOIN (%s) segment_default ON segment_default.company_id = answer.company_id
             WHERE %s = ANY(%s)
            )""",
            dunning_segment_default_sql(),
            dunning_segment_sql("commercial", SQL("answer.company_id"), "segment_default"),
            codes,
        )
        return [("id", "in" if positive else "not in", query)]
