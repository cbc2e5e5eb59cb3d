"""Dataset of the account_dunning benchmark: `generate` of scripts/bench.py (see its docstring).

One real paid invoice (with its payment and reconciliations) and one real open invoice are made by the ORM, then
their rows are cloned with INSERT ... SELECT over a plan of customers, dates and amounts. The customers' payment
habits (who pays when) are in scripts/bench_habits.py.
"""

import logging
import time
from datetime import timedelta
from types import SimpleNamespace

from bench_habits import OPEN as OPEN_PER_CUSTOMER
from bench_habits import PAID, Customer

from odoo import Command, fields
from odoo.tools import SQL

_logger = logging.getLogger("account_dunning.bench")

CUSTOMERS = 2000

#: columns scaled by the plan's factor
AMOUNT_COLUMNS = {
    "account_move": [
        "amount_untaxed",
        "amount_tax",
        "amount_total",
        "amount_residual",
        "amount_untaxed_signed",
        "amount_untaxed_in_currency_signed",
        "amount_tax_signed",
        "amount_total_signed",
        "amount_total_in_currency_signed",
        "amount_residual_signed",
        "quick_edit_total_amount",
    ],
    "account_move_line": [
        "debit",
        "credit",
        "balance",
        "amount_currency",
        "amount_residual",
        "amount_residual_currency",
        "price_unit",
        "price_subtotal",
        "price_total",
    ],
    "account_payment": ["amount", "amount_company_currency_signed"],
    "account_partial_reconcile": ["amount", "debit_amount_currency", "credit_amount_currency"],
}

#: the tables of the cloned rows, whose id sequences are set past them afterwards
CLONED_TABLES = (
    "account_move",
    "account_move_line",
    "account_payment",
    "account_partial_reconcile",
    "account_full_reconcile",
)

#: the customer of the plan's row on the cloned moves
PARTNER_COLUMNS = {
    "partner_id": "p.partner_id",
    "commercial_partner_id": "p.partner_id",
    "partner_shipping_id": "p.partner_id",
    "invoice_partner_display_name": "p.partner_name",
    "access_token": "NULL",
}


def columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s",
        [table],
    )
    return [name for (name,) in cr.fetchall() if name != "id"]


def clone(cr, table, template_id, new_id, overrides):
    """Copy row `template_id` of `table` once per row of the temporary table `plan` (alias p)."""
    cols = columns(cr, table)
    exprs = {col: SQL("t.%s", SQL.identifier(col)) for col in cols}
    for col in AMOUNT_COLUMNS.get(table, []):
        if col in exprs:
            exprs[col] = SQL("t.%s * p.factor", SQL.identifier(col))
    for col, expr in overrides.items():
        if col in exprs:
            exprs[col] = SQL(expr) if isinstance(expr, str) else expr
    cr.execute(
        SQL(
            "INSERT INTO %(table)s (id, %(cols)s) "
            "SELECT %(new_id)s, %(exprs)s FROM %(table)s t, plan p WHERE t.id = %(tid)s",
            table=SQL.identifier(table),
            cols=SQL(", ").join(SQL.identifier(col) for col in cols),
            new_id=SQL(new_id),
            exprs=SQL(", ").join(exprs[col] for col in cols),
            tid=template_id,
        )
    )
    return cr.rowcount


def max_id(cr, table):
    cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table)))
    return cr.fetchone()[0]


def load_plan(cr, rows):
    """rows: (g, partner_id, partner_name, invoice_date, due_date, pay_date, factor)."""
    cr.execute("DROP TABLE IF EXISTS plan")
    cr.execute(
        "CREATE TEMP TABLE plan (g int PRIMARY KEY, partner_id int, partner_name varchar, "
        "inv_date date, due date, pay date, factor numeric)"
    )
    cols = [list(col) for col in zip(*rows, strict=True)]
    cr.execute(
        "INSERT INTO plan SELECT * FROM unnest(%s::int[], %s::int[], %s::varchar[], %s::date[], %s::date[], "
        "%s::date[], %s::numeric[])",
        cols,
    )
    cr.execute("ANALYZE plan")


