"""Benchmark database and measurements of account_dunning.

Usage:
  python3 scripts/bench.py generate --size N -- ODOO_OPTIONS...   # fill a freshly installed database
  python3 scripts/bench.py check -- ODOO_OPTIONS...               # coherence checks of the generated rows
  python3 scripts/bench.py behaviour [--repeat R] -- ODOO_OPTIONS... # time the payment behaviour recompute
  python3 scripts/bench.py run [--repeat R] -- ODOO_OPTIONS...       # time the daily follow-up run
  python3 scripts/bench.py simulation [--repeat R] -- ODOO_OPTIONS... # time the policy simulation of a year
  python3 scripts/bench.py load-history --csv FILE -- ODOO_OPTIONS... # load a real payment history (CSV)
  python3 scripts/bench.py history [--split DATE] -- ODOO_OPTIONS... # replay it: defaults, fixed ladder, simple rules
  python3 scripts/bench.py reports -- ODOO_OPTIONS...               # data for scripts/bench_reports.py (committed)

`generate` makes N x (2,000 customers, 40,000 paid invoices, 8,000 open invoices), with the payment habits of
scripts/bench_habits.py. It creates one real
paid invoice (with its payment, partial and full reconciliation) and one real open invoice through the
ORM, then clones their rows with INSERT ... SELECT over a plan of customers, dates and amounts: moves,
journal items, payments, partial and full reconciliations, matching numbers, residuals and
payment states stay coherent, as the ORM would have written them (chatter and followers excepted).
The dataset's code is in scripts/bench_data.py.

Add a measurement: write `def measure_<name>(env, args)` and register it in MEASURES.
"""

import argparse
import resource
import sys
import time
from datetime import date, timedelta

# scripts/bench_data.py: Python puts the folder of the script it runs (scripts/) first on sys.path
from bench_data import generate
from bench_history import measure_history
from history_data import HistoryError, load_history

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.tools import SQL, config

# --- coherence of the generated rows -----------------------------------------------------------


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
    """One run of today's follow-ups, rolled back afterwards: (seconds, queries, followups, mails, skipped,
    assigned notifications).

    It runs as the scheduled action does: as OdooBot with a plain context (the chatter, its tracking and the
    notifications included), not with the bench's tracking_disable context of the data generation.
    """
    env = api.Environment(env.cr, SUPERUSER_ID, {})
    company = env.company
    env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM mail_message")
    last_message = env.cr.fetchone()[0]
    mails_before = env["mail.mail"].search_count([])
    if not preview:
        company.write({"dunning_responsible_id": env.ref("base.user_admin").id, "dunning_send_enabled": True})
        env.flush_all()
    env.invalidate_all()
    queries_before, started, cpu = odoo.sql_db.sql_counter, time.perf_counter(), time.process_time()
    result = env["account.dunning.run"].run_followups(company, fields.Date.context_today(company), preview=preview)
    env.flush_all()
    env.cr.precommit.run()  # what the commit would do: the tracking messages of the chatter
    env.flush_all()
    elapsed, queries = time.perf_counter() - started, odoo.sql_db.sql_counter - queries_before
    cpu = time.process_time() - cpu
    mails = env["mail.mail"].search_count([]) - mails_before
    env.cr.execute(
        "SELECT COUNT(*) FROM mail_message WHERE id > %s AND message_type = 'user_notification'", [last_message]
    )
    assigned = env.cr.fetchone()[0]
    env.cr.rollback()
    env.invalidate_all()
    return elapsed, queries, len(result["followups"]), mails, len(result["skipped"]), assigned, cpu


def measure_run(env, args):
    """The daily follow-up run on the whole dataset: as a preview, then for real with mails queued (not sent)."""
    prepare_run(env)
    for preview in (True, False):
        runs = [time_run(env, preview) for _run in range(args.repeat)]
        best = min(runs)
        label = "preview" if preview else "real run (mails queued)"
        seconds, queries, followed = best[0], best[1], best[2]
        per_customer = (
            f" = {1000 * seconds / followed:.1f} ms ({1000 * best[6] / followed:.1f} ms of Odoo's CPU) and "
            f"{queries / followed:.2f} queries per customer followed up"
            if followed and not preview
            else ""
        )
        print(
            f"run: {label} best of {args.repeat}: {seconds:.2f}s, {queries} SQL queries{per_customer}; "
            f"{followed} customers followed up, {best[3]} mails queued, {best[4]} skipped, {best[5]} 'assigned' "
            "notifications (all runs, wall/CPU/queries: "
            + ", ".join(f"{run[0]:.2f}s/{run[6]:.2f}s/{run[1]}q" for run in runs)
            + ")",
            flush=True,
        )


