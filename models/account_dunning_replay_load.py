from collections import defaultdict, namedtuple
from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL

from ..tools.replay_state import ONE_DAY, ReplayCustomer, ReplayInvoice


class AccountDunningReplay(models.AbstractModel):
    _inherit = "account.dunning.replay"  # pylint: disable=consider-merging-classes-inherited

    # Load: what a replay reads from the database, set-based (a fixed number of queries, whatever the number of
    # customers and invoices), once for both policies of a simulation.

    @api.model
    def _load(self, company, first_day, last_day, partner_ids=None):
        """Everything the replay of [first_day, last_day] reads: invoices with their instalments and reconciliations,
        outstanding credits, disputes, answers and the customers' settings (of some customers only with
        partner_ids). Plain rows, shared by the replays."""
        self.env["res.partner"]._dunning_flush_accounting()
        self.env["account.move"].flush_model(
            [
                "dunning_dispute",
                "dunning_dispute_resolved_date",
                "dunning_litigation",
                "dunning_no_followup_date",
                "dunning_no_followup_lifted_date",
                "dunning_promise_date",
                "dunning_promise_amount",
                "dunning_promise_residual",
                "dunning_promise_recorded_date",
            ]
        )
        invoice_rows = self._load_invoice_rows(company, first_day, last_day, partner_ids)
        partner_ids = sorted({row.partner_id for row in invoice_rows})
        return {
            "invoices": invoice_rows,
            "credits": self._load_credit_events(company, last_day),
            "disputes": self._load_disputes(company),
            "partners": self._load_partner_settings(company, partner_ids),
            **self._load_answers(company, last_day),
            "proceedings": self._load_proceedings(company),
            "paid": {},  # paid invoices per history window, filled by _get_paid_invoices
            "partner_ids": partner_ids,
        }

    @api.model
    def _get_paid_invoices(self, data, company, settings, first_day, last_day):
        """The invoices paid before the last day that a history window of the replay can hold, per customer, in
        payment order (one query per window: a policy and its comparison usually share it); with the company's as
        a whole (its history behind every tolerance) when the replay is limited to some customers."""
        window = settings["window_days"]
        if window not in data["paid"]:
            partners = self.env["res.partner"]
            # the company's history is read as of the end of a month: its window may start a month earlier
            since = first_day.replace(day=1) - timedelta(days=window + 2)
            paid = partners._dunning_paid_invoices(company, last_day - ONE_DAY, data["partner_ids"], since)
            everyone = paid
            if data["partner_ids"] is not None:
                everyone = partners._dunning_paid_invoices(company, last_day - ONE_DAY, None, since)
            company_paid = sorted(
                (invoice.paid_date, invoice.days) for invoices in everyone.values() for invoice in invoices
            )
            data["paid"][window] = (paid, company_paid)
        return data["paid"][window]

    @api.model
    def _load_invoice_rows(self, company, first_day, last_day, partner_ids=None):
        """One row per instalment of the posted customer invoices open at some point of the replay, with its
        reconciliations up to the last day: (days, company amounts, invoice-currency amounts) in date order."""
        query = SQL(
            """
            SELECT m.id AS move_id, m.commercial_partner_id AS partner_id, m.date, ABS(m.amount_total_signed) AS amount,
                   m.invoice_date, m.invoice_date_due,
                   m.dunning_dispute, m.dunning_dispute_date, m.dunning_dispute_resolved_date, m.dunning_litigation,
                   m.dunning_no_followup_date, m.dunning_no_followup_lifted_date,
                   m.dunning_promise_date, m.dunning_promise_amount, m.dunning_promise_residual,
                   m.dunning_promise_recorded_date, ccur.decimal_places AS company_digits,
                   cur.decimal_places AS currency_digits, aml.date_maturity, aml.balance, aml.amount_currency,
                   s.days, s.amounts, s.amounts_currency, s.credit_notes
              FROM account_move m
              JOIN account_move_line aml ON aml.move_id = m.id
              JOIN account_account acc ON acc.id = aml.account_id
              JOIN res_currency cur ON cur.id = aml.currency_id
              JOIN res_company co ON co.id = m.company_id
              JOIN res_currency ccur ON ccur.id = co.currency_id
              LEFT JOIN LATERAL (
                    SELECT ARRAY_AGG(p.max_date ORDER BY p.max_date, p.id) AS days,
                           ARRAY_AGG(p.amount ORDER BY p.max_date, p.id) AS amounts,
                           ARRAY_AGG(p.debit_amount_currency ORDER BY p.max_date, p.id) AS amounts_currency,
                           ARRAY_AGG(cm.move_type = 'out_refund' ORDER BY p.max_date, p.id) AS credit_notes,
                           MAX(p.max_date) AS last_day
                      FROM account_partial_reconcile p
                      JOIN account_move_line cl ON cl.id = p.credit_move_id
                      JOIN account_move cm ON cm.id = cl.move_id
                     WHERE p.debit_move_id = aml.id AND p.max_date <= %(last_day)s
              ) s ON TRUE
             WHERE m.company_id = %(company)s
               AND %(partner_filter)s
               AND m.move_type = 'out_invoice'
               AND m.state = 'posted'
               AND m.date < %(last_day)s
               AND acc.account_type = 'asset_receivable'
               AND aml.balance > 0
               AND aml.date_maturity IS NOT NULL
               AND NOT (aml.reconciled AND s.last_day < %(first_day)s)
             ORDER BY m.id, aml.date_maturity, aml.id
            """,
            company=company.id,
            partner_filter=self.env["res.partner"]._dunning_partner_filter(SQL("m.commercial_partner_id"), partner_ids),
            first_day=first_day,
            last_day=last_day,
        )
        # tuples with named fields rather than dicts: a row per instalment of a year of invoices stays small
        self.env.cr.execute(query)
        row_type = namedtuple("InvoiceRow", [column.name for column in self.env.cr.description])
        return [row_type._make(row) for row in self.env.cr.fetchall()]

    @api.model
    def _load_credit_events(self, company, last_day):
        """Changes of each customer's unreconciled payments and credit notes (company currency), by the first day
        they are known (the day after their date): {partner id: [(day, change)]}."""
        query = SQL(
            """
            SELECT partner_id, day, SUM(change) AS change
              FROM (SELECT aml.partner_id, aml.date + 1 AS day, -aml.balance AS change
                      FROM account_move_line aml
                      JOIN account_account acc ON acc.id = aml.account_id
                     WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted'
                       AND acc.account_type = 'asset_receivable' AND aml.balance < 0 AND aml.date <= %(last_day)s
                     UNION ALL
                    SELECT aml.partner_id, p.max_date + 1, -p.amount
                      FROM account_partial_reconcile p
                      JOIN account_move_line aml ON aml.id = p.credit_move_id
                      JOIN account_account acc ON acc.id = aml.account_id
                     WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted'
                       AND acc.account_type = 'asset_receivable' AND aml.balance < 0 AND p.max_date <= %(last_day)s
                   ) changes
             WHERE partner_id IS NOT NULL
             GROUP BY partner_id, day
            HAVING SUM(change) != 0
             ORDER BY partner_id, day
            """,
            company=company.id,
            last_day=last_day,
        )
        events = defaultdict(list)
        for partner_id, day, change in self.env.execute_query(query):
            events[partner_id].append((day, float(change)))
        return events

    @api.model
    def _load_disputes(self, company):
        """The days each customer disputed an invoice (the last dispute of each invoice is kept)."""
        query = SQL(
            """
            SELECT commercial_partner_id, dunning_dispute_date FROM account_move
             WHERE company_id = %(company)s AND move_type = 'out_invoice' AND dunning_dispute_date IS NOT NULL
            """,
            company=company.id,
        )
        disputes = defaultdict(list)
        for partner_id, day in self.env.execute_query(query):
            disputes[partner_id].append(day)
        return disputes

    @api.model
    def _load_answers(self, company, last_day):
        """The customers' answers that hold the chase back, as recorded day by day: the payments announced (per
        invoice: known from the day after, paused until) and the email replies (per customer: day received, day
        handled or None), in two queries."""
        self.env["account.dunning.answer"].flush_model(["kind", "date", "pause_until", "state", "handled_date"])
        pauses = defaultdict(list)
        query = SQL(
            """
            SELECT rel.move_id, (a.date AT TIME ZONE 'UTC')::date + 1, a.pause_until
              FROM account_dunning_answer a
              JOIN account_dunning_answer_account_move_rel rel ON rel.answer_id = a.id
             WHERE a.company_id = %(company)s AND a.kind = 'paid' AND a.pause_until IS NOT NULL
               AND a.date < %(end)s
             ORDER BY a.date, a.id
            """,
            company=company.id,
            end=last_day + ONE_DAY,
        )
        for move_id, known, until in self.env.execute_query(query):
            pauses[move_id].append((known, until))
        replies = defaultdict(list)
        query = SQL(
            """
            SELECT partner_id, (date AT TIME ZONE 'UTC')::date,
                   CASE WHEN state = 'handled' THEN (COALESCE(handled_date, date) AT TIME ZONE 'UTC')::date END
              FROM account_dunning_answer
             WHERE company_id = %(company)s AND kind = 'reply' AND date < %(end)s
            """,
            company=company.id,
            end=last_day + ONE_DAY,
        )
        for partner_id, received, handled in self.env.execute_query(query):
            replies[partner_id].append((received, handled))
        return {"pauses": pauses, "replies": replies}

    @api.model
    def _load_proceedings(self, company):
        """Per customer: (first day known, judgment date) of its collective proceedings in the company (one query):
        recorded on a day, they are known from the next."""
        self.env["account.dunning.proceeding"].flush_model(["partner_id", "company_id", "judgment_date"])
        query = SQL(
            """
            SELECT partner_id, (create_date AT TIME ZONE 'UTC')::date + 1, judgment_date
              FROM account_dunning_proceeding
             WHERE company_id = %(company)s AND judgment_date IS NOT NULL
            """,
            company=company.id,
        )
        return {partner_id: (known, judgment) for partner_id, known, judgment in self.env.execute_query(query)}

    @api.model
    def _load_partner_settings(self, company, partner_ids):
        """Per customer in the company: excluded, the scenario set on it, its manual segment (one query)."""
        partners = self.env["res.partner"].with_company(company)
        query = SQL(
            "SELECT id, %s, %s, %s FROM res_partner WHERE id = ANY(%s)",
            partners._field_to_sql("res_partner", "dunning_excluded"),
            partners._field_to_sql("res_partner", "dunning_scenario_id"),
            partners._field_to_sql("res_partner", "dunning_segment_override"),
            partner_ids,
        )
        return {row[0]: (bool(row[1]), row[2] or False, row[3] or False) for row in self.env.execute_query(query)}

    # --- Building the state of one replay ------------------------------------------------------

    @api.model
    def _build_state(self, company, data, first_day, paid):
        """Fresh invoices and customers for one replay: ({invoice id: invoice}, {partner id: customer},
        {day: [(invoice, instalment index, amount, amount in currency)]}, {day: [invoice posted]}); paid: each
        customer's paid invoices (_get_paid_invoices())."""
        run = self.env["account.dunning.run"]
        partner_model = self.env["res.partner"].with_company(company)
        moves = self.env["account.move"].browse(list(dict.fromkeys(row.move_id for row in data["invoices"])))
        moves = {move.id: move for move in moves}  # one prefetch group
        invoices, settlements, posts = {}, defaultdict(list), defaultdict(list)
        for row in data["invoices"]:
            invoice = invoices.get(row.move_id)
            if invoice is None:
                invoice = invoices[row.move_id] = ReplayInvoice(row, moves[row.move_id])
                self._set_invoice_events(invoice, row)
                invoice.pauses = data["pauses"].get(row.move_id, [])
                posts[max(row.date + ONE_DAY, first_day)].append(invoice)
            index = len(invoice.lines)
            invoice.add_line(row.date_maturity, float(row.balance), float(row.amount_currency))
            for day, amount, amount_currency, credit_note in zip(
                row.days or (),
                row.amounts or (),
                row.amounts_currency or (),
                row.credit_notes or (),
                strict=True,
            ):
                payment_day = None if credit_note else day
                settlements[max(day + ONE_DAY, first_day)].append(
                    (invoice, index, amount, amount_currency, payment_day)
                )
        self._set_paid_dates(invoices, data["invoices"])
        customers = {}
        for partner in partner_model.browse(list(data["partners"])):  # one prefetch group
            customer = ReplayCustomer(partner, run._new_history(), data["partners"][partner.id])
            customer.disputes = list(data["disputes"].get(partner.id, ()))
            customer.replies = data["replies"].get(partner.id, [])
            customer.paid = paid.get(partner.id, [])
            customer.proceedings = data["proceedings"].get(partner.id)
            customer.debtor_type = partner._dunning_debtor_type()
            customers[partner.id] = customer
        return invoices, customers, settlements, posts

    @api.model
    def _set_invoice_events(self, invoice, row):
        """The dispute, "no follow-up" flag and promise of an invoice, from the days they were recorded (seen the
        morning after)."""
        if row.dunning_dispute_date and (row.dunning_dispute or row.dunning_dispute_resolved_date):
            resolved = row.dunning_dispute_resolved_date
            invoice.dispute = (row.dunning_dispute_date + ONE_DAY, resolved + ONE_DAY if resolved else None)
        if row.dunning_no_followup_date:
            lifted = row.dunning_no_followup_lifted_date
            invoice.no_followup = (row.dunning_no_followup_date + ONE_DAY, lifted + ONE_DAY if lifted else None)
        if row.dunning_promise_date and row.dunning_promise_recorded_date:
            invoice.promise = (
                row.dunning_promise_recorded_date + ONE_DAY,
                row.dunning_promise_date,
                float(row.dunning_promise_amount or 0.0),
                float(row.dunning_promise_residual or 0.0),
            )

    @api.model
    def _set_paid_dates(self, invoices, rows):
        """Day each invoice was fully paid (by the last day of the replay): its last reconciliation moving its
        currency, once every instalment is cleared (else none: still open at the end)."""
        paid = {}  # invoice id -> latest clearing day so far, None once an instalment is found open
        for row in rows:
            move_id = row.move_id
            amounts = [float(amount) for amount in row.amounts_currency or ()]
            days = [day for day, amount in zip(row.days or (), amounts, strict=True) if amount]
            cleared = round(float(row.amount_currency) - sum(amounts), row.currency_digits) == 0
            if not cleared or not days or (move_id in paid and paid[move_id] is None):
                paid[move_id] = None
            else:
                paid[move_id] = max(paid.get(move_id) or days[-1], days[-1])
        for move_id, day in paid.items():
            invoices[move_id].paid_date = day

    @api.model
    def _credits_by_day(self, data, first_day):
        """{day: [(partner id, change)]} of the outstanding credits, those before the first day added up on it."""
        changes = defaultdict(list)
        for partner_id, events in data["credits"].items():
            for day, change in events:
                changes[max(day, first_day)].append((partner_id, change))
        return changes