def make_templates(env, today):
    """One real paid invoice (with payment and reconciliation) and one real open invoice, made by the ORM."""
    partner = env["res.partner"].create({"name": "Bench Template", "is_company": True})
    vals = {
        "move_type": "out_invoice",
        "partner_id": partner.id,
        "invoice_date": today - timedelta(days=60),
        "invoice_date_due": today - timedelta(days=30),
        "invoice_payment_term_id": False,
        "invoice_line_ids": [Command.create({"name": "Service", "quantity": 1, "price_unit": 1000, "tax_ids": []})],
    }
    paid, open_invoice = env["account.move"].create([vals, dict(vals)])
    (paid | open_invoice).action_post()
    payment = (
        env["account.payment.register"]
        .with_context(active_model="account.move", active_ids=paid.ids)
        .create({"payment_date": today - timedelta(days=25)})
        ._create_payments()
    )
    assert paid.payment_state == "paid", paid.payment_state
    env.flush_all()
    return paid, payment, open_invoice


def create_customers_and_templates(env, n_customers, today):
    """The bench customers, then the templates: (partners, paid invoice, its payment, open invoice)."""
    env.company.write({"name": "Bench Company"})
    # trading companies: a company record alone makes no professional (its follow-ups would wait)
    trader = {"is_company": True, "customer_rank": 1, "dunning_debtor_type": "professional"}
    partners = env["res.partner"].create([{"name": f"Bench Customer {i:06d}", **trader} for i in range(n_customers)])
    return (partners, *make_templates(env, today))


def customer_plans(partners, today):
    """Per customer: its habit's invoices (scripts/bench_habits.py) and whether it ends in litigation."""
    plans = []
    for c, partner in enumerate(partners):
        habits = Customer(c, today)
        plans.append((partner, habits.invoices(), habits.litigation()))
    return plans


def paid_plan(plans):
    """Plan rows of the paid invoices: each customer's 20 paid invoices, invoiced 60 days before their due date."""
    rows = []
    for c, (partner, invoices, _litigation) in enumerate(plans):
        for j, (due, pay, factor) in enumerate(invoices[:PAID]):
            g = c * PAID + j + 1
            rows.append((g, partner.id, partner.name, due - timedelta(days=60), due, pay, round(factor, 2)))
    return rows


def paid_ids(cr, k, prefixes=("BINV/", "BPAY/")):
    """The largest id of each cloned table (row g of the plan, of k rows, gets it + g), the new moves' ids and the
    names of the invoices and payments (prefix and number g)."""
    ids = dict(zip(("move", "line", "payment", "partial", "full"), (max_id(cr, t) for t in CLONED_TABLES), strict=True))
    inv_prefix, pay_prefix = prefixes
    return SimpleNamespace(
        **ids,
        k=k,
        inv_move=f"{ids['move']} + p.g",
        pmt_move=f"{ids['move'] + k} + p.g",
        inv_prefix=inv_prefix,
        pay_prefix=pay_prefix,
        inv_name=f"'{inv_prefix}' || lpad(p.g::text, 7, '0')",
        pay_name=f"'{pay_prefix}' || lpad(p.g::text, 7, '0')",
    )


def clone_paid_moves(cr, paid, pay_move, ids):
    """The invoices (BINV/ or the given prefix) and the journal entries of their payments (BPAY/)."""
    names = {
        "name": ids.inv_name,
        "payment_reference": ids.inv_name,
        "sequence_prefix": f"'{ids.inv_prefix}'",
        "sequence_number": "p.g",
    }
    dates = {"date": "p.inv_date", "invoice_date": "p.inv_date", "invoice_date_due": "p.due"}
    clone(cr, "account_move", paid.id, ids.inv_move, {**names, **PARTNER_COLUMNS, **dates})
    overrides = {
        **PARTNER_COLUMNS,
        "name": ids.pay_name,
        "sequence_prefix": f"'{ids.pay_prefix}'",
        "sequence_number": "p.g",
        "ref": ids.inv_name,
        "date": "p.pay",
        "origin_payment_id": "NULL",  # set once the payments exist (they point back to these moves)
        "invoice_partner_display_name": "NULL",
    }
    clone(cr, "account_move", pay_move.id, ids.pmt_move, overrides)


