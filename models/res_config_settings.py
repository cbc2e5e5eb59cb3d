from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .account_dunning_job_cursor import SLICE_SIZE, TIME_BUDGET


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Follow-up run settings (issue 4: scenarios, levels and the daily run).
    dunning_min_amount = fields.Monetary(
        related="company_id.dunning_min_amount", readonly=False, currency_field="currency_id"
    )
    dunning_send_enabled = fields.Boolean(related="company_id.dunning_send_enabled", readonly=False)
    dunning_responsible_id = fields.Many2one(related="company_id.dunning_responsible_id", readonly=False)
    dunning_max_retries = fields.Integer(related="company_id.dunning_max_retries", readonly=False)
    dunning_weekly_digest = fields.Boolean(related="company_id.dunning_weekly_digest", readonly=False)
    # Scheduled jobs in slices (system parameters: they follow the server's worker limits, not a company).
    dunning_job_time_budget = fields.Integer(
        string="Time per job run (seconds)",
        config_parameter=TIME_BUDGET[0],
        default=TIME_BUDGET[1],
        help="A nightly job works this long at most, slice after slice, then lets the scheduler call it again.",
    )
    dunning_job_slice_size = fields.Integer(
        string="Customers per slice",
        config_parameter=SLICE_SIZE[0],
        default=SLICE_SIZE[1],
        help="The daily run commits its work after this many customers (and makes one queue job of them when "
        "queue jobs are used).",
    )
    dunning_setup_checklist = fields.Html(
        string="Follow-up Setup Checklist", compute="_compute_dunning_setup_checklist", sanitize=False
    )

    @api.constrains("dunning_job_time_budget", "dunning_job_slice_size")
    def _check_dunning_job_slices(self):
        """A time budget of 5 s to 1 h, 1 to 5,000 customers per slice."""
        for settings in self:
            for value, (_key, _default, low, high), label in (
                (settings.dunning_job_time_budget, TIME_BUDGET, self.env._("The time per job run")),
                (settings.dunning_job_slice_size, SLICE_SIZE, self.env._("The customers per slice")),
            ):
                if not low <= value <= high:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s must be between %(low)s and %(high)s.", setting=label, low=low, high=high
                        )
                    )

    @api.depends("company_id")
    def _compute_dunning_setup_checklist(self):
        """What the company still lacks before real follow-ups go out, with where to fix each item."""
        for settings in self:
            settings.dunning_setup_checklist = settings.company_id._dunning_setup_checklist_html()

    # Follow-up letters: penalties, indemnity and payment instructions (stored on the company).
    dunning_notice_days = fields.Integer(related="company_id.dunning_notice_days", readonly=False)
    dunning_rate_mode = fields.Selection(related="company_id.dunning_rate_mode", readonly=False)
    dunning_rate_margin = fields.Float(related="company_id.dunning_rate_margin", readonly=False)
    dunning_fixed_rate = fields.Float(related="company_id.dunning_fixed_rate", readonly=False)
    dunning_penalty_during_dispute = fields.Boolean(related="company_id.dunning_penalty_during_dispute", readonly=False)
    dunning_penalty_account_id = fields.Many2one(related="company_id.dunning_penalty_account_id", readonly=False)
    dunning_indemnity_account_id = fields.Many2one(related="company_id.dunning_indemnity_account_id", readonly=False)
    dunning_letter_batch_days = fields.Integer(related="company_id.dunning_letter_batch_days", readonly=False)
    dunning_bank_account_id = fields.Many2one(related="company_id.dunning_bank_account_id", readonly=False)
    dunning_company_partner_id = fields.Many2one(related="company_id.partner_id")
    dunning_ecb_rate_ids = fields.Many2many(
        comodel_name="account.dunning.ecb.rate",
        string="ECB Rates",
        compute="_compute_dunning_ecb_rate_ids",
    )
    dunning_legal_rate_ids = fields.Many2many(
        comodel_name="account.dunning.legal.rate",
        string="Legal Interest Rates",
        compute="_compute_dunning_ecb_rate_ids",
    )
    dunning_rate_floor = fields.Float(
        string="Legal Floor Today (%)",
        digits=(6, 2),
        compute="_compute_dunning_current_penalty_rate",
        help="Three times the legal interest rate (other cases) of the half-year: the lowest contractual rate allowed.",
    )
    dunning_rate_warning = fields.Text(compute="_compute_dunning_current_penalty_rate")
    dunning_current_penalty_rate = fields.Float(
        string="Penalty Rate Today (%)",
        digits=(6, 2),
        compute="_compute_dunning_current_penalty_rate",
    )

    @api.depends("company_id")
    def _compute_dunning_ecb_rate_ids(self):
        """The last twelve half-year ECB rates (six years), newest first; the menu lists them all."""
        rates = self.env["account.dunning.ecb.rate"].search([], order="date desc", limit=12)
        legal_rates = self.env["account.dunning.legal.rate"].search([], order="date desc", limit=8)
        for settings in self:
            settings.dunning_ecb_rate_ids = rates
            settings.dunning_legal_rate_ids = legal_rates

    @api.depends("dunning_rate_mode", "dunning_rate_margin", "dunning_fixed_rate")
    def _compute_dunning_current_penalty_rate(self):
        """Annual penalty rate of today with the settings as edited: fixed rate, or today's ECB rate + margin."""
        today = fields.Date.context_today(self)
        ecb_today = self.env["account.dunning.ecb.rate"]._dunning_rate_at(today)
        for settings in self:
            if settings.dunning_rate_mode == "fixed":
                settings.dunning_current_penalty_rate = settings.dunning_fixed_rate
            else:
                settings.dunning_current_penalty_rate = ecb_today + settings.dunning_rate_margin
            settings.dunning_rate_floor = settings.company_id._dunning_rate_floor(today) or 0.0
            warnings = settings.company_id._dunning_rate_table_warnings(today)
            settings.dunning_rate_warning = "\n".join(warnings) or False

    @api.model_create_multi
    def create(self, vals_list):
        """A payment account newly chosen for the letters must have a valid IBAN and BIC; the late-payment rate
        is written at once (mode, margin and fixed rate), so the legal floor is checked on the rate chosen, not on
        a half-saved one."""
        for vals in vals_list:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            bank_id = vals.get("dunning_bank_account_id")
            if bank_id and company.dunning_bank_account_id.id != bank_id:
                self.env["res.partner.bank"].browse(bank_id)._dunning_check_iban_bic()
            rate_vals = {
                fname: vals[fname]
                for fname in ("dunning_rate_mode", "dunning_rate_margin", "dunning_fixed_rate")
                if fname in vals
            }
            if rate_vals:
                company.write(rate_vals)
        return super().create(vals_list)

    # Payment behaviour and tolerance settings, held by the company's current policy (policy settings model).
    dunning_behaviour_window_days = fields.Integer(related="company_id.dunning_policy_id.window_days", readonly=False)
    dunning_behaviour_grace_days = fields.Integer(related="company_id.dunning_policy_id.grace_days", readonly=False)
    dunning_behaviour_min_history = fields.Integer(related="company_id.dunning_policy_id.min_history", readonly=False)
    dunning_tolerance_method = fields.Selection(related="company_id.dunning_policy_id.tolerance_method", readonly=False)
    dunning_tolerance_late_days = fields.Integer(related="company_id.dunning_policy_id.late_days", readonly=False)
    dunning_tolerance_risk_percent = fields.Integer(related="company_id.dunning_policy_id.risk_percent", readonly=False)
    dunning_tolerance_prior_weight = fields.Float(related="company_id.dunning_policy_id.prior_weight", readonly=False)
    dunning_tolerance_statistic = fields.Selection(related="company_id.dunning_policy_id.statistic", readonly=False)
    dunning_tolerance_margin_days = fields.Integer(related="company_id.dunning_policy_id.margin_days", readonly=False)
    dunning_tolerance_new_days = fields.Integer(related="company_id.dunning_policy_id.new_days", readonly=False)
    dunning_tolerance_cap_good = fields.Integer(related="company_id.dunning_policy_id.cap_good", readonly=False)
    dunning_tolerance_cap_occasional = fields.Integer(
        related="company_id.dunning_policy_id.cap_occasional", readonly=False
    )
    dunning_tolerance_cap_risky = fields.Integer(related="company_id.dunning_policy_id.cap_risky", readonly=False)
    dunning_tolerance_cap_bad = fields.Integer(related="company_id.dunning_policy_id.cap_bad", readonly=False)
    dunning_tolerance_growth_days = fields.Integer(related="company_id.dunning_policy_id.growth_days", readonly=False)
    dunning_tolerance_large_factor = fields.Float(related="company_id.dunning_policy_id.large_factor", readonly=False)
    dunning_tolerance_balance_factor = fields.Float(
        related="company_id.dunning_policy_id.balance_factor", readonly=False
    )
    dunning_tolerance_dispute_days = fields.Integer(related="company_id.dunning_policy_id.dispute_days", readonly=False)
    dunning_new_invoice_days = fields.Integer(related="company_id.dunning_policy_id.new_invoice_days", readonly=False)
