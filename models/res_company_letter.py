import re
from datetime import date, timedelta

from num2words import num2words
from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

#: points over the ECB rate of the late-payment interest owed by public buyers (Code de la commande publique R2192-31)
PUBLIC_BUYER_MARGIN = 8.0
#: points over the ECB rate of the legal default late-payment rate (Code de commerce L441-10)
LEGAL_MARGIN = 10.0


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # Follow-up letters: late-payment penalties (L441-10) and payment instructions.
    dunning_notice_days = fields.Integer(
        string="Formal Notice Deadline (days)",
        default=8,
        help="Days the customer is given to pay in a formal notice.",
    )
    dunning_rate_mode = fields.Selection(
        selection=[("ecb", "ECB rate + margin"), ("fixed", "Fixed contractual rate")],
        string="Late-Payment Rate",
        default="ecb",
        required=True,
        help="ECB rate + margin: the ECB main refinancing rate of the half-year plus the margin (legal default "
        "+10 points). Fixed: the rate agreed in your terms and conditions.",
    )
    dunning_rate_margin = fields.Float(
        string="Margin over the ECB Rate (points)",
        digits=(6, 2),
        default=10.0,
    )
    dunning_fixed_rate = fields.Float(
        string="Fixed Late-Payment Rate (%)",
        digits=(6, 2),
        help="Annual rate of your terms and conditions. French law (L441-10) forbids a rate below three times the "
        "legal interest rate of the half-year: a lower rate is refused.",
    )
    dunning_penalty_during_dispute = fields.Boolean(
        string="Penalties Accrue During Disputes",
        help="Off (default): a disputed invoice accrues no late-payment penalty while the dispute stands, and its "
        "recovery indemnity is not claimed until the dispute is resolved. On: the dispute changes nothing.",
    )
    dunning_penalty_account_id = fields.Many2one(
        comodel_name="account.account",
        string="Penalty Income Account",
        check_company=True,
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Account of the penalty and indemnity lines; when empty, the default account of the sales journal.",
    )
    dunning_bank_account_id = fields.Many2one(
        comodel_name="res.partner.bank",
        string="Bank Account for Payments",
        compute="_compute_dunning_bank_account_id",
        store=True,
        readonly=False,
        domain="[('partner_id', '=', partner_id)]",
        help="Account whose IBAN and BIC are printed on follow-up letters; by default the company's first one.",
    )

    @api.depends("partner_id.bank_ids")
    def _compute_dunning_bank_account_id(self):
        """Default payment account: keep a chosen account of the company, else take its first one."""
        for company in self:
            if company.dunning_bank_account_id not in company.partner_id.bank_ids:
                company.dunning_bank_account_id = company.partner_id.bank_ids[:1]

    @api.constrains("dunning_rate_mode", "dunning_fixed_rate", "dunning_rate_margin")
    def _check_dunning_letter_settings(self):
        """Rates are percentages between 0 and 100, and a contractual rate applied today is not below the legal
        floor: three times the legal interest rate of the half-year (L441-10)."""
        today = fields.Date.context_today(self)
        for company in self:
            if not 0.0 <= company.dunning_fixed_rate <= 100.0:
                raise ValidationError(self.env._("The fixed late-payment rate must be between 0 and 100 %."))
            if not 0.0 <= company.dunning_rate_margin <= 100.0:
                raise ValidationError(self.env._("The margin over the ECB rate must be between 0 and 100 points."))
            # the legal default (ECB + 10 points) is the law's own rate; a contractual rate (fixed, or another
            # margin) may not be lower than three times the legal interest rate
            contractual = company.dunning_rate_mode == "fixed" or company.dunning_rate_margin != LEGAL_MARGIN
            floor = company._dunning_rate_floor(today) if contractual else None
            rate = company._dunning_penalty_rate_segments(today, today)[0]["rate"]
            if floor is not None and rate < floor:
                # the figures are formatted outside the call: Babel's extraction of the message cannot read f-strings
                figures = {"rate": f"{rate:.2f}", "floor": f"{floor:.2f}", "legal": f"{floor / 3:.2f}"}
                raise ValidationError(
                    self.env._(
                        "A late-payment rate of %(rate)s %% is below the legal floor of %(floor)s %% (three times the "
                        "legal interest rate of %(legal)s %% of this half-year, French Commercial Code L441-10): "
                        "raise the fixed rate or the margin.",
                        **figures,
                    )
                )

    # ------------------------------------------------------------------
    # Late-payment rate
    # ------------------------------------------------------------------
    def _dunning_rate_floor(self, day):
        """Lowest contractual late-payment rate allowed on a day: 3 x the legal rate (other cases), or None."""
        legal = self.env["account.dunning.legal.rate"]._dunning_rate_at(day)
        return None if legal is None else round(3 * legal, 2)

    def _dunning_penalty_rate_segments(self, date_from, date_to, ecb_table=None):
        """L441-10 rate of [date_from, date_to] (inclusive), split at half-year starts.

        Returns [{date_from, date_to, rate, ecb, margin}]: rate = ECB rate of the half-year + margin, or the fixed
        contractual rate (ecb None).
        """
        self.ensure_one()
        if date_from > date_to:
            return []
        if self.dunning_rate_mode == "fixed":
            rate = self.dunning_fixed_rate
            return [{"date_from": date_from, "date_to": date_to, "rate": rate, "ecb": None, "margin": None}]
        ecb_model = self.env["account.dunning.ecb.rate"]
        table = ecb_model._dunning_rate_table() if ecb_table is None else ecb_table
        segments = []
        start = date_from
        while start <= date_to:
            half_year_end = date(start.year, 6, 30) if start.month <= 6 else date(start.year, 12, 31)
            end = min(half_year_end, date_to)
            ecb = ecb_model._dunning_rate_at(start, table=table)
            margin = self.dunning_rate_margin
            segments.append({"date_from": start, "date_to": end, "rate": ecb + margin, "ecb": ecb, "margin": margin})
            start = end + timedelta(days=1)
        return segments

    @api.model
    def _dunning_public_buyer_rate(self, interest_start, ecb_table=None):
        """Late-payment interest of a public buyer (Code de la commande publique R2192-31): the ECB rate in force on
        the first day of the half-year in which the interest started, + 8 points, for the whole delay."""
        ecb = self.env["account.dunning.ecb.rate"]._dunning_rate_at(interest_start, table=ecb_table)
        return {"rate": ecb + PUBLIC_BUYER_MARGIN, "ecb": ecb, "margin": PUBLIC_BUYER_MARGIN}

    @api.model
    def _dunning_rate_table_warnings(self, day):
        """What is missing in the rate tables for the half-year of a day, with the value used instead."""
        half_year = date(day.year, 1, 1) if day.month <= 6 else date(day.year, 7, 1)
        warnings = []
        ecb_model = self.env["account.dunning.ecb.rate"].sudo()
        if not ecb_model.search_count([("date", "=", half_year)], limit=1):
            rate = f"{ecb_model._dunning_rate_at(day):.2f}"
            warnings.append(
                self.env._(
                    "No ECB rate is entered for the half-year starting %(start)s: penalties use %(rate)s %%, the "
                    "latest rate entered. Enter the new rate (Invoicing > Configuration > Invoicing > ECB Rates "
                    "(Late Payments)).",
                    start=format_date(self.env, half_year),
                    rate=rate,
                )
            )
        legal_model = self.env["account.dunning.legal.rate"].sudo()
        if not legal_model.search_count([("date", "=", half_year)], limit=1):
            latest = legal_model._dunning_rate_at(day)
            rate = "-" if latest is None else f"{latest:.2f}"
            warnings.append(
                self.env._(
                    "No legal interest rate is entered for the half-year starting %(start)s: the legal floor uses "
                    "%(rate)s %%, the latest rate entered. Enter the new rates (Invoicing > Configuration > "
                    "Invoicing > Legal Interest Rates).",
                    start=format_date(self.env, half_year),
                    rate=rate,
                )
            )
        return warnings

    # ------------------------------------------------------------------
    # Payment instructions
    # ------------------------------------------------------------------
    def _dunning_payment_bank_account(self):
        """Bank account printed on letters; its IBAN and BIC must be valid, else a UserError names it."""
        self.ensure_one()
        account = self.dunning_bank_account_id
        if not account:
            raise UserError(
                self.env._(
                    "Set the bank account for payments of %(company)s in the Accounting settings (Follow-up letters).",
                    company=self.display_name,
                )
            )
        account._dunning_check_iban_bic()
        return account

    @api.model
    def _dunning_rf_reference(self, base):
        """ISO 11649 creditor reference: 'RF' + mod 97-10 check digits + the base (letters and digits, max 21)."""
        body = re.sub(r"[^0-9A-Za-z]", "", base or "").upper()
        if not body or len(body) > 21:
            raise UserError(
                self.env._(
                    "Cannot build a creditor reference from %(base)s: it needs 1 to 21 letters or digits.",
                    base=base,
                )
            )
        reference = "RF" + mod_97_10.calc_check_digits(body + "RF") + body
        return iso11649.validate(reference)

    @api.model
    def _dunning_amount_in_words(self, amount, currency, lang=None):
        """Amount in words with its currency, in French or English (other languages fall back to English)."""
        language = "fr" if (lang or "").startswith("fr") else "en"
        amount = currency.round(amount)
        try:
            return num2words(amount, lang=language, to="currency", currency=currency.name)
        except NotImplementedError:
            # num2words knows no unit names for this currency: spell the numbers, name the currency ourselves
            integral = int(amount)
            cents = round((amount - integral) * 10**currency.decimal_places)
            words = f"{num2words(integral, lang=language)} {currency.currency_unit_label or currency.name}"
            if cents:
                joiner = "et" if language == "fr" else "and"
                words += f" {joiner} {num2words(cents, lang=language)} {currency.currency_subunit_label or ''}"
            return words.strip()
