"""A real payment history in a benchmark database: `load-history` of scripts/bench.py.

The CSV holds one row per customer invoice, paid in full on its settlement date (the columns of the public IBM
accounts-receivable sample, see ../shared/data/README.md). Every row is checked before anything is written; then
each row becomes a posted customer invoice of its date, due date and amount, paid on its settlement date by a
payment reconciled with it: one real paid invoice is made by the ORM and its rows are cloned set-based over the
plan (scripts/bench_data.py), and a sample of the result is checked against what the ORM computes.

The CSV's `Disputed` flag is kept on the invoice (its narration) for the figures, never as a dispute: the day of
the dispute is not known, and recording it would tell a replay of the past what came later.
"""

import csv
import hashlib
import random
import time
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from bench_data import clone_paid_rows, make_templates, reset_sequences_and_analyse

REQUIRED = ("customerID", "invoiceNumber", "InvoiceDate", "DueDate", "InvoiceAmount", "SettledDate")
#: amount of the template invoice that the plan's factor scales to each row's amount
TEMPLATE_AMOUNT = Decimal(1000)
#: the narration marking an invoice the customer disputed at some point
DISPUTED_MARK = "Disputed (history)"
MAX_ERRORS_SHOWN = 20
#: names of the loaded invoices and of their payments
PREFIXES = ("HIST/", "HPMT/")


class HistoryError(Exception):
    """The CSV cannot be loaded: its message names each bad line."""


def parse_date(value):
    return datetime.strptime(value.strip(), "%m/%d/%Y").date()


def parse_row(line, row):
    """One CSV row as a dict of typed values, or raises ValueError with what is wrong."""
    values = {}
    for column in ("InvoiceDate", "DueDate", "SettledDate"):
        try:
            values[column] = parse_date(row[column] or "")
        except ValueError:
            raise ValueError(f"{column} {row[column]!r} is not a date (M/D/YYYY)") from None
    try:
        amount = Decimal((row["InvoiceAmount"] or "").strip())
    except InvalidOperation:
        raise ValueError(f"InvoiceAmount {row['InvoiceAmount']!r} is not a number") from None
    if not amount.is_finite() or amount <= 0:
        raise ValueError(f"InvoiceAmount {row['InvoiceAmount']!r} must be positive")
    if values["SettledDate"] < values["InvoiceDate"]:
        raise ValueError(f"settled on {values['SettledDate']}, before its invoice date {values['InvoiceDate']}")
    if values["DueDate"] < values["InvoiceDate"]:
        raise ValueError(f"due on {values['DueDate']}, before its invoice date {values['InvoiceDate']}")
    customer, number = (row["customerID"] or "").strip(), (row["invoiceNumber"] or "").strip()
    if not customer or not number:
        raise ValueError("customerID and invoiceNumber are required")
    disputed = (row.get("Disputed") or "No").strip()
    if disputed not in ("Yes", "No"):
        raise ValueError(f"Disputed {disputed!r} must be Yes or No")
    return {
        "line": line,
        "customer": customer,
        "number": number,
        "invoice_date": values["InvoiceDate"],
        "due": values["DueDate"],
        "settled": values["SettledDate"],
        "amount": amount,
        "disputed": disputed == "Yes",
    }