def measure_simulation(env, args):
    """The policy simulation of the last twelve months: the shipped defaults against the fixed ladder."""
    company = env.company
    simulation = env["account.dunning.simulation"].create({"company_id": company.id})
    env.cr.commit()  # the policies it made (current one, fixed ladder) stay; the runs are rolled back
    timings = []
    for _run in range(args.repeat):
        env.invalidate_all()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        queries_before, started = odoo.sql_db.sql_counter, time.perf_counter()
        result = simulation.run()
        elapsed, queries = time.perf_counter() - started, odoo.sql_db.sql_counter - queries_before
        timings.append((elapsed, queries, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before))
        env.cr.rollback()
    best = min(timings)
    print(
        f"simulation: {result['date_from']} to {result['date_to']} (+{result['warmup_days']} days of warm-up), two "
        f"policies, best of {args.repeat}: {best[0]:.1f}s, {best[1]} SQL queries; peak memory grew by "
        f"{timings[0][2] / 1024:.0f} MB on the first run (all runs: "
        + ", ".join(f"{t:.1f}s/{q}q/+{m / 1024:.0f}MB" for t, q, m in timings)
        + ")",
        flush=True,
    )
    for key in ("policy", "comparison"):
        figures = result[key]
        print(f"simulation: {figures['name']}: " + ", ".join(f"{k} {v}" for k, v in figures.items() if k != "name"))
    print("simulation: difference in %: " + ", ".join(f"{k} {v}" for k, v in result["difference_pct"].items()))


def measure_reports(env, args):
    """Give the reports their data, once, committed: the follow-ups of the 15th of last month sent for real (mails
    queued, not sent), then the KPIs of the last twelve complete months, timed. scripts/bench_reports.py reads them:
    the Collections dashboard opens on last month, where those follow-ups are."""
    prepare_run(env)
    company = env.company
    run_date = date.today().replace(day=1) - timedelta(days=1)
    run_date = run_date.replace(day=15)
    if not env["account.dunning.action"].search_count([("company_id", "=", company.id), ("date", "=", run_date)]):
        company.write({"dunning_responsible_id": env.ref("base.user_admin").id, "dunning_send_enabled": True})
        started = time.perf_counter()
        result = env["account.dunning.run"].run_followups(company, run_date)
        env.cr.commit()
        print(
            f"reports: follow-ups of {run_date} sent: {len(result['followups'])} customers in "
            f"{time.perf_counter() - started:.1f}s",
            flush=True,
        )
    kpi = env["account.dunning.kpi"]
    queries_before, started = odoo.sql_db.sql_counter, time.perf_counter()
    rows = kpi._dunning_refresh(company, *kpi._dunning_default_range())
    env.cr.commit()
    print(
        f"reports: KPIs of the last twelve months refreshed: {len(rows)} rows in {time.perf_counter() - started:.1f}s, "
        f"{odoo.sql_db.sql_counter - queries_before} SQL queries",
        flush=True,
    )


MEASURES = {
    "behaviour": measure_behaviour,
    "run": measure_run,
    "simulation": measure_simulation,
    "history": measure_history,
    "reports": measure_reports,
}


def main(argv):
    split = argv.index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["generate", "check", "load-history", *MEASURES])
    parser.add_argument("--size", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--csv", help="load-history: the payment history to load")
    parser.add_argument("--split", type=date.fromisoformat, help="history: first day of the validation period")
    parser.add_argument("--warmup", type=int, default=60, help="history: days replayed before each period")
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
        elif args.command == "load-history":
            try:
                load_history(env, args.csv)
            except HistoryError as error:
                cr.rollback()
                raise SystemExit(f"load-history: {error}") from None
            cr.commit()
        else:
            MEASURES[args.command](env, args)


if __name__ == "__main__":
    main(sys.argv[1:])
