import base64
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.pdf import merge_pdf

from ..tools.security import check_billing

_logger = logging.getLogger(__name__)


class AccountDunningAction(models.Model):
    _inherit = "account.dunning.action"  # pylint: disable=consider-merging-classes-inherited

    # Letters (reminder and formal notice): QR code, PDF rendering, printing and posting (their figures:
    # account_dunning_action_letter_values.py; the posting itself: account_dunning_action_post.py).
    letter_date = fields.Date(
        string="Letter Dated",
        readonly=True,
        copy=False,
        help="Day the letter's PDF is dated, with the amounts of that day: the day it was printed. A letter not posted "
        "that day is printed again.",
    )

    def _get_payment_reference(self):
        """ISO 11649 creditor reference (RF) of the follow-up, built from its number."""
        self.ensure_one()
        return self.company_id._dunning_rf_reference(self.name)

    def _get_payment_qr(self, bank, reference, totals, payment_url):
        """QR code printed under the payment instructions, as {'kind', 'image'} (a PNG data URI), or None.

        A single total in euros gives a SEPA credit-transfer QR code (EPC069-12): a banking app
        fills in the IBAN, the amount and the RF reference. Otherwise the QR code opens the
        portal payment link.
        """
        payload = self._get_epc_qr_payload(bank, reference, totals)
        kind = "sepa" if payload else "url"
        payload = payload or payment_url
        if not payload:
            return None
        png = self.env["ir.actions.report"].barcode("QR", payload, width=240, height=240, barLevel="M")
        return {"kind": kind, "image": "data:image/png;base64," + base64.b64encode(png).decode()}

    def _get_epc_qr_payload(self, bank, reference, totals):
        """Text of a SEPA credit-transfer QR code (EPC069-12 version 002), or '' when it does not apply."""
        if len(totals) != 1 or totals[0][0].name != "EUR" or not 0.01 <= totals[0][1] <= 999999999.99:
            return ""
        holder = (bank.acc_holder_name or self.company_id.name or "")[:70]
        return "\n".join(
            [
                "BCD",
                "002",
                "1",
                "SCT",
                bank.bank_bic.replace(" ", "").upper() if bank.bank_bic else "",
                holder,
                bank.sanitized_acc_number.upper(),
                f"EUR{totals[0][1]:.2f}",
                "",
                reference,
            ]
        )

    def _render_letter_pdf(self):
        """Render the letter of each follow-up, keep it as an attachment and post it in the follow-up's chatter
        (accounting only), not in the contact's, which every employee reads."""
        report = self.env.ref("account_dunning.account_dunning_letter_report")
        today = fields.Date.context_today(self)
        for action in self._withdraw_letters_with_nothing_owed():
            # a letter is dated, and states its amounts, as of the day it is printed
            action.letter_date = today
            content, _report_type = self.env["ir.actions.report"]._render_qweb_pdf(report, action.ids)
            attachment = self.env["ir.attachment"].create(
                {
                    "name": f"{action.name.replace('/', '-')}.pdf",
                    "raw": content,
                    "res_model": action._name,
                    "res_id": action.id,
                    "mimetype": "application/pdf",
                }
            )
            # the PDF of an earlier day was never posted: it is replaced, not kept
            action.letter_attachment_id.unlink()
            action.letter_attachment_id = attachment
            action._message_log(
                body=self.env._("Follow-up letter %(name)s (%(level)s).", name=action.name, level=action.level_id.name),
                attachment_ids=attachment.ids,
            )

    def _withdraw_letters_with_nothing_owed(self):
        """A letter goes out only while something may still be claimed: those whose invoices were all paid, credited,
        frozen by collective proceedings or time-barred since the follow-up are taken out of the print queue, with a
        note. Returns the others."""
        today = fields.Date.context_today(self)
        empty = self.filtered(lambda action: not action._get_letter_rows(today, False)[0])
        if empty:
            empty.write({"letter_state": "none"})
            empty._message_log_batch(
                bodies=dict.fromkeys(
                    empty.ids, self.env._("Letter withdrawn: nothing is owed or may be claimed any more.")
                )
            )
        return self - empty

    def action_print_letters(self):
        """Print the selected letters into one PDF; each is stored on its follow-up and marked printed.

        Each letter is rendered on its own and the PDFs are then merged: wkhtmltopdf builds without
        patched Qt (such as Debian's) cannot render several documents in one call. A letter printed on an earlier
        day and not posted is rendered again, dated today with today's amounts.
        """
        check_billing(self.env)
        if not self:
            raise UserError(self.env._("Select the follow-ups whose letters you want to print."))
        # a letter is dated the day it is printed, with that day's amounts: a PDF of an earlier day is printed again,
        # unless the letter was posted (it is then the copy of what the customer received)
        today = fields.Date.context_today(self)
        self.filtered(
            lambda action: not action.letter_attachment_id
            or (action.letter_state != "sent" and action.letter_date != today)
        )._render_letter_pdf()
        printable = self.filtered("letter_attachment_id")
        if not printable:
            raise UserError(self.env._("Nothing is owed any more on these follow-ups: there is no letter to print."))
        printable.action_mark_printed()
        attachment = (
            printable.letter_attachment_id if len(printable) == 1 else printable._create_letters_batch_attachment()
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}",
            "target": "new",
        }

    @api.model
    def _cron_render_letters(self, batch_size=10):
        """Render the PDFs of the letters waiting to be printed, the companies in turn, in slices of letters
        committed one by one.

        Printing the queue then only merges stored PDFs, however long it is. A letter that cannot be rendered is
        logged and left for printing by hand, where the error shows (the next run of the job tries it again); a
        company that fails is recorded as a job failure and the others go on.
        """
        waiting = self._read_group(
            [("letter_state", "=", "to_print"), ("letter_attachment_id", "=", False)], ["company_id"]
        )
        self.env["account.dunning.job.cursor"]._run_sliced(
            "letters",
            self.env["res.company"].union(*(company for (company,) in waiting)),
            lambda company, cursor, memo: self._render_letters_slice(company, cursor, memo, batch_size),
            fields.Date.context_today(self),
        )

    @api.model
    def _render_letters_slice(self, company, cursor, memo, batch_size):
        """The next letters of a company after the cursor (ids in order), each rendered in its own savepoint."""
        if "action_ids" not in memo:
            memo["action_ids"] = self.search(
                [
                    ("company_id", "=", company.id),
                    ("letter_state", "=", "to_print"),
                    ("letter_attachment_id", "=", False),
                    ("id", ">", cursor.position),
                ],
                order="id",
            ).ids
        batch, memo["action_ids"] = memo["action_ids"][:batch_size], memo["action_ids"][batch_size:]
        for action in self.browse(batch):
            try:
                with self.env.cr.savepoint():
                    action._render_letter_pdf()
            except Exception:
                _logger.exception("The letter of follow-up %s (id %s) could not be rendered", action.name, action.id)
        return (batch[-1] if batch else cursor.position), len(batch), len(memo["action_ids"])

    def _get_letters_batch_pdf(self):
        """The stored letters of these follow-ups as one PDF, in their order."""
        return merge_pdf([action.letter_attachment_id.raw for action in self])

    def _create_letters_batch_attachment(self):
        """One PDF with all the letters, to print at once: kept for its creator only (it belongs to no follow-up),
        and deleted after the company's retention days (_cron_delete_letter_batches)."""
        return self.env["ir.attachment"].create(
            {
                "name": self.env._("Follow-up letters %(date)s.pdf", date=fields.Date.context_today(self)),
                "raw": self._get_letters_batch_pdf(),
                "mimetype": "application/pdf",
                "res_model": self._name,
                "company_id": self.company_id[:1].id,
            }
        )

    @api.model
    def _cron_delete_letter_batches(self):
        """Delete the merged letter PDFs older than each company's retention days: they copy personal data (names,
        addresses, amounts owed) that the follow-ups keep anyway, letter by letter."""
        now = fields.Datetime.now()
        # sudo: the job deletes the merged PDFs of every user, whose creators alone may read them
        attachments = self.env["ir.attachment"].sudo()
        for company in self.env["res.company"].sudo().search([("id", "!=", False)]):
            limit = fields.Datetime.subtract(now, days=company.dunning_letter_batch_days)
            attachments.search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", False),
                    ("company_id", "=", company.id),
                    ("create_date", "<", limit),
                ]
            ).unlink()

    def action_send_letters_by_post(self):
        """Hand the selected letters to Odoo's Snailmail service; they are then marked as sent.

        Snailmail is optional: without it, this explains how to get it. Its own scheduled action
        renders and posts the letters in the background, so no letter is lost if the service is down.
        """
        check_billing(self.env)
        if "snailmail.letter" not in self.env:
            raise UserError(
                self.env._("Sending letters by post needs the Snailmail app: install it from the Apps menu.")
            )
        if not self:
            raise UserError(self.env._("Select the follow-ups whose letters you want to send by post."))
        registered = self.filtered(lambda action: action.notice_delivery == "registered")
        if registered:
            raise UserError(
                self.env._(
                    "Snailmail sends ordinary post, not registered letters: post these formal notices at the post "
                    "office, or choose ordinary post on them first: %(names)s",
                    names=", ".join(registered.mapped("name")),
                )
            )
        letter_model = self.env["snailmail.letter"]
        incomplete = self.filtered(lambda action: not letter_model._is_valid_address(action.partner_id))
        if incomplete:
            raise UserError(
                self.env._(
                    "These customers need a complete postal address (street, city, zip code and country) "
                    "before a letter can be posted: %(customers)s",
                    customers=", ".join(incomplete.partner_id.mapped("display_name")),
                )
            )
        report = self.env.ref("account_dunning.account_dunning_letter_report")
        letter_model.create(
            [
                {
                    "model": action._name,
                    "res_id": action.id,
                    "partner_id": action.partner_id.id,
                    "company_id": action.company_id.id,
                    "user_id": self.env.user.id,
                    "report_template": report.id,
                    "state": "pending",
                }
                for action in self
            ]
        )
        # Snailmail renders the letter itself when it posts it: dated that day, the PDF of an earlier day is dropped
        today = fields.Date.context_today(self)
        stale = self.letter_attachment_id
        self.write({"letter_state": "sent", "letter_date": today, "posted_date": today, "letter_attachment_id": False})
        stale.unlink()
        return True
