"""Benchmark database and measurements of account_dunning.

Usage:
  python3 scripts/bench.py generate --size N -- ODOO_OPTIONS...   # fill a freshly installed database
  python3 scripts/bench.py behaviour [--repeat R] -- ODOO_OPTIONS... # time the payment behaviour recompute

`generate` makes N x (2,000 customers, 40,000 paid invoices, 8,000 open invoices). It creates one real
paid invoice (with its payment, partial and full reconciliation) and one real open invoice through the
ORM, then clones their rows with INSERT ... SELECT over a plan of customers, dates and amounts: moves,
journal items, payments, partial and full reconciliations, matching numbers, residuals and
payment states stay coherent, as the ORM would have written them (chatter and followers excepted).

Add a measurement: write `def measure_<name>(env, args)` and register it in MEASURES.
"""

import argparse
import logging
import sys
import time
from datetime import date, timedelta

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tools import SQL, config

_logger = logging.getLogger("account_dunning.bench")

CUSTOMERS, PAID, OPEN = 2000, 40000, 8000

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


# --- generation -------------------------------------------------------------------------------


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


def delay_of(customer_index, invoice_index, g):
    """Each customer has a habit: on time, steady, erratic, increasing, or late now and then."""
    habit = customer_index % 6
    if habit == 0:
        return -(customer_index % 7)
    if habit == 1:
        return 10
    if habit == 2:
        return (g * 37) % 61
    if habit == 3:
        return invoice_index * 3
    if habit == 4:
        return 5 + customer_index % 15
    return 20 if invoice_index % 4 == 3 else 0


