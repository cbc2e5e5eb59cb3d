import logging
from datetime import date

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.http import request

from .followup_page import DunningFollowupPage

_logger = logging.getLogger(__name__)


class DunningFollowupActions(DunningFollowupPage):
    """The customer's answers from its page: forms posted with Odoo's CSRF token (a form without it is refused
    before reaching here), counted against the link's hourly limit of answers, checked and recorded by the link's
    model methods (its own open invoices only, amounts, dates, documents). Pay now uses Odoo's payment form."""

    # ------------------------------------------------------------------
    # Form values, parsed strictly: a bad value is the customer's mistake, said in a clear message
    # ------------------------------------------------------------------
    def _dunning_parse_date(self, access, value):
        if not value:
            return None
        try:
            return date.fromisoformat(value.strip())
        except ValueError as error:
            raise ValidationError(access.env._("Give the date as YYYY-MM-DD, e.g. 2025-01-31.")) from error

    def _dunning_parse_amount(self, access, value):
        if not value or not value.strip():
            return 0.0
        try:
            return float(value.strip().replace(" ", "").replace(",", "."))
        except ValueError as error:
            raise ValidationError(access.env._("Give the amount as a number, e.g. 1250.50.")) from error

    def _dunning_selected_ids(self):
        return request.httprequest.form.getlist("move_ids")

    def _dunning_answer(self, token, done, record):
        """Check the link, record the answer (all or nothing), then show the page with thanks or the reason."""
        access, error = self._dunning_access(token, "post")
        if error:
            return error
        try:
            with request.env.cr.savepoint():
                record(access)
        except (ValidationError, UserError) as exc:
            return self._dunning_render_page(access, error=exc.args[0], status=400)
        return request.redirect(f"/followup/{token}?done={done}")

    @http.route("/followup/<string:token>/paid", type="http", auth="public", methods=["POST"], website=True)
    def dunning_followup_paid(self, token, payment_date=None, amount=None, reference=None, **kwargs):
        """'I have already paid': date, amount, reference and an optional proof."""
        return self._dunning_answer(
            token,
            "paid",
            lambda access: access._dunning_announce_payment(
                self._dunning_selected_ids(),
                self._dunning_parse_date(access, payment_date),
                self._dunning_parse_amount(access, amount),
                reference,
                request.httprequest.files.get("proof"),
            ),
        )

    @http.route("/followup/<string:token>/promise", type="http", auth="public", methods=["POST"], website=True)
    def dunning_followup_promise(self, token, promise_date=None, promise_amount=None, **kwargs):
        """'I will pay on …': a date and an optional amount."""
        return self._dunning_answer(
            token,
            "promise",
            lambda access: access._dunning_promise(
                self._dunning_selected_ids(),
                self._dunning_parse_date(access, promise_date),
                self._dunning_parse_amount(access, promise_amount),
            ),
        )

    @http.route("/followup/<string:token>/dispute", type="http", auth="public", methods=["POST"], website=True)
    def dunning_followup_dispute(self, token, reason_id=None, comment=None, **kwargs):
        """'I dispute this invoice': a reason, a comment and an optional document."""
        return self._dunning_answer(
            token,
            "dispute",
            lambda access: access._dunning_dispute(
                self._dunning_selected_ids(), reason_id, comment, request.httprequest.files.get("dispute_document")
            ),
        )

    # ------------------------------------------------------------------
    # Pay now: Odoo's payment form for the selected invoices
    # ------------------------------------------------------------------
    def _dunning_payment_selection(self, access, move_ids):
        """The selected invoices to pay online, their one currency and the amount they owe."""
        access._dunning_check_enabled("pay")
        if not access._dunning_payer():
            raise ValidationError(
                access.env._("Online payment needs an email address on your account: please pay by bank transfer.")
            )
        moves = access._dunning_selected_moves(move_ids)
        if len(moves.currency_id) > 1:
            raise ValidationError(
                access.env._("The selected invoices are in several currencies: pay the invoices of one currency.")
            )
        return moves, moves.currency_id, moves.currency_id.round(sum(moves.mapped("amount_residual")))

    @http.route("/followup/<string:token>/pay", type="http", auth="public", methods=["POST"], website=True)
    def dunning_followup_pay(self, token, **kwargs):
        """Show Odoo's payment form for the selected invoices (providers and methods of the company)."""
        access, error = self._dunning_access(token, "post")
        if error:
            return error
        try:
            moves, currency, amount = self._dunning_payment_selection(access, self._dunning_selected_ids())
        except ValidationError as exc:
            return self._dunning_render_page(access, error=exc.args[0], status=400)
        values = self._get_common_page_view_values(
            invoices_data={
                "partner": access._dunning_payer(),
                "company": access.company_id,
                "total_amount": amount,
                "currency": currency,
                "amount_residual": amount,
                "landing_route": f"/followup/{token}?done=online",
                "transaction_route": f"/followup/{token}/transaction/{'-'.join(map(str, moves.ids))}",
            },
        )
        if not (values["payment_methods_sudo"] or values["tokens_sudo"]):
            message = access.env._("Online payment is not available at the moment: please pay by bank transfer.")
            return self._dunning_render_page(access, error=message, status=400)
        values.update(
            amount=amount, moves=moves, access=access, company=access.company_id, page_name="dunning_followup"
        )
        return self._dunning_render("account_dunning.followup_pay_page", values)

    @http.route("/followup/<string:token>/transaction/<string:move_ids>", type="json", auth="public")
    def dunning_followup_transaction(self, token, move_ids, amount=None, access_token=None, **kwargs):
        """Create the transaction of the payment form: the amount is what the selected invoices owe now, never
        what the browser says; the customer's link is kept on the transaction (its answer once confirmed)."""
        access = request.env["account.dunning.access"]._dunning_find(token)
        if not access or not access._dunning_hit("post"):
            raise ValidationError(
                request.env._("This link is not valid any more: open the link of the latest reminder you received.")
            )
        moves, currency, due = self._dunning_payment_selection(access, move_ids.split("-"))
        if amount is not None and currency.compare_amounts(float(amount), due) != 0:
            raise ValidationError(access.env._("The amount due has changed: reload the page."))
        self._validate_transaction_kwargs(kwargs)
        partner = request.env.user.partner_id if not request.env.user._is_public() else access._dunning_payer()
        kwargs["landing_route"] = f"/followup/{token}?done=online"
        tx_sudo = self._create_transaction(
            amount=due,
            currency_id=currency.id,
            partner_id=partner.id,
            custom_create_values={"invoice_ids": [Command.set(moves.ids)], "dunning_access_id": access.id},
            **kwargs,
        )
        return tx_sudo._get_processing_values()
