from odoo import models
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    # What each instalment (receivable line) of a customer invoice owed, day by day, in the invoice currency: the
    # timeline that late-payment penalties, the recovery indemnity and the letters' days late are computed from.

    def _dunning_open_due_dates(self):
        """Per invoice id: the due date of its oldest instalment still open (an invoice is late from it, not from
        its last due date), in one grouped query; the invoice's due date when it has no open instalment."""
        groups = self.env["account.move.line"]._read_group(
            [
                ("move_id", "in", self.ids),
                ("account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("date_maturity", "!=", False),
            ],
            ["move_id"],
            ["date_maturity:min"],
        )
        due_dates = {move.id: due for move, due in groups}
        return {move.id: due_dates.get(move.id, move.invoice_date_due) for move in self}

    def _dunning_instalments(self):
        """Per invoice id: its instalments, oldest due date first, in the invoice currency.

        Each instalment is a dict: line (id), due (its own due date), late_after (the last day before it bears
        late-payment interest: its due date, or for a public buyer the end of its payment period counted from the
        receipt of the invoice), amount (receivable amount), credits (what
        credit notes settled: never owed, so deducted from the start) and payments [(day, amount)] (what else
        settled it, from the day after). One query on the partial reconciliations; exchange differences move no
        invoice-currency amount and change nothing.
        """
        lines = self.line_ids.filtered(lambda line: line.account_type == "asset_receivable" and line.balance > 0)
        instalments = {line.id: self._dunning_new_instalment(line) for line in lines}
        for line_id, day, amount, is_credit_note in self._dunning_fetch_line_settlements(lines):
            instalment = instalments[line_id]
            if is_credit_note:
                instalment["credits"] += amount
            else:
                instalment["payments"].append((day, amount))
        self._dunning_add_unmatched_payments(instalments)
        result = {move.id: [] for move in self}
        for line in lines.sorted(lambda line: (line.date_maturity or line.date, line.id)):
            instalment = instalments[line.id]
            instalment["payments"].sort()
            result[line.move_id.id].append(instalment)
        return result

    def _dunning_new_instalment(self, line):
        due = line.date_maturity or line.move_id.invoice_date_due
        return {
            "line": line.id,
            "due": due,
            # interest runs from the day after: the due date, for a public buyer counted from its receipt
            "late_after": line.move_id._dunning_interest_due_date(due),
            "amount": line.amount_currency,
            "credits": 0.0,
            "payments": [],
        }

    def _dunning_fetch_line_settlements(self, lines):
        """(line id, day, invoice-currency amount, settled by a credit note) of each partial reconciliation."""
        if not lines:
            return []
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "credit_move_id", "max_date"])
        self.env["account.move.line"].flush_model(["move_id"])
        self.env["account.move"].flush_model(["move_type"])
        query = SQL(
            """
            SELECT p.debit_move_id, p.max_date, p.debit_amount_currency, credit_move.move_type = 'out_refund'
              FROM account_partial_reconcile p
              JOIN account_move_line credit_line ON credit_line.id = p.credit_move_id
              JOIN account_move credit_move ON credit_move.id = credit_line.move_id
             WHERE p.debit_move_id = ANY(%s)
               AND p.debit_amount_currency != 0
            """,
            lines.ids,
        )
        return self.env.execute_query(query)

    def _dunning_add_unmatched_payments(self, instalments):
        """Registered payments without a journal entry settle what is owed from their date, oldest due date first.

        Without an outstanding account, Odoo 18 registers a payment without any journal entry: the invoice is "in
        payment" but its receivable is not reconciled until the bank statement is matched. Each such payment covers
        its invoices' open instalments (credit notes it nets add to it) in due-date order, at most what each still
        owes unreconciled. One search.
        """
        payments = self.env["account.payment"].search(
            [
                ("invoice_ids", "in", self.ids),
                ("move_id", "=", False),
                ("payment_type", "=", "inbound"),
                ("state", "in", ("in_process", "paid")),
            ],
            order="date, id",
        )
        lines = self.env["account.move.line"].browse(list(instalments))
        left = {line.id: line.amount_residual_currency for line in lines}
        for payment in payments:
            documents = payment.invoice_ids.filtered(lambda m: m.state == "posted")
            refunds = documents.filtered(lambda m: m.move_type == "out_refund")
            open_lines = lines.filtered(lambda line, docs=documents: line.move_id in docs).sorted(
                lambda line: (line.date_maturity or line.date, line.id)
            )
            for currency, currency_lines in open_lines.grouped("currency_id").items():
                available = payment.currency_id._convert(
                    payment.amount, currency, payment.company_id, payment.date
                ) + sum(abs(refund.amount_residual) for refund in refunds if refund.currency_id == currency)
                for line in currency_lines:
                    used = min(available, left[line.id])
                    if currency.compare_amounts(used, 0.0) <= 0:
                        continue
                    instalments[line.id]["payments"].append((payment.date, used))
                    left[line.id] -= used
                    available -= used

    def _dunning_instalment_residual(self, instalment, day):
        """What an instalment still owes at the end of a day, in the invoice currency."""
        self.ensure_one()
        paid = sum(amount for when, amount in instalment["payments"] if when <= day)
        return self.currency_id.round(instalment["amount"] - instalment["credits"] - paid)

    def _dunning_was_late(self, instalments, day):
        """Whether an instalment late before `day` still owed something the day after it became late."""
        self.ensure_one()
        for instalment in instalments:
            if instalment["late_after"] >= day:
                continue
            settled = instalment["credits"] + sum(
                amount for when, amount in instalment["payments"] if when <= instalment["late_after"]
            )
            if self.currency_id.compare_amounts(instalment["amount"] - settled, 0.0) > 0:
                return True
        return False
