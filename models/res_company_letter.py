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
        help="Account of the penalty lines (and of the indemnity lines when no indemnity account is set); when "
        "empty: 7631 of the French chart when it is installed, else the default account of the sales journal.",
    )
    dunning_indemnity_account_id = fields.Many2one(
        comodel_name="account.account",
        string="Indemnity Income Account",
        check_company=True,
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Account of the 40 EUR recovery indemnity lines; when empty: 7588 of the French chart when it is "
        "installed, else the penalty income account.",
    )
    dunning_letter_batch_days = fields.Integer(
        string="Keep Merged Letter PDFs (days)",
        default=90,
        help="The merged PDFs made to print several letters at once are deleted after these days (each letter stays "
        "on its follow-up).",
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

    @api.constrains("dunning_rate_mode", "dunning_fixed_rate", "dunning_rate_margin", "dunning_letter_batch_days")
    def _check_dunning_letter_settings(self):
        """Rates are percentages between 0 and 100, and a contractual rate chosen today is not below today's legal
        floor: three times the legal interest rate of the half-year (L441-10). Past and future half-years have
        their own floor, applied to the penalties of their days (_dunning_penalty_rate_segments)."""
        today = fields.Date.context_today(self)
        for company in self:
            if not 0.0 <= company.dunning_fixed_rate <= 100.0:
                raise ValidationError(self.env._("The fixed late-payment rate must be between 0 and 100 %."))
            if not 0.0 <= company.dunning_rate_margin <= 100.0:
                raise ValidationError(self.env._("The margin over the ECB rate must be between 0 and 100 points."))
            if company.dunning_letter_batch_days < 1:
                raise ValidationError(self.env._("Merged letter PDFs are kept at least one day."))
            floor = company._dunning_rate_floor(today) if company._dunning_rate_is_contractual() else None
            rate = company._dunning_contract_rate(today)["rate"]
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
    def _dunning_rate_is_contractual(self):
        """The legal default (ECB + 10 points) is the law's own rate; any other (a fixed rate, another margin) is a
        contractual rate, which may not be lower than three times the legal interest rate (L441-10)."""
        self.ensure_one()
        return self.dunning_rate_mode == "fixed" or self.dunning_rate_margin != LEGAL_MARGIN

    def _dunning_rate_floor(self, day, legal_table=None):
        """Lowest contractual late-payment rate allowed on a day: 3 x the legal rate (other cases), or None."""
        legal = self.env["account.dunning.legal.rate"]._dunning_rate_at(day, table=legal_table)
        return None if legal is None else round(3 * legal, 2)

    def _dunning_contract_rate(self, day, ecb_table=None):
        """The rate of the settings on a day, before the legal floor: {rate, ecb, margin, legal} (ecb None: fixed
        rate; legal None: no floor applied)."""
        self.ensure_one()
        if self.dunning_rate_mode == "fixed":
            return {"rate": self.dunning_fixed_rate, "ecb": None, "margin": None, "legal": None}
        ecb = self.env["account.dunning.ecb.rate"]._dunning_rate_at(day, table=ecb_table)
        margin = self.dunning_rate_margin
        return {"rate": ecb + margin, "ecb": ecb, "margin": margin, "legal": None}

    def _dunning_penalty_rate_segments(self, date_from, date_to, ecb_table=None, legal_table=None):
        """L441-10 rate of [date_from, date_to] (inclusive), split at half-year starts.

        Returns [{date_from, date_to, rate, ecb, margin, legal}]: rate = ECB rate of the half-year + margin, or the
        fixed contractual rate (ecb None). A contractual rate below three times the legal interest rate of a
        half-year gives way to that floor for the days of that half-year (legal: the legal rate it is made of).
        """
        self.ensure_one()
        if date_from > date_to:
            return []
        ecb_table = self.env["account.dunning.ecb.rate"]._dunning_rate_table() if ecb_table is None else ecb_table
        contractual = self._dunning_rate_is_contractual()
        legal_model = self.env["account.dunning.legal.rate"]
        if contractual and legal_table is None:
            legal_table = legal_model._dunning_rate_table()
        segments = []
        start = date_from
        while start <= date_to:
            half_year_end = date(start.year, 6, 30) if start.month <= 6 else date(start.year, 12, 31)
            segment = self._dunning_contract_rate(start, ecb_table=ecb_table)
            legal = legal_model._dunning_rate_at(start, table=legal_table) if contractual else None
            if legal is not None and segment["rate"] < round(3 * legal, 2):
                segment = {"rate": round(3 * legal, 2), "ecb": None, "margin": None, "legal": legal}
            segments.append(dict(segment, date_from=start, date_to=min(half_year_end, date_to)))
            start = segments[-1]["date_to"] + timedelta(days=1)
        return segments

    @api.model
    def _dunning_public_buyer_rate(self, interest_start, ecb_table=None):
        """Late-payment interest of a public buyer (Code de la commande publique R2192-31): the ECB rate in force on
        the first day of the half-year in which the interest started, + 8 points, for the whole delay."""
        ecb = self.env["account.dunning.ecb.rate"]._dunning_rate_at(interest_start, table=ecb_table)
        return {"rate": ecb + PUBLIC_BUYER_MARGIN, "ecb": ecb, "margin": PUBLIC_BUYER_MARGIN, "legal": None}

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

    def _dunning_french_chart_account(self, prefix):
        """The company's account whose code starts with prefix, when its chart of accounts is the French one."""
        self.ensure_one()
        if (self.root_id.chart_template or self.chart_template) != "fr":
            return self.env["account.account"]
        accounts = self.env["account.account"].with_company(self)
        return accounts.search(
            [*accounts._check_company_domain(self), ("code", "=like", f"{prefix}%"), ("deprecated", "=", False)],
            order="code",
            limit=1,
        )

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
