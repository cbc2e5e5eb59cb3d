"""Acceptance of the scheduled jobs under real worker limits (see scripts/acceptance.sh).

Usage:
  python3 scripts/acceptance.py prepare --customers N [--budget S] [--slice N] [--run-only] -- ODOO_OPTIONS...
  python3 scripts/acceptance.py drive --db DB [--timeout S] [--queue-job] [--run-only]
  python3 scripts/acceptance.py check --log SERVER_LOG [--queue-job] [--run-only] -- ODOO_OPTIONS...

--customers 0 keeps the data of the database (scripts/bench_server.sh prepares a benchmark database so);
--run-only leaves the KPI refresh out (and the worker-limit check of the log).

`prepare` fills a database where account_dunning is installed (customers with overdue invoices and a year of paid
ones, cloned as in the benchmark), computes their payment behaviour, turns sending on, keeps only the module's
scheduled actions active, and notes what a run would do: the customers a preview follows up today and the KPI rows
of each month. `drive` sets the next call of the daily run and the KPI refresh to now and waits until Odoo's cron
runner has finished both (and, with queue jobs, until no job is left), sending the cron workers the notification
that Odoo sends for a trigger every two seconds: a cron worker sleeps up to 70 s between polls and its time limit
counts that sleep, so under a limit of 15 s an idle cron worker only works when notified. `check` compares the
database with the notes (exactly one follow-up per customer, every month's KPI rows, no duplicate, no failure)
and reads the server log: workers killed, calls started and finished, slices rescheduled.
"""

import argparse
import json
import re
import sys
import time
from datetime import timedelta

import psycopg2
from bench import prepare_run
from bench_data import generate

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.tools import config

CRONS = ("account_dunning.ir_cron_account_dunning_run", "account_dunning.account_dunning_kpi_cron_refresh")
EXPECTED = "account_dunning.acceptance_expected"


def make_every_customer_due(env, today):
    """Every generated customer due today: its open invoices 40 days late and none in litigation, so that one call
    of the daily run has more work than the cron worker's time limit allows."""
    due = today - timedelta(days=40)
    env.cr.execute(
        """
        UPDATE account_move_line SET date_maturity = %s
         WHERE date_maturity IS NOT NULL AND move_id IN (SELECT id FROM account_move WHERE name LIKE 'BOPN/%%');
        UPDATE account_move SET invoice_date_due = %s, dunning_litigation = FALSE WHERE name LIKE 'BOPN/%%';
        """,
        [due, due],
    )
    env.invalidate_all()


def prepare(env, args):
    today = fields.Date.context_today(env["res.partner"])
    if args.customers:
        generate(env, 1, today, customers=args.customers)
        make_every_customer_due(env, today)
        env.cr.commit()
    prepare_run(env)
    company = env.company
    company.write({"dunning_responsible_id": env.ref("base.user_admin").id, "dunning_send_enabled": True})
    params = env["ir.config_parameter"]
    if args.budget:
        params.set_param("account_dunning.job_time_budget", args.budget)
    if args.slice:
        params.set_param("account_dunning.job_slice_size", args.slice)
    # the jobs measured only (the letters' PDFs are not part of it: the data has no bank account for them)
    ours = [env.ref(xmlid).id for xmlid in CRONS[: 1 if args.run_only else 2]]
    env.cr.execute("UPDATE ir_cron SET active = (id = ANY(%s))", [ours])
    followed = env["account.dunning.run"].run_followups(company, today, preview=True)["followups"]
    rows, per_month = [], {}
    if not args.run_only:
        kpi = env["account.dunning.kpi"]
        months = kpi._dunning_month_starts(*kpi._dunning_default_range())
        rows = kpi._dunning_kpi_rows(company, months, *kpi._dunning_fetch_amounts(company, months))
        per_month = {str(month): sum(1 for row in rows if row["date"] == month) for month in months}
    expected = {"date": str(today), "partners": sorted(entry["partner"].id for entry in followed), "kpi": per_month}
    params.set_param(EXPECTED, json.dumps(expected))
    env.cr.commit()
    print(f"prepared: {len(expected['partners'])} customers due today, {len(rows)} KPI rows over 12 months", flush=True)


def drive(args):
    """Set the crons' next call to now, notify the cron workers every 2 s, wait until both are done."""
    conn = psycopg2.connect(dbname=args.db)
    conn.autocommit = True
    notify = psycopg2.connect(dbname="postgres")
    notify.autocommit = True
    cr = conn.cursor()
    crons = CRONS[:1] if args.run_only else CRONS
    modules, names = zip(*(xmlid.split(".") for xmlid in crons), strict=True)
    cr.execute(
        "SELECT res_id FROM ir_model_data WHERE model = 'ir.cron' AND (module, name) IN %s",
        [tuple(zip(modules, names, strict=True))],
    )
    cron_ids = [row[0] for row in cr.fetchall()]
    now = "now() AT TIME ZONE 'UTC'"
    cr.execute(f"UPDATE ir_cron SET nextcall = {now} - interval '1 second' WHERE id = ANY(%s)", [cron_ids])
    started = time.monotonic()
    while time.monotonic() - started < args.timeout:
        notify.cursor().execute("SELECT pg_notify('cron_trigger', %s)", [args.db])
        time.sleep(2)
        cr.execute(f"SELECT COUNT(*) FROM ir_cron WHERE id = ANY(%s) AND nextcall <= {now}", [cron_ids])
        waiting = cr.fetchone()[0]
        if not waiting and args.queue_job:
            cr.execute("SELECT COUNT(*) FROM queue_job WHERE state IN ('pending', 'enqueued', 'started')")
            waiting = cr.fetchone()[0]
        if not waiting:
            print(f"drive: done in {time.monotonic() - started:.1f} s", flush=True)
            return 0
    print(f"drive: FAILED: not done after {args.timeout} s", flush=True)
    return 1


