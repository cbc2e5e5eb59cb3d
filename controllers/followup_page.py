import re

from odoo import fields, http
from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.http import content_disposition, request


class DunningFollowupPage(PortalAccount):
    """The customer's follow-up page, opened with the token of its link (no login), and its downloads.

    Every route first checks the token (unknown, expired or revoked: a page without any customer data) and counts
    the request against the link's hourly limit; only then does it read the customer's data, in sudo, narrowed to
    that customer and company.
    """

    def _dunning_access(self, token, kind="view"):
        """(link, None) for a valid token within its limit, in the customer's language; else (None, error page)."""
        access = request.env["account.dunning.access"]._dunning_find(token)
        if not access:
            return None, self._dunning_error_page("account_dunning.followup_page_invalid", 404)
        if not access._dunning_hit(kind):
            return None, self._dunning_error_page("account_dunning.followup_page_limited", 429)
        lang = access._dunning_lang()
        request.update_context(lang=lang)
        return access.with_context(lang=lang), None

    def _dunning_render(self, template, values, status=200):
        """Render a page of ours, in the customer's language only and without the portal footer: without the
        website app, the footer's language selector would link to addresses that do not exist."""
        return request.render(template, dict(values, no_footer=True), status=status)

    def _dunning_error_page(self, template, status):
        return self._dunning_render(template, {"page_name": "dunning_followup"}, status=status)

    def _dunning_success_message(self, access, done):
        """The thanks shown after an answer (the form redirects to the page with ?done=...)."""
        _ = access.env._
        messages = {
            "paid": _("Thank you: we noted your payment and will look for it on our bank statement."),
            "promise": _("Thank you: we noted your promise to pay."),
            "dispute": _("Thank you: we received your dispute and will come back to you."),
        }
        if done == "online":
            return self._dunning_online_result(access)
        return messages.get(done)

    def _dunning_online_result(self, access):
        """What became of the customer's latest online payment from this link: thanks only when it went through."""
        _ = access.env._
        # sudo: the link was checked; its own transactions only
        transaction = (
            request.env["payment.transaction"]
            .sudo()
            .search([("dunning_access_id", "=", access.id)], order="id desc", limit=1)
        )
        if transaction.state in ("done", "authorized"):
            return _("Thank you for your payment. It may take a moment to show on this page.")
        if transaction.state == "pending":
            return _("Your payment is being processed: it will show on this page once confirmed.")
        return _("Your payment was not completed and nothing was charged: try again, or pay by bank transfer.")

    def _dunning_render_page(self, access, error=None, success=None, status=200):
        values = access._dunning_page_values()
        values.update(error=error, success=success, page_name="dunning_followup")
        return self._dunning_render("account_dunning.followup_page", values, status=status)

    @http.route("/followup/<string:token>", type="http", auth="public", methods=["GET"], website=True, sitemap=False)
    def dunning_followup_page(self, token, done=None, **kwargs):
        access, error = self._dunning_access(token)
        if error:
            return error
        return self._dunning_render_page(access, success=self._dunning_success_message(access, done))

    @http.route(
        "/followup/<string:token>/statement", type="http", auth="public", methods=["GET"], website=True, sitemap=False
    )
    def dunning_followup_statement(self, token, **kwargs):
        """The customer's statement of open invoices, as a PDF."""
        access, error = self._dunning_access(token)
        if error:
            return error
        # sudo: the customer's own statement, authorised by its link
        report = request.env["ir.actions.report"].sudo().with_company(access.company_id)
        report = report.with_context(lang=access.env.lang)
        content, report_type = report._render_qweb_pdf("account_dunning.account_dunning_statement_report", access.ids)
        name = re.sub(r"\W+", "_", f"{access.company_id.name} {access.partner_id.name} {fields.Date.today()}")
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/pdf" if report_type == "pdf" else "text/html"),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(f"{name}.pdf")),
            ],
        )

    @http.route(
        "/followup/<string:token>/invoice/<int:move_id>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def dunning_followup_invoice(self, token, move_id, **kwargs):
        """The PDF of one of the customer's open invoices (its official document when issued)."""
        access, error = self._dunning_access(token)
        if error:
            return error
        move = access._dunning_open_moves().filtered(lambda candidate: candidate.id == move_id)
        if not move:
            return self._dunning_error_page("account_dunning.followup_page_invalid", 404)
        documents = move._get_invoice_legal_documents_all(allow_fallback=True)
        documents = [document for document in documents if document["filetype"] == "pdf"]
        if not documents:
            return self._show_report(move, "pdf", "account.account_invoices", download=True)
        content = documents[0]["content"]
        headers = self._get_http_headers(move, "pdf", content, True)
        return request.make_response(content, list(headers.items()))

    # ------------------------------------------------------------------
    # My Account: a logged-in customer reaches its page
    # ------------------------------------------------------------------
    def _dunning_my_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [
            ("commercial_partner_id", "=", partner.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
        ]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dunning_followup_count" in counters:
            # sudo: the count of the user's own open invoices, whatever the invoices it may read
            moves = request.env["account.move"].sudo()
            values["dunning_followup_count"] = moves.search_count(self._dunning_my_domain())
        return values

    @http.route("/my/followup", type="http", auth="user", website=True, sitemap=False)
    def dunning_my_followup(self, **kwargs):
        """The logged-in customer's follow-up page: straight to it with one company, else a choice."""
        partner = request.env.user.partner_id.commercial_partner_id
        # sudo: the user's own open invoices, to find the companies it owes
        groups = request.env["account.move"].sudo()._read_group(self._dunning_my_domain(), ["company_id"])
        access_model = request.env["account.dunning.access"]
        links = [access_model._dunning_get_for(partner, company)[partner.id] for (company,) in groups]
        if len(links) == 1:
            return request.redirect(f"/followup/{links[0].token}")
        values = {"links": links, "page_name": "dunning_followup"}
        return self._dunning_render("account_dunning.followup_my_page", values)
