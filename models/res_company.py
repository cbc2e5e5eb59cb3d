import re
from datetime import date, timedelta

from num2words import num2words
from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    # Follow-up run settings (issue 4: scenarios, levels and the daily run).
    dunning_min_amount = fields.Monetary(
        string="Follow-up Minimum Amount",
        currency_field="currency_id",
        help="Customers owing less than this amount (company currency) are not followed up.",
    )
    dunning_send_enabled = fields.Boolean(
        string="Send Follow-ups Automatically",
        default=False,
        help="Safety switch: while off, every follow-up waits in 'To validate' until an accountant sends it.",
    )
    dunning_responsible_id = fields.Many2one(
        "res.users",
        string="Default Collections Responsible",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Owns the follow-up tasks (calls, litigation, failures) and signs the letters of customers without a "
        "responsible or salesperson of their own. Required once follow-ups are sent automatically.",
    )
    dunning_max_retries = fields.Integer(
        string="Attempts per Failing Follow-up",
        default=3,
        help="A follow-up that fails (e.g. a broken template) is retried by the daily run on the same record up to "
        "this number of attempts; then its responsible gets a task and the run waits for a fix.",
    )

    @api.constrains("dunning_send_enabled", "dunning_responsible_id")
    def _check_dunning_responsible(self):
        """Follow-ups sent automatically need someone real to own their tasks."""
        for company in self:
            if company.dunning_send_enabled and not company.dunning_responsible_id.active:
                raise ValidationError(
                    self.env._(
                        "Choose an active default collections responsible for %(company)s before sending follow-ups "
                        "automatically: calls, litigation and failures need an owner.",
                        company=company.display_name,
                    )
                )

    def _dunning_manager(self):
        """Who is told when a follow-up job fails for the company: its default collections responsible, else its
        first active accounting manager (None when it has neither)."""
        self.ensure_one()
        if self.dunning_responsible_id.active:
            return self.dunning_responsible_id
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("share", "=", False),
                    ("company_ids", "in", self.id),
                    ("groups_id", "in", self.env.ref("account.group_account_manager").id),
                ],
                order="id",
                limit=1,
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._dunning_create_default_scenarios()
        self.env["account.dunning.segment.rule"]._dunning_create_default_rules(companies)
        return companies

    def _dunning_create_default_scenarios(self):
        """A new company starts with a copy of the default follow-up scenarios, one per risk segment."""
        defaults = self.env["account.dunning.scenario"]
        for segment in ("new", "good", "occasional", "risky", "bad"):
            defaults |= (
                self.env.ref(f"account_dunning.account_dunning_scenario_{segment}", raise_if_not_found=False)
                or defaults
            )
        defaults = defaults.sudo().filtered("active")
        for company in self:
            for scenario in defaults.filtered(lambda scenario, company=company: scenario.company_id != company):
                scenario.copy({"company_id": company.id, "name": scenario.name})

    @api.model
    def _dunning_init_default_scenarios(self):
        """At installation, companies other than the main one get the default scenarios too."""
        with_scenarios = (
            self.env["account.dunning.scenario"].with_context(active_test=False)._read_group([], ["company_id"])
        )
        done = {company.id for (company,) in with_scenarios}
        self.search([("id", "not in", list(done))])._dunning_create_default_scenarios()

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
        "legal interest rate; this is not checked here.",
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

    @api.constrains("dunning_fixed_rate", "dunning_rate_margin")
    def _check_dunning_letter_settings(self):
        """Rates are percentages between 0 and 100."""
        for company in self:
            if not 0.0 <= company.dunning_fixed_rate <= 100.0:
                raise ValidationError(self.env._("The fixed late-payment rate must be between 0 and 100 %."))
            if not 0.0 <= company.dunning_rate_margin <= 100.0:
                raise ValidationError(self.env._("The margin over the ECB rate must be between 0 and 100 points."))

    # ------------------------------------------------------------------
    # Late-payment rate
    # ------------------------------------------------------------------
    def _dunning_penalty_rate_segments(self, date_from, date_to, ecb_table=None):
        """Split [date_from, date_to] (inclusive) at half-year starts: [(start, end, annual rate %), ...]."""
        self.ensure_one()
        if date_from > date_to:
            return []
        if self.dunning_rate_mode == "fixed":
            return [(date_from, date_to, self.dunning_fixed_rate)]
        table = self.env["account.dunning.ecb.rate"]._dunning_rate_table() if ecb_table is None else ecb_table
        segments = []
        start = date_from
        while start <= date_to:
            half_year_end = date(start.year, 6, 30) if start.month <= 6 else date(start.year, 12, 31)
            end = min(half_year_end, date_to)
            rate = self.env["account.dunning.ecb.rate"]._dunning_rate_at(start, table=table) + self.dunning_rate_margin
            segments.append((start, end, rate))
            start = end + timedelta(days=1)
        return segments

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

    # Payment behaviour: how the customers' statistics, segments and tolerances are computed.
    dunning_behaviour_window_days = fields.Integer(
        string="Payment History Window (days)",
        default=365,
        help="Invoices fully paid during these last days make a customer's payment statistics.",
    )
    dunning_behaviour_grace_days = fields.Integer(
        string="Late Payment Grace (days)",
        default=0,
        help="An invoice counts as paid late when it is paid more than these days after its due date.",
    )
    dunning_behaviour_min_history = fields.Integer(
        string="Minimum Payment History",
        default=3,
        help="Below this number of paid invoices in the window, a customer is new: its history is too thin.",
    )
    dunning_tolerance_statistic = fields.Selection(
        selection=[
            ("avg", "Amount-weighted average delay"),
            ("median", "Median delay"),
            ("p75", "75th percentile of the delays"),
        ],
        string="Tolerance Based On",
        default="median",
        required=True,
        help="Which usual delay of the customer its personal tolerance starts from.",
    )
    dunning_tolerance_margin_days = fields.Integer(
        string="Tolerance Margin (days)",
        default=2,
        help="Days added to the customer's usual delay to make its personal tolerance.",
    )
    dunning_tolerance_new_days = fields.Integer(
        string="Tolerance of New Customers (days)",
        default=5,
        help="Personal tolerance of a customer whose history is too thin (segment New).",
    )
    dunning_tolerance_cap_good = fields.Integer(string="Tolerance Cap, Good Payers (days)", default=20)
    dunning_tolerance_cap_occasional = fields.Integer(string="Tolerance Cap, Occasional Late Payers (days)", default=14)
    dunning_tolerance_cap_risky = fields.Integer(string="Tolerance Cap, Risky Customers (days)", default=0)
    dunning_tolerance_cap_bad = fields.Integer(string="Tolerance Cap, Bad Payers (days)", default=0)

    @api.model
    def _dunning_setting_bounds(self):
        """Sane range of each numeric follow-up setting: {field: (minimum, maximum)}."""
        return {
            "dunning_behaviour_window_days": (30, 3650),
            "dunning_behaviour_grace_days": (0, 90),
            "dunning_behaviour_min_history": (1, 50),
            "dunning_tolerance_margin_days": (0, 60),
            "dunning_tolerance_new_days": (0, 60),
            "dunning_tolerance_cap_good": (0, 120),
            "dunning_tolerance_cap_occasional": (0, 120),
            "dunning_tolerance_cap_risky": (0, 120),
            "dunning_tolerance_cap_bad": (0, 120),
            "dunning_notice_days": (1, 60),
            "dunning_max_retries": (1, 10),
        }

    @api.constrains(
        "dunning_behaviour_window_days",
        "dunning_behaviour_grace_days",
        "dunning_behaviour_min_history",
        "dunning_tolerance_margin_days",
        "dunning_tolerance_new_days",
        "dunning_tolerance_cap_good",
        "dunning_tolerance_cap_occasional",
        "dunning_tolerance_cap_risky",
        "dunning_tolerance_cap_bad",
        "dunning_notice_days",
        "dunning_max_retries",
        "dunning_min_amount",
    )
    def _check_dunning_setting_bounds(self):
        """Each follow-up setting stays within its sane range; the minimum amount is not negative."""
        for company in self:
            for fname, (low, high) in self._dunning_setting_bounds().items():
                if not low <= company[fname] <= high:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s must be between %(low)s and %(high)s (got %(value)s).",
                            setting=self._fields[fname].get_description(self.env)["string"],
                            low=low,
                            high=high,
                            value=company[fname],
                        )
                    )
            if company.currency_id.compare_amounts(company.dunning_min_amount, 0.0) < 0:
                raise ValidationError(self.env._("The follow-up minimum amount cannot be negative."))

    def _dunning_tolerance_cap(self, segment):
        """Most personal tolerance a customer of this segment may get (None: no cap for unknown segments)."""
        self.ensure_one()
        field = f"dunning_tolerance_cap_{segment}"
        return self[field] if field in self._fields else None
