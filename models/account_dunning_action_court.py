import base64
from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools.pdf import merge_pdf

from ..tools.security import check_billing

#: ceiling of the simplified recovery of small claims by a commissaire de justice (Code des procédures civiles
#: d'exécution L125-1, R125-1)
SMALL_CLAIMS_LIMIT_EUR = 5000.0


class AccountDunningAction(models.Model):
    _inherit = "account.dunning.action"  # pylint: disable=consider-merging-classes-inherited

    # The court file of a customer at litigation: the request for an order to pay (injonction de payer, Code de
    # procédure civile 1405 and following) with the fields of its official form (Cerfa 12948) filled in, then the
    # invoices, the formal notice and its proof of receipt, as one PDF.
    court_file_attachment_id = fields.Many2one("ir.attachment", string="Court File", readonly=True, copy=False)
    level_to_litigation = fields.Boolean(related="level_id.to_litigation")

    def _get_court_file_moves(self):
        """The customer's open invoices in litigation in the company, those not time-barred (one search)."""
        self.ensure_one()
        moves = self.env["account.move"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("commercial_partner_id", "=", self.partner_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("dunning_litigation", "=", True),
            ],
            order="invoice_date_due, id",
        )
        today = fields.Date.context_today(self)
        barred = moves._dunning_time_barred_dates()
        return moves.filtered(lambda move: not barred[move.id] or barred[move.id] > today)

    def _get_court_file_notice(self, moves):
        """The latest formal notice sent to the customer about any of these invoices."""
        self.ensure_one()
        return self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("partner_id", "=", self.partner_id.id),
                ("state", "=", "done"),
                ("level_id.letter_variant", "=", "formal_notice"),
                ("move_ids", "in", moves.ids),
            ],
            order="sent_date desc, id desc",
            limit=1,
        )

    def _get_court_file_values(self):
        """Everything the request for an order to pay prints, computed once."""
        self.ensure_one()
        debtor_type = self.partner_id._dunning_debtor_type()
        if debtor_type == "public":
            raise UserError(
                self.env._(
                    "%(customer)s is a public buyer: an order to pay cannot be requested against it. The way is the "
                    "administrative judge's référé-provision (Code de justice administrative R541-1), with a lawyer.",
                    customer=self.partner_id.display_name,
                )
            )
        moves = self._get_court_file_moves()
        if not moves:
            raise UserError(
                self.env._(
                    "%(customer)s has no open invoice in litigation that is not time-barred: there is nothing to "
                    "claim in court.",
                    customer=self.partner_id.display_name,
                )
            )
        today = fields.Date.context_today(self)
        notice = self._get_court_file_notice(moves)
        penalties = debtor_type == "professional"
        rows = self._get_court_file_rows(moves, today, notice, penalties)
        totals = defaultdict(lambda: defaultdict(float))
        for row in rows:
            for key in ("residual", "interest", "indemnity"):
                totals[row["currency"]][key] += row[key]
        for currency, values in totals.items():
            values["total"] = currency.round(values["residual"] + values["interest"] + values["indemnity"])
        eur = self.env.ref("base.EUR")
        small_claim = list(totals) == [eur] and totals[eur]["total"] <= SMALL_CLAIMS_LIMIT_EUR
        return {
            "date": today,
            "company": self.company_id,
            "debtor": self.partner_id,
            "debtor_type": debtor_type,
            "penalties": penalties,
            "lines": rows,
            "totals": {currency: dict(values) for currency, values in totals.items()},
            "notice": notice,
            "notice_delivery": dict(self._fields["notice_delivery"]._description_selection(self.env)).get(
                notice.notice_delivery
            ),
            "notice_received": notice and (notice.first_presentation_date or notice.posted_date or notice.sent_date),
            "proof_image": self._get_court_file_proof_image(notice),
            "small_claim": small_claim,
            "responsible": self._get_task_owner(),
        }

    def _get_court_file_rows(self, moves, today, notice, penalties):
        """One row per invoice: its amounts, the interest claimed (late-payment penalties not invoiced yet for a
        professional; else legal interest from the receipt of the formal notice) and the indemnity not yet charged."""
        if penalties:
            interests = moves._dunning_late_penalty_amounts(today, since_invoiced=True)
            indemnities = moves._dunning_claimable_indemnity_map(today)
        else:
            start = notice and (notice.first_presentation_date or notice.posted_date or notice.sent_date)
            interests = moves._dunning_legal_interest_map(start, today) if start else {}
            indemnities = {}
        return [
            {
                "move": move,
                "currency": move.currency_id,
                "amount_total": move.amount_total,
                "residual": move.amount_residual,
                "interest": interests.get(move.id, 0.0),
                "indemnity": indemnities.get(move.id, 0.0),
            }
            for move in moves
        ]

    def _get_court_file_proof_image(self, notice):
        """The scanned acknowledgment of receipt as an image to print in the request, when it is not a PDF."""
        if not notice or not notice.receipt_proof:
            return False
        raw = base64.b64decode(notice.receipt_proof)
        if raw.startswith(b"%PDF"):
            return False
        mimetype = self.env["ir.attachment"]._compute_mimetype({"raw": raw})
        return f"data:{mimetype};base64,{notice.receipt_proof.decode()}" if mimetype.startswith("image/") else False

    def _get_court_file_documents(self, values):
        """The PDFs that follow the request: each invoice, the formal notice, its acknowledgment of receipt."""
        report_model = self.env["ir.actions.report"]
        pdfs = []
        for row in values["lines"]:
            move = row["move"]
            if move.invoice_pdf_report_id:
                pdfs.append(move.invoice_pdf_report_id.raw)
            else:
                pdfs.append(report_model._render_qweb_pdf("account.account_invoices", move.ids)[0])
        notice = values["notice"]
        if notice:
            if notice.letter_attachment_id:
                pdfs.append(notice.letter_attachment_id.raw)
            else:
                pdfs.append(
                    report_model._render_qweb_pdf("account_dunning.account_dunning_letter_report", notice.ids)[0]
                )
            proof = base64.b64decode(notice.receipt_proof) if notice.receipt_proof else b""
            if proof.startswith(b"%PDF"):
                pdfs.append(proof)
        return pdfs

    def action_print_court_file(self):
        """The court file of the customer as one PDF: the request for an order to pay, then the invoices, the formal
        notice and its proof. Kept on the follow-up (accounting only) and opened."""
        check_billing(self.env)
        self.ensure_one()
        values = self._get_court_file_values()
        report = self.env.ref("account_dunning.account_dunning_court_file_report")
        request = self.env["ir.actions.report"]._render_qweb_pdf(report, self.ids)[0]
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._("Court file %(customer)s.pdf", customer=self.partner_id.name),
                "raw": merge_pdf([request, *self._get_court_file_documents(values)]),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/pdf",
            }
        )
        previous = self.court_file_attachment_id
        self.court_file_attachment_id = attachment
        previous.unlink()
        self._message_log(body=self.env._("Court file prepared."), attachment_ids=attachment.ids)
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}", "target": "new"}
