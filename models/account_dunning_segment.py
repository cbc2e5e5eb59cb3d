from odoo import api, fields, models


class AccountDunningSegment(models.Model):
    _name = "account.dunning.segment"
    _description = "Follow-up Risk Segment"
    _order = "sequence, id"

    # One source of truth: the segments are the values of the customer's risk segment
    # (res.partner._dunning_segment_selection(), extended by overriding it); a record stands for one of them, to be
    # ordered and chosen on scenarios, and its name is the value's label in the user's language.
    name = fields.Char(compute="_compute_name", search="_search_name")
    code = fields.Selection(
        selection="_selection_code",
        required=True,
        help="Value of the customer's risk segment that this record stands for.",
    )
    sequence = fields.Integer(default=10)

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "Each risk segment can only be defined once."),
    ]

    @api.depends("code")
    @api.depends_context("lang")
    def _compute_name(self):
        labels = dict(self._fields["code"]._description_selection(self.env))
        for segment in self:
            segment.name = labels.get(segment.code, segment.code or "")

    def _search_name(self, operator, value):
        """Segments whose label (in the user's language) matches, e.g. typed in a scenario's segments."""
        if operator not in ("=", "!=", "ilike", "not ilike") or not isinstance(value, str):
            return [("code", operator, value)]
        labels = dict(self._fields["code"]._description_selection(self.env))
        if operator in ("=", "!="):
            codes = [code for code, label in labels.items() if label == value]
        else:
            codes = [code for code, label in labels.items() if value.lower() in label.lower()]
        return [("code", "in" if operator in ("=", "ilike") else "not in", codes)]

    @api.model
    def _selection_code(self):
        """Segment codes are those of the customer's risk segment."""
        return self.env["res.partner"]._dunning_segment_selection()