def clone_payments(cr, payment, ids):
    """The payments, then the link of their journal entries back to them."""
    overrides = {
        "move_id": ids.pmt_move,
        "partner_id": "p.partner_id",
        "date": "p.pay",
        "name": ids.pay_name,
        "memo": ids.inv_name,
        "payment_reference": ids.inv_name,
    }
    clone(cr, "account_payment", payment.id, f"{ids.payment} + p.g", overrides)
    cr.execute(
        SQL(
            "UPDATE account_move SET origin_payment_id = %s + (id - %s) WHERE id > %s AND id <= %s",
            ids.payment,
            ids.move + ids.k,
            ids.move + ids.k,
            ids.move + 2 * ids.k,
        )
    )


def clone_paid_lines(cr, paid, lines, ids):
    """The journal items of the invoices and of the payments; returns {template line id: SQL of the new id}."""
    line_id = {}
    for index, line in enumerate(lines):
        line_id[line.id] = f"{ids.line + index * ids.k} + p.g"
        is_invoice = line.move_id == paid
        maturity = "p.due" if is_invoice else "p.pay"
        overrides = {
            "move_id": ids.inv_move if is_invoice else ids.pmt_move,
            "move_name": ids.inv_name if is_invoice else ids.pay_name,
            "partner_id": "p.partner_id",
            "date": "p.inv_date" if is_invoice else "p.pay",
            "invoice_date": "p.inv_date" if is_invoice else "NULL",
            "date_maturity": f"CASE WHEN t.date_maturity IS NULL THEN NULL ELSE {maturity} END",
            "payment_id": f"CASE WHEN t.payment_id IS NULL THEN NULL ELSE {ids.payment} + p.g END",
            "full_reconcile_id": f"CASE WHEN t.full_reconcile_id IS NULL THEN NULL ELSE {ids.full} + p.g END",
            "matching_number": f"CASE WHEN t.matching_number IS NULL THEN NULL ELSE ({ids.full} + p.g)::text END",
        }
        clone(cr, "account_move_line", line.id, line_id[line.id], overrides)
    return line_id


def clone_partials_and_links(cr, partial, line_id, ids):
    """The partial reconciliations between the new journal items, and the invoice-payment links."""
    overrides = {
        "debit_move_id": line_id[partial.debit_move_id.id],
        "credit_move_id": line_id[partial.credit_move_id.id],
        "full_reconcile_id": f"{ids.full} + p.g",
        "max_date": "p.pay",
    }
    clone(cr, "account_partial_reconcile", partial.id, f"{ids.partial} + p.g", overrides)
    cr.execute(
        SQL(
            "INSERT INTO account_move__account_payment (invoice_id, payment_id) SELECT %s + g, %s + g FROM plan",
            ids.move,
            ids.payment,
        )
    )


def clone_paid_invoices(cr, plans, paid, payment):
    """Clone the paid invoice, its payment and their reconciliations once per row of the plan; returns the count."""
    return clone_paid_rows(cr, paid_plan(plans), paid, payment)


def clone_paid_rows(cr, rows, paid, payment, prefixes=("BINV/", "BPAY/")):
    """Clone the paid invoice, its payment and their reconciliations once per plan row (see load_plan)."""
    load_plan(cr, rows)
    inv_lines = paid.line_ids.sorted("id")
    pay_move = payment.move_id
    pay_lines = pay_move.line_ids.sorted("id")
    partial = inv_lines.matched_credit_ids
    full = partial.full_reconcile_id
    assert len(partial) == 1 and len(full) == 1
    ids = paid_ids(cr, len(rows), prefixes)
    clone_paid_moves(cr, paid, pay_move, ids)
    clone_payments(cr, payment, ids)
    clone(cr, "account_full_reconcile", full.id, f"{ids.full} + p.g", {})
    line_id = clone_paid_lines(cr, paid, inv_lines | pay_lines, ids)
    clone_partials_and_links(cr, partial, line_id, ids)
    return len(rows)