def check_followups(cr, expected):
    cr.execute(
        "SELECT partner_id, COUNT(*) FROM account_dunning_action WHERE date = %s AND state != 'cancelled' "
        "GROUP BY partner_id",
        [expected["date"]],
    )
    counts = dict(cr.fetchall())
    wanted = set(expected["partners"])
    problems = []
    if set(counts) != wanted:
        problems.append(f"{len(wanted - set(counts))} customers without follow-up, {len(set(counts) - wanted)} extra")
    duplicated = [partner for partner, count in counts.items() if count > 1]
    if duplicated:
        problems.append(f"{len(duplicated)} customers followed up more than once")
    print(f"check: {sum(counts.values())} follow-ups today for {len(wanted)} customers due", flush=True)
    return problems


def check_kpis(cr, expected):
    cr.execute(
        "SELECT date::text, COUNT(*) FILTER (WHERE partner_id IS NULL), COUNT(partner_id), "
        "COUNT(*) - COUNT(DISTINCT COALESCE(partner_id, 0)) FROM account_dunning_kpi GROUP BY date"
    )
    found = {month: (company_rows, rows, duplicates) for month, company_rows, rows, duplicates in cr.fetchall()}
    problems = []
    for month, rows in expected["kpi"].items():
        if month not in found:
            problems.append(f"no KPI row for {month}")
            continue
        company_rows, customer_rows, duplicates = found[month]
        if (company_rows, company_rows + customer_rows, duplicates) != (1, rows, 0):
            problems.append(f"KPI rows of {month}: {company_rows} + {customer_rows} (not {rows}), {duplicates} twice")
    print(f"check: KPI rows of {len(found)} months", flush=True)
    return problems


def check_jobs(cr, queue_job, jobs):
    problems = []
    cr.execute("SELECT job, state FROM account_dunning_job_cursor WHERE job = ANY(%s) ORDER BY job", [jobs])
    states = cr.fetchall()
    if [state for _job, state in states] != ["done"] * len(jobs):
        problems.append(f"job passes: {states}")
    cr.execute("SELECT COUNT(*) FROM account_dunning_job_failure")
    if cr.fetchone()[0]:
        problems.append("job failures recorded")
    if queue_job:
        cr.execute("SELECT state, COUNT(*) FROM queue_job WHERE channel LIKE 'root.account_dunning%%' GROUP BY state")
        jobs = dict(cr.fetchall())
        print(f"check: queue jobs {jobs}", flush=True)
        if set(jobs) != {"done"}:
            problems.append(f"queue jobs not all done: {jobs}")
    return problems


def read_log(path):
    """Calls started and finished per job, workers killed, calls that left work for later."""
    with open(path, encoding="utf-8", errors="replace") as file:
        text = file.read()
    report = {"killed": len(re.findall(r"WorkerCron \(\d+\) timeout after", text))}
    jobs = (("Customer Follow-ups: daily run", "run"), ("Customer Follow-ups: refresh the collection KPIs", "kpi"))
    for name, label in jobs:
        report[label] = {
            "calls started": len(re.findall(rf"Job '{re.escape(name)}' \(\d+\) starting", text)),
            "calls finished": len(re.findall(rf"Job '{re.escape(name)}' \(\d+\) done in", text)),
            "left work for later": len(
                re.findall(rf"Job '{re.escape(name)}' \(\d+\) processed \d+ records, [1-9]", text)
            ),
        }
    return report


def check(env, args):
    expected = json.loads(env["ir.config_parameter"].get_param(EXPECTED))
    cr = env.cr
    problems = check_followups(cr, expected) + check_jobs(
        cr, args.queue_job, ["run"] if args.run_only else ["kpi", "run"]
    )
    if not args.run_only:
        problems += check_kpis(cr, expected)
    log = read_log(args.log)
    print(f"check: server log: {log}", flush=True)
    if not (args.queue_job or args.run_only):
        run = log["run"]
        # the limit was hit: workers were killed in the middle of a call of the daily run
        if not (log["killed"] and run["calls started"] > run["calls finished"]):
            problems.append("the daily run never hit the worker limit: make the data larger")
    for problem in problems:
        print(f"PROBLEM: {problem}", flush=True)
    return 1 if problems else 0


def main(argv):
    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["prepare", "drive", "check"])
    parser.add_argument("--customers", type=int, default=1500)
    parser.add_argument("--budget", type=int)
    parser.add_argument("--slice", type=int)
    parser.add_argument("--queue-job", action="store_true")
    parser.add_argument("--run-only", action="store_true")
    parser.add_argument("--db")
    parser.add_argument("--timeout", type=int, default=300)
    parser.add_argument("--log")
    args = parser.parse_args(argv[:split])
    if args.command == "drive":
        return drive(args)
    config.parse_config(argv[split + 1 :])
    registry = odoo.modules.registry.Registry(config["db_name"])
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True})
        if args.command == "prepare":
            prepare(env, args)
            return 0
        return check(env, args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