def generate(env, size, today):
    cr = env.cr
    started = time.time()
    env.company.write({"name": "Bench Company"})
    n_customers, n_paid, n_open = CUSTOMERS * size, PAID * size, OPEN * size
    per_customer_paid, per_customer_open = n_paid // n_customers, n_open // n_customers
    partners = env["res.partner"].create(
        [{"name": f"Bench Customer {i:06d}", "is_company": True, "customer_rank": 1} for i in range(n_customers)]
    )
    paid, payment, open_invoice = make_templates(env, today)
    _logger.info("%s customers and templates in %.0fs", n_customers, time.time() - started)

    # plan of the paid invoices
    rows = []
    for c, partner in enumerate(partners):
        for j in range(per_customer_paid):
            g = c * per_customer_paid + j + 1
            due = today - timedelta(days=360 - 17 * j - c % 5)
            pay = min(due + timedelta(days=delay_of(c, j, g)), today - timedelta(days=1))
            factor = (50 + (g * 7919) % 200) / 100.0
            rows.append((g, partner.id, partner.name, due - timedelta(days=30), due, pay, factor))
    load_plan(cr, rows)
    k = len(rows)
    inv_lines = paid.line_ids.sorted("id")
    pay_move = payment.move_id
    pay_lines = pay_move.line_ids.sorted("id")
    partial = inv_lines.matched_credit_ids
    full = partial.full_reconcile_id
    assert len(partial) == 1 and len(full) == 1
    m0, l0 = max_id(cr, "account_move"), max_id(cr, "account_move_line")
    p0, r0, f0 = (
        max_id(cr, "account_payment"),
        max_id(cr, "account_partial_reconcile"),
        max_id(cr, "account_full_reconcile"),
    )
    inv_move, pmt_move = f"{m0} + p.g", f"{m0 + k} + p.g"
    names = {
        "name": "'BINV/' || lpad(p.g::text, 7, '0')",
        "payment_reference": "'BINV/' || lpad(p.g::text, 7, '0')",
        "sequence_prefix": "'BINV/'",
        "sequence_number": "p.g",
    }
    partner_cols = {
        "partner_id": "p.partner_id",
        "commercial_partner_id": "p.partner_id",
        "partner_shipping_id": "p.partner_id",
        "invoice_partner_display_name": "p.partner_name",
        "access_token": "NULL",
    }
    clone(
        cr,
        "account_move",
        paid.id,
        inv_move,
        {**names, **partner_cols, "date": "p.inv_date", "invoice_date": "p.inv_date", "invoice_date_due": "p.due"},
    )
    clone(
        cr,
        "account_move",
        pay_move.id,
        pmt_move,
        {
            **partner_cols,
            "name": "'BPAY/' || lpad(p.g::text, 7, '0')",
            "sequence_prefix": "'BPAY/'",
            "sequence_number": "p.g",
            "ref": "'BINV/' || lpad(p.g::text, 7, '0')",
            "date": "p.pay",
            "origin_payment_id": "NULL",  # set once the payments exist (they point back to these moves)
            "invoice_partner_display_name": "NULL",
        },
    )
    clone(
        cr,
        "account_payment",
        payment.id,
        f"{p0} + p.g",
        {
            "move_id": pmt_move,
            "partner_id": "p.partner_id",
            "date": "p.pay",
            "name": "'BPAY/' || lpad(p.g::text, 7, '0')",
            "memo": "'BINV/' || lpad(p.g::text, 7, '0')",
            "payment_reference": "'BINV/' || lpad(p.g::text, 7, '0')",
        },
    )
    cr.execute(
        SQL(
            "UPDATE account_move SET origin_payment_id = %s + (id - %s) WHERE id > %s AND id <= %s",
            p0,
            m0 + k,
            m0 + k,
            m0 + 2 * k,
        )
    )
    clone(cr, "account_full_reconcile", full.id, f"{f0} + p.g", {})
    line_id = {}
    for index, line in enumerate(inv_lines | pay_lines):
        line_id[line.id] = f"{l0 + index * k} + p.g"
        is_invoice = line.move_id == paid
        maturity = "p.due" if is_invoice else "p.pay"
        clone(
            cr,
            "account_move_line",
            line.id,
            line_id[line.id],
            {
                "move_id": inv_move if is_invoice else pmt_move,
                "move_name": "'BINV/' || lpad(p.g::text, 7, '0')"
                if is_invoice
                else "'BPAY/' || lpad(p.g::text, 7, '0')",
                "partner_id": "p.partner_id",
                "date": "p.inv_date" if is_invoice else "p.pay",
                "invoice_date": "p.inv_date" if is_invoice else "NULL",
                "date_maturity": f"CASE WHEN t.date_maturity IS NULL THEN NULL ELSE {maturity} END",
                "payment_id": f"CASE WHEN t.payment_id IS NULL THEN NULL ELSE {p0} + p.g END",
                "full_reconcile_id": f"CASE WHEN t.full_reconcile_id IS NULL THEN NULL ELSE {f0} + p.g END",
                "matching_number": f"CASE WHEN t.matching_number IS NULL THEN NULL ELSE ({f0} + p.g)::text END",
            },
        )
    clone(
        cr,
        "account_partial_reconcile",
        partial.id,
        f"{r0} + p.g",
        {
            "debit_move_id": line_id[partial.debit_move_id.id],
            "credit_move_id": line_id[partial.credit_move_id.id],
            "full_reconcile_id": f"{f0} + p.g",
            "max_date": "p.pay",
        },
    )
    cr.execute(
        SQL(
            "INSERT INTO account_move__account_payment (invoice_id, payment_id) SELECT %s + g, %s + g FROM plan",
            m0,
            p0,
        )
    )
    _logger.info("%s paid invoices cloned in %.0fs", k, time.time() - started)

    # plan of the open invoices: some long overdue, some recent, some not yet due
    rows = []
    offsets = [-100, -40, -5, 20, -15, 10, -70, 3]
    for c, partner in enumerate(partners):
        for j in range(per_customer_open):
            g = c * per_customer_open + j + 1
            due = today + timedelta(days=offsets[(c + j) % len(offsets)])
            factor = (50 + (g * 104729) % 200) / 100.0
            rows.append((g, partner.id, partner.name, due - timedelta(days=30), due, due, factor))
    load_plan(cr, rows)
    h = len(rows)
    m1, l1 = max_id(cr, "account_move"), max_id(cr, "account_move_line")
    clone(
        cr,
        "account_move",
        open_invoice.id,
        f"{m1} + p.g",
        {
            **partner_cols,
            "name": "'BOPN/' || lpad(p.g::text, 7, '0')",
            "payment_reference": "'BOPN/' || lpad(p.g::text, 7, '0')",
            "sequence_prefix": "'BOPN/'",
            "sequence_number": "p.g",
            "date": "p.inv_date",
            "invoice_date": "p.inv_date",
            "invoice_date_due": "p.due",
        },
    )
    for index, line in enumerate(open_invoice.line_ids.sorted("id")):
        clone(
            cr,
            "account_move_line",
            line.id,
            f"{l1 + index * h} + p.g",
            {
                "move_id": f"{m1} + p.g",
                "move_name": "'BOPN/' || lpad(p.g::text, 7, '0')",
                "partner_id": "p.partner_id",
                "date": "p.inv_date",
                "invoice_date": "p.inv_date",
                "date_maturity": "CASE WHEN t.date_maturity IS NULL THEN NULL ELSE p.due END",
            },
        )
    for table in (
        "account_move",
        "account_move_line",
        "account_payment",
        "account_partial_reconcile",
        "account_full_reconcile",
    ):
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
    _logger.info("%s open invoices cloned; generation took %.0fs", h, time.time() - started)
    print(
        f"generated {n_customers} customers, {k} paid and {h} open invoices in {time.time() - started:.0f}s",
        flush=True,
    )