def open_plan(plans, today):
    """Plan rows of the open invoices: each customer's 4 invoices its habit has not paid yet."""
    rows = []
    for c, (partner, invoices, _litigation) in enumerate(plans):
        for j, (due, _pay, factor) in enumerate(invoices[PAID:]):
            g = c * OPEN_PER_CUSTOMER + j + 1
            invoice_date = min(due - timedelta(days=60), today)
            rows.append((g, partner.id, partner.name, invoice_date, due, due, round(factor, 2)))
    return rows


def clone_open_invoices(cr, plans, open_invoice, today):
    """Clone the open invoice (BOPN/) and its journal items once per row of the plan; returns the count."""
    rows = open_plan(plans, today)
    load_plan(cr, rows)
    h = len(rows)
    m1, l1 = max_id(cr, "account_move"), max_id(cr, "account_move_line")
    overrides = {
        **PARTNER_COLUMNS,
        "name": "'BOPN/' || lpad(p.g::text, 7, '0')",
        "payment_reference": "'BOPN/' || lpad(p.g::text, 7, '0')",
        "sequence_prefix": "'BOPN/'",
        "sequence_number": "p.g",
        "date": "p.inv_date",
        "invoice_date": "p.inv_date",
        "invoice_date_due": "p.due",
    }
    clone(cr, "account_move", open_invoice.id, f"{m1} + p.g", overrides)
    line_overrides = {
        "move_id": f"{m1} + p.g",
        "move_name": "'BOPN/' || lpad(p.g::text, 7, '0')",
        "partner_id": "p.partner_id",
        "date": "p.inv_date",
        "invoice_date": "p.inv_date",
        "date_maturity": "CASE WHEN t.date_maturity IS NULL THEN NULL ELSE p.due END",
    }
    for index, line in enumerate(open_invoice.line_ids.sorted("id")):
        clone(cr, "account_move_line", line.id, f"{l1 + index * h} + p.g", line_overrides)
    return h, m1


def reset_sequences_and_analyse(env, size, today):
    """Sequences past the cloned ids, fresh planner statistics, and the dataset's size and date noted."""
    cr = env.cr
    for table in CLONED_TABLES:
        cr.execute(SQL("SELECT setval(%s, (SELECT MAX(id) FROM %s))", f"{table}_id_seq", SQL.identifier(table)))
    cr.execute("DROP TABLE plan")
    # fresh planner statistics: right after a bulk load, autovacuum has not analysed the tables yet and the
    # first measurement would run with plans made for nearly empty tables
    cr.execute(
        "ANALYZE res_partner, account_move, account_move_line, account_payment, account_partial_reconcile, "
        "account_full_reconcile"
    )
    env.invalidate_all()
    env["ir.config_parameter"].set_param("account_dunning.bench_size", str(size))
    env["ir.config_parameter"].set_param("account_dunning.bench_today", fields.Date.to_string(today))


def generate(env, size, today, customers=None):
    """Fill the database: size x CUSTOMERS customers (or `customers`, as the acceptance test asks) with the habits of
    bench_habits.py, each with 20 paid and 4 open invoices (size x 40,000 and 8,000), cloned from templates; half
    the customers going bad end in litigation."""
    started = time.time()
    n_customers = customers or CUSTOMERS * size
    partners, paid, payment, open_invoice = create_customers_and_templates(env, n_customers, today)
    _logger.info("%s customers and templates in %.0fs", n_customers, time.time() - started)
    plans = customer_plans(partners, today)
    k = clone_paid_invoices(env.cr, plans, paid, payment)
    _logger.info("%s paid invoices cloned in %.0fs", k, time.time() - started)
    h, first_open_id = clone_open_invoices(env.cr, plans, open_invoice, today)
    litigation = [first_open_id + c * OPEN_PER_CUSTOMER + 1 for c, plan in enumerate(plans) if plan[2]]
    env.cr.execute("UPDATE account_move SET dunning_litigation = TRUE WHERE id = ANY(%s)", [litigation])
    reset_sequences_and_analyse(env, size, today)
    _logger.info("%s open invoices cloned; generation took %.0fs", h, time.time() - started)
    print(
        f"generated {n_customers} customers, {k} paid and {h} open invoices ({len(litigation)} in litigation) "
        f"in {time.time() - started:.0f}s",
        flush=True,
    )
