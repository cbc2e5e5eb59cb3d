from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # The collections desk (issue 20): calls without answer that escalate, the collectors' daily digest.
    dunning_call_max_attempts = fields.Integer(
        string="Calls without Answer before the Next Level",
        default=3,
        help="A follow-up call without answer is planned again on the next working day; after this many calls "
        "without answer the next run sends the next level at once. 0: calls never escalate by themselves.",
    )
    dunning_task_digest = fields.Boolean(
        string="Daily Digest of the Tasks",
        help="Every morning, after the daily run, each collector with open tasks gets one email listing them.",
    )

    @api.constrains("dunning_call_max_attempts")
    def _check_dunning_call_max_attempts(self):
        for company in self:
            if not 0 <= company.dunning_call_max_attempts <= 20:
                raise ValidationError(
                    self.env._(
                        "The calls without answer before the next level must be between 0 and 20 (%(company)s).",
                        company=company.name,
                    )
                )
