from markupsafe import Markup

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, formatLang

from ..tools.security import check_billing


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    # Invoicing the penalties and indemnities computed in account_move_penalty.py.
    def _dunning_check_penalty_sources(self, to_date=None):
        """Penalties are invoiced from posted customer invoices of one customer and one company, never from an
        invoice born before the customer's collective proceedings (nothing of it may be chased or paid)."""
        if not self:
            raise UserError(self.env._("Select the late invoices whose penalties you want to invoice."))
        wrong = self.filtered(lambda m: m.move_type != "out_invoice" or m.state != "posted")
        if wrong:
            raise UserError(
                self.env._(
                    "Penalties are only invoiced from posted customer invoices; not from: %(moves)s.",
                    moves=", ".join(wrong.mapped("display_name")),
                )
            )
        if len(self.commercial_partner_id) > 1 or len(self.company_id) > 1:
            raise UserError(
                self.env._(
                    "Select invoices of a single customer and company to invoice their penalties (got: %(partners)s).",
                    partners=", ".join(self.commercial_partner_id.mapped("display_name")),
                )
            )
        if len(self.currency_id) > 1:
            raise UserError(
                self.env._(
                    "Penalties are invoiced in the currency of the late invoices: select invoices of one currency "
                    "(got: %(currencies)s).",
                    currencies=", ".join(self.currency_id.mapped("name")),
                )
            )
        to_date = to_date or fields.Date.context_today(self)
        judgments = self._dunning_proceedings_dates()
        frozen = self.filtered(lambda m: judgments[m.id] and judgments[m.id] <= to_date)
        if frozen:
            raise UserError(
                self.env._(
                    "%(customer)s is in collective proceedings since %(date)s: the invoices dated before it "
                    "(%(invoices)s) can no longer be charged anything. Declare them to the mandataire judiciaire, "
                    "with the penalties accrued until the judgment (Print Declaration on the proceedings).",
                    customer=frozen.commercial_partner_id.display_name,
                    date=format_date(self.env, judgments[frozen[0].id]),
                    invoices=", ".join(frozen.mapped("name")),
                )
            )

    def _dunning_penalty_account(self, kind="penalty"):
        """Income account of the penalty line (kind "penalty") or of the indemnity line (kind "indemnity"): the one
        of the settings, else the French chart's account when it is installed (7631 income from trade receivables;
        7588 for the indemnity), else the penalty account, else the sales journal's default account."""
        self.ensure_one()
        company = self.company_id
        if kind == "indemnity":
            account = (
                company.dunning_indemnity_account_id
                or company._dunning_french_chart_account("7588")
                or company.dunning_penalty_account_id
            )
        else:
            account = company.dunning_penalty_account_id
        account = account or company._dunning_french_chart_account("7631") or self.journal_id.default_account_id
        if not account:
            raise UserError(
                self.env._(
                    "Set the penalty income account in the Accounting settings (Follow-up letters) "
                    "or a default account on the journal %(journal)s.",
                    journal=self.journal_id.display_name,
                )
            )
        return account

    def _dunning_rate_label(self, period, env=None):
        """How the rate of a penalty period is made, for the debtor to check it: "12.15 % (ECB 2.15 % + 10
        points)", the contractual rate, or the legal floor that replaced a lower contractual rate."""
        env = env or self.env
        if period.get("legal") is not None:
            return env._(
                "%(rate)s %% (legal floor: 3 x the legal interest rate of %(legal)s %%)",
                rate=formatLang(env, period["rate"]),
                legal=formatLang(env, period["legal"]),
            )
        if period.get("ecb") is None:
            return env._("%(rate)s %% (contractual rate)", rate=formatLang(env, period["rate"]))
        return env._(
            "%(rate)s %% (ECB %(ecb)s %% + %(margin)s points)",
            ecb=formatLang(env, period["ecb"]),
            margin=formatLang(env, period["margin"], digits=0),
            rate=formatLang(env, period["rate"]),
        )

    def _dunning_penalty_line_vals(self, env, periods, account):
        """The penalty line: the total, and per period the invoice, instalment, days, base and rate."""
        first = self[:1]
        currency = first.currency_id
        penalty = currency.round(sum(p["amount"] for move in self for p in periods[move.id]))
        if currency.is_zero(penalty):
            return []
        details = [
            env._(
                "%(invoice)s (due %(due)s): %(date_from)s to %(date_to)s, %(days)s days on %(base)s at %(rate)s",
                invoice=move.name,
                due=format_date(env, period["date_due"]),
                date_from=format_date(env, period["date_from"]),
                date_to=format_date(env, period["date_to"]),
                days=period["days"],
                base=formatLang(env, period["base"], currency_obj=currency),
                rate=self._dunning_rate_label(period, env),
            )
            for move in self
            for period in periods[move.id]
        ]
        if first.commercial_partner_id._dunning_debtor_type() == "public":
            title = env._("Late-payment interest (French Public Procurement Code, art. L2192-13 and R2192-31)")
        else:
            title = env._("Late-payment penalties (French Commercial Code, art. L441-10)")
        return [self._dunning_untaxed_line("\n".join([title, *details]), penalty, account)]

    def _dunning_indemnity_line_vals(self, env, indemnities, account):
        """The indemnity line: 40 EUR (in the invoice currency) per late invoice not charged before."""
        currency = self[:1].currency_id
        indemnified = self.filtered(lambda m: not currency.is_zero(indemnities[m.id]))
        if not indemnified:
            return []
        if self[:1].commercial_partner_id._dunning_debtor_type() == "public":
            title = env._("Fixed recovery indemnity (French Public Procurement Code, art. D2192-35)")
        else:
            title = env._("Fixed recovery indemnity (French Commercial Code, art. D441-5)")
        name = env._(
            "%(title)s, %(count)s late invoice(s): %(invoices)s",
            title=title,
            count=len(indemnified),
            invoices=", ".join(indemnified.mapped("name")),
        )
        amount = currency.round(sum(indemnities[m.id] for m in indemnified))
        return [self._dunning_untaxed_line(name, amount, account)]

    def _dunning_untaxed_line(self, name, amount, account):
        """Penalties and the indemnity are damages, not the price of a supply: no VAT."""
        return Command.create(
            {"name": name, "quantity": 1, "price_unit": amount, "account_id": account.id, "tax_ids": [Command.clear()]}
        )

    def _dunning_customer_env(self):
        """The environment in the customer's language (when installed), for the texts of its penalty invoice."""
        partner = self[:1].commercial_partner_id
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        return self.with_context(lang=partner.lang if partner.lang in installed else self.env.lang).env

    def _dunning_penalty_mentions(self, env):
        """The VAT mentions of a penalty invoice: penalties and the indemnity compensate a late payment, they are
        not the price of a supply, so the transaction is outside the scope of VAT."""
        return Markup("<p>{}</p><p>{}</p>").format(
            env._(
                "Late-payment penalties and the fixed recovery indemnity are not subject to VAT (they compensate a "
                "late payment and are not the price of a supply)."
            ),
            env._("Transaction outside the scope of VAT."),
        )

    def _dunning_prepare_penalty_move_vals(self, to_date, periods, indemnities):
        """Values of the draft penalty invoice, in the late invoices' currency and the customer's language: one
        penalty line and one indemnity line, without taxes (its VAT mentions are added to the company's invoice
        terms once it is created)."""
        first = self[:1]
        partner = first.commercial_partner_id
        env = self._dunning_customer_env()
        lines = self._dunning_penalty_line_vals(env, periods, first._dunning_penalty_account())
        lines += self._dunning_indemnity_line_vals(env, indemnities, first._dunning_penalty_account("indemnity"))
        return {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "company_id": first.company_id.id,
            "journal_id": first.journal_id.id,
            "currency_id": first.currency_id.id,
            "invoice_date": to_date,
            # penalties and the indemnity are due at once, not on the customer's payment terms
            "invoice_payment_term_id": False,
            "invoice_date_due": to_date,
            "dunning_penalty_date_to": to_date,
            "dunning_penalty_source_ids": [Command.set(self.ids)],
            "invoice_line_ids": lines,
        }

    def _dunning_create_penalty_move(self, to_date):
        """Draft invoice charging the penalties not yet invoiced and the indemnities not yet charged."""
        self._dunning_check_penalty_sources(to_date)
        periods = self._dunning_late_penalty_map(to_date, since_invoiced=True)
        indemnities = self._dunning_claimable_indemnity_map(to_date)
        currency = self.currency_id
        charged = self.filtered(lambda m: periods[m.id] or not currency.is_zero(indemnities[m.id]))
        if not charged:
            raise UserError(
                self.env._(
                    "Nothing to invoice on %(invoices)s: no late-payment penalty or recovery indemnity is due "
                    "(paid on time, a customer who owes no penalty, disputed, credited, or already invoiced).",
                    invoices=", ".join(self.mapped("name")),
                )
            )
        penalty_move = self.env["account.move"].create(
            charged._dunning_prepare_penalty_move_vals(to_date, periods, indemnities)
        )
        # the company's invoice terms (filled in by Odoo on creation) stay, the VAT mentions follow them
        mentions = charged._dunning_penalty_mentions(charged._dunning_customer_env())
        penalty_move.narration = Markup("{}{}").format(Markup(penalty_move.narration or ""), mentions)
        return penalty_move

    def action_dunning_invoice_penalties(self):
        """Create the draft penalty invoice of the selected late invoices and open it."""
        check_billing(self.env)
        penalty_move = self._dunning_create_penalty_move(fields.Date.context_today(self))
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": penalty_move.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {"default_move_type": "out_invoice"},
        }