def read_history(path):
    """The rows of the CSV, all checked: raises HistoryError naming every bad line (nothing is loaded then)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in REQUIRED if column not in (reader.fieldnames or ())]
        if missing:
            raise HistoryError(f"{path}: missing column(s) {', '.join(missing)} (line 1)")
        rows, errors, numbers = [], [], {}
        for line, row in enumerate(reader, start=2):
            try:
                parsed = parse_row(line, row)
            except ValueError as error:
                errors.append(f"line {line}: {error}")
                continue
            if parsed["number"] in numbers:
                errors.append(f"line {line}: invoice {parsed['number']} already on line {numbers[parsed['number']]}")
                continue
            numbers[parsed["number"]] = line
            rows.append(parsed)
    if errors:
        shown = "\n".join(errors[:MAX_ERRORS_SHOWN])
        more = f"\n... and {len(errors) - MAX_ERRORS_SHOWN} more" if len(errors) > MAX_ERRORS_SHOWN else ""
        raise HistoryError(f"{path}: {len(errors)} bad line(s), nothing loaded:\n{shown}{more}")
    if not rows:
        raise HistoryError(f"{path}: no invoice to load")
    return rows


def file_digest(path):
    with open(path, "rb") as handle:
        return hashlib.sha1(handle.read()).hexdigest()


def create_customers(env, rows):
    """One company customer per customerID: {customerID: partner}."""
    names = sorted({row["customer"] for row in rows})
    partners = env["res.partner"].create(
        [
            # trading companies (a company record alone makes no professional)
            {
                "name": f"History Customer {name}",
                "is_company": True,
                "customer_rank": 1,
                "dunning_debtor_type": "professional",
            }
            for name in names
        ]
    )
    return dict(zip(names, partners, strict=True))


def plan_rows(rows, partners):
    """Plan rows of scripts/bench_data.load_plan, in invoice order: (g, partner, name, dates, factor)."""
    ordered = sorted(rows, key=lambda row: (row["invoice_date"], row["number"]))
    return ordered, [
        (
            g,
            partners[row["customer"]].id,
            partners[row["customer"]].name,
            row["invoice_date"],
            row["due"],
            row["settled"],
            row["amount"] / TEMPLATE_AMOUNT,
        )
        for g, row in enumerate(ordered, start=1)
    ]


def mark_invoices(cr, first_move_id, ordered):
    """The CSV's invoice number as the invoice's reference; disputed invoices marked in their narration."""
    cr.execute(
        """
        UPDATE account_move m
           SET ref = v.number, narration = CASE WHEN v.disputed THEN %s ELSE NULL END
          FROM unnest(%s::int[], %s::varchar[], %s::bool[]) AS v(id, number, disputed)
         WHERE m.id = v.id
        """,
        [
            DISPUTED_MARK,
            [first_move_id + g for g in range(1, len(ordered) + 1)],
            [row["number"] for row in ordered],
            [row["disputed"] for row in ordered],
        ],
    )


def load_history(env, path):
    """Load the CSV into the database's company (the caller commits); returns the number of invoices loaded."""
    started = time.time()
    rows = read_history(path)
    cr = env.cr
    env.company.write({"name": f"History {path.rsplit('/', 1)[-1]}"})
    # the templates are dated a year after the history, out of any replay of it; the open one is cancelled
    template_day = max(row["settled"] for row in rows) + timedelta(days=400)
    paid, payment, open_invoice = make_templates(env, template_day)
    open_invoice.button_draft()
    open_invoice.button_cancel()
    partners = create_customers(env, rows)
    ordered, plan = plan_rows(rows, partners)
    cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_move")
    first_move_id = cr.fetchone()[0]
    count = clone_paid_rows(cr, plan, paid, payment, PREFIXES)
    mark_invoices(cr, first_move_id, ordered)
    reset_sequences_and_analyse(env, "history", template_day)
    env["ir.config_parameter"].set_param("account_dunning.history_source", file_digest(path))
    check_history(env, ordered, first_move_id)
    print(
        f"load-history: {count} invoices of {len(partners)} customers loaded from {path} in "
        f"{time.time() - started:.1f}s; a sample agrees with the ORM",
        flush=True,
    )
    return count


def check_history(env, ordered, first_move_id, size=60, recomputed=5):
    """Check a sample of the loaded invoices against the ORM: paid, no residual, its dates, amount and reference,
    and the day of its payment's reconciliation; for a few of them, the residuals and payment state are recomputed
    by the ORM and compared with the loaded ones."""
    sample = random.Random(42).sample(range(1, len(ordered) + 1), min(size, len(ordered)))
    moves = env["account.move"].browse([first_move_id + g for g in sample])
    loaded = [(move.amount_residual, move.payment_state) for move in moves[:recomputed]]
    checked = moves[:recomputed]
    checked.line_ids._compute_amount_residual()
    checked._compute_amount()
    checked._compute_payment_state()
    if [(move.amount_residual, move.payment_state) for move in checked] != loaded:
        raise HistoryError(f"the ORM recomputes other residuals or payment states for {checked.mapped('name')}")
    for g, move in zip(sample, moves, strict=True):
        row = ordered[g - 1]
        receivable = move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        got = (
            move.ref,
            move.payment_state in ("paid", "in_payment"),
            move.currency_id.is_zero(move.amount_residual),
            move.invoice_date,
            move.invoice_date_due,
            move.currency_id.compare_amounts(move.amount_total, float(row["amount"])) == 0,
            max(receivable.matched_credit_ids.mapped("max_date")),
            bool(receivable.full_reconcile_id),
        )
        expected = (row["number"], True, True, row["invoice_date"], row["due"], True, row["settled"], True)
        if got != expected:
            raise HistoryError(f"line {row['line']}: loaded as {got}, expected {expected}")
    env.invalidate_all()


def disputed_move_ids(env):
    """The invoices the history says were disputed at some point (for the figures only)."""
    env.cr.execute("SELECT id FROM account_move WHERE narration::text LIKE %s", [f"%{DISPUTED_MARK}%"])
    return {move_id for (move_id,) in env.cr.fetchall()}