def check(env):
    """Cheap coherence checks of the generated rows against what the ORM computes."""
    cr = env.cr
    cr.execute(
        """
        SELECT COUNT(*) FILTER (WHERE m.payment_state = 'paid'),
               COUNT(*) FILTER (WHERE m.payment_state = 'not_paid'),
               COUNT(*) FILTER (WHERE m.payment_state = 'paid' AND aml.amount_residual != 0)
          FROM account_move m
          JOIN account_move_line aml ON aml.move_id = m.id
          JOIN account_account a ON a.id = aml.account_id AND a.account_type = 'asset_receivable'
         WHERE m.move_type = 'out_invoice'
        """
    )
    paid, open_, bad = cr.fetchone()
    sample = env["account.move"].search([("move_type", "=", "out_invoice"), ("name", "like", "BINV/%")], limit=50)
    residuals = sample.mapped("amount_residual")
    sample.line_ids.invalidate_recordset()
    sample.invalidate_recordset()
    sample.line_ids._compute_amount_residual()
    sample._compute_amount()
    sample._compute_payment_state()
    assert sample.mapped("amount_residual") == residuals and set(sample.mapped("payment_state")) == {"paid"}
    assert not bad, f"{bad} paid invoices keep a residual"
    print(f"check: {paid} paid and {open_} open customer invoices; ORM recomputation agrees on a sample", flush=True)
    env.cr.rollback()


# --- measurements -----------------------------------------------------------------------------


