from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountDunningEcbRate(models.Model):
    """ECB main refinancing rate in force on the first day of a half-year (L441-10).

    Global on purpose: the ECB rate is a public fact shared by every company, so the table has no
    company and no multi-company rule; each company only chooses its margin in the settings.
    """

    _name = "account.dunning.ecb.rate"
    _description = "ECB Main Refinancing Rate (late-payment penalties)"
    _order = "date desc"
    _rec_name = "date"

    date = fields.Date(
        string="Half-Year Start",
        required=True,
        help="1 January or 1 July: the rate in force on that day applies to the whole half-year.",
    )
    rate = fields.Float(string="Rate (%)", digits=(6, 2), required=True)

    _sql_constraints = [
        ("date_unique", "UNIQUE(date)", "There is already an ECB rate for this half-year."),
    ]

    @api.constrains("date", "rate")
    def _check_half_year(self):
        """The rate is given for a half-year, so its date is 1 January or 1 July; the rate is a sane percentage."""
        for ecb_rate in self:
            if (ecb_rate.date.month, ecb_rate.date.day) not in ((1, 1), (7, 1)):
                raise ValidationError(
                    self.env._("The ECB rate date %(date)s must be 1 January or 1 July.", date=ecb_rate.date)
                )
            if not -10.0 <= ecb_rate.rate <= 100.0:
                raise ValidationError(
                    self.env._("The ECB rate %(rate)s %% is out of range (-10 to 100).", rate=ecb_rate.rate)
                )

    @api.model
    def _dunning_rate_table(self):
        """All the half-year rates, oldest first, as (date, rate) pairs, in one query."""
        return [(rec.date, rec.rate) for rec in self.sudo().search([], order="date asc")]

    @api.model
    def _dunning_rate_at(self, day, table=None):
        """Rate in force on a day: the one of its half-year, else the latest earlier one, else 0."""
        table = self._dunning_rate_table() if table is None else table
        rate = 0.0
        for start, value in table:
            if start > day:
                break
            rate = value
        return rate
