from odoo import api, fields, models


class AccountDunningSegment(models.Model):
    _name = "account.dunning.segment"
    _description = "Follow-up Risk Segment"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(
        selection="_selection_code",
        required=True,
        help="Value of the customer's risk segment that this record stands for.",
    )
    sequence = fields.Integer(default=10)

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "Each risk segment can only be defined once."),
    ]

    @api.model
    def _selection_code(self):
        """Segment codes are those of the customer's risk segment."""
        return self.env["res.partner"]._dunning_segment_selection()