def measure_behaviour(env, args):
    """Full recompute of every customer's statistics, segment and tolerance (the nightly job)."""
    partner = env["res.partner"]
    company = env.company
    customers = len(partner._dunning_behaviour_customer_ids(company))
    env.cr.commit()
    timings = []
    for _run in range(args.repeat):
        env.invalidate_all()
        queries_before, started = odoo.sql_db.sql_counter, time.perf_counter()
        partner._cron_dunning_recompute_payment_stats()
        env.flush_all()
        timings.append((time.perf_counter() - started, odoo.sql_db.sql_counter - queries_before))
        env.cr.commit()
    best = min(timings)
    env.cr.execute(
        SQL(
            "SELECT dunning_segment ->> %(key)s, COUNT(*), ROUND(AVG((dunning_tolerance_days ->> %(key)s)::int), 1) "
            "FROM res_partner WHERE dunning_segment ? %(key)s GROUP BY 1 ORDER BY 1",
            key=str(company.id),
        )
    )
    segments = ", ".join(f"{seg} {count} (tolerance {tol})" for seg, count, tol in env.cr.fetchall())
    # as-of simulation: compute without writing, 90 days ago
    sim_partners = partner.browse(partner._dunning_behaviour_customer_ids(company))
    queries_before, started = odoo.sql_db.sql_counter, time.perf_counter()
    sim_partners._dunning_compute_payment_stats(company, as_of=date.today() - timedelta(days=90), whole_company=True)
    as_of_time, as_of_queries = time.perf_counter() - started, odoo.sql_db.sql_counter - queries_before
    print(
        f"behaviour: {customers} customers; full recompute (nightly job) best of {args.repeat}: "
        f"{best[0]:.2f}s, {best[1]} SQL queries (all runs: " + ", ".join(f"{t:.2f}s/{q}q" for t, q in timings) + ")",
        flush=True,
    )
    print(f"behaviour: as-of simulation (no write): {as_of_time:.2f}s, {as_of_queries} SQL queries", flush=True)
    print(f"behaviour: segments: {segments}", flush=True)


def prepare_run(env):
    """Give the bench customers an email address and their payment behaviour, once (committed)."""
    env.cr.execute(
        "UPDATE res_partner SET email = 'billing-' || id || '@bench.example' "
        "WHERE name LIKE 'Bench Customer %%' AND email IS NULL"
    )
    key = str(env.company.id)
    env.cr.execute(
        "SELECT COUNT(*) FROM res_partner WHERE name LIKE 'Bench Customer %%' AND NOT dunning_segment ? %s", [key]
    )
    if env.cr.fetchone()[0]:
        env["res.partner"]._cron_dunning_recompute_payment_stats()
    env.cr.commit()
    env.invalidate_all()


def time_run(env, preview):
    """One run of today's follow-ups, rolled back afterwards: (seconds, queries, followups, mails, skipped)."""
    company = env.company
    mails_before = env["mail.mail"].search_count([])
    if not preview:
        company.dunning_send_enabled = True
        env.flush_all()
    env.invalidate_all()
    queries_before, started = odoo.sql_db.sql_counter, time.perf_counter()
    result = env["account.dunning.run"].run_followups(company, fields.Date.context_today(company), preview=preview)
    env.flush_all()
    elapsed, queries = time.perf_counter() - started, odoo.sql_db.sql_counter - queries_before
    mails = env["mail.mail"].search_count([]) - mails_before
    env.cr.rollback()
    env.invalidate_all()
    return elapsed, queries, len(result["followups"]), mails, len(result["skipped"])


def measure_run(env, args):
    """The daily follow-up run on the whole dataset: as a preview, then for real with mails queued (not sent)."""
    prepare_run(env)
    for preview in (True, False):
        runs = [time_run(env, preview) for _run in range(args.repeat)]
        best = min(runs)
        label = "preview" if preview else "real run (mails queued)"
        print(
            f"run: {label} best of {args.repeat}: {best[0]:.2f}s, {best[1]} SQL queries; "
            f"{best[2]} customers followed up, {best[3]} mails queued, {best[4]} skipped "
            "(all runs: " + ", ".join(f"{t:.2f}s/{q}q" for t, q, *_rest in runs) + ")",
            flush=True,
        )


MEASURES = {"behaviour": measure_behaviour, "run": measure_run}


def main(argv):
    split = argv.index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["generate", "check", *MEASURES])
    parser.add_argument("--size", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv[:split])
    config.parse_config(argv[split + 1 :])
    registry = odoo.modules.registry.Registry(config["db_name"])
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True})
        if args.command == "generate":
            generate(env, args.size, fields.Date.context_today(env["res.partner"]))
            cr.commit()
            check(env)
        elif args.command == "check":
            check(env)
        else:
            MEASURES[args.command](env, args)


if __name__ == "__main__":
    main(sys.argv[1:])
