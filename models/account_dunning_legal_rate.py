from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountDunningLegalRate(models.Model):
    """French legal interest rate of a half-year (taux de l'intérêt légal, Code monétaire et financier L313-2).

    Two rates are set each half-year by ministerial order: one for creditors who are individuals not acting for
    professional needs, one for all other cases (a company chasing its customers). Global, like the ECB table:
    a public fact shared by every company. Uses: the floor of a contractual L441-10 rate (three times the "other
    cases" rate) and the interest a consumer owes from the formal notice (Code civil 1231-6 and 1344-1).
    """

    _name = "account.dunning.legal.rate"
    _description = "French Legal Interest Rate (half-year)"
    _order = "date desc"
    _rec_name = "date"

    date = fields.Date(string="Half-Year Start", required=True, help="1 January or 1 July.")
    rate_individual = fields.Float(
        string="Rate, Individual Creditors (%)",
        digits=(6, 2),
        required=True,
        help="For creditors who are individuals not acting for professional needs.",
    )
    rate_other = fields.Float(
        string="Rate, Other Cases (%)",
        digits=(6, 2),
        required=True,
        help="For every other creditor, such as a company chasing its customers.",
    )

    _sql_constraints = [
        ("date_unique", "UNIQUE(date)", "There is already a legal interest rate for this half-year."),
    ]

    @api.constrains("date", "rate_individual", "rate_other")
    def _check_half_year(self):
        """The rates are set per half-year, so the date is 1 January or 1 July; they are sane percentages."""
        for legal_rate in self:
            if (legal_rate.date.month, legal_rate.date.day) not in ((1, 1), (7, 1)):
                raise ValidationError(
                    self.env._("The legal rate date %(date)s must be 1 January or 1 July.", date=legal_rate.date)
                )
            if not (0.0 <= legal_rate.rate_individual <= 100.0 and 0.0 <= legal_rate.rate_other <= 100.0):
                raise ValidationError(self.env._("Legal interest rates are percentages between 0 and 100."))

    @api.model
    def _dunning_rate_table(self):
        """All the half-years, oldest first, as (date, rate for individuals, rate for other cases), one query."""
        return [(rec.date, rec.rate_individual, rec.rate_other) for rec in self.sudo().search([], order="date asc")]

    @api.model
    def _dunning_rate_at(self, day, table=None):
        """The "other cases" rate in force on a day (the one a company claims): its half-year's, else the latest
        earlier one, else None when the table holds no earlier half-year."""
        table = self._dunning_rate_table() if table is None else table
        rate = None
        for start, _individual, other in table:
            if start > day:
                break
            rate = other
        return rate
