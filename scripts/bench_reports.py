"""Time the grouped reads of the follow-up reports' default pivot and graph views, and the Collections dashboard's.

Usage: python3 scripts/bench_reports.py DB [--repeat N] [--login LOGIN] [--dashboard-only] [-- ODOO_OPTIONS...]

For each report action (follow-up analysis and effectiveness, KPIs over time, cash-in forecast) it takes the
action's default filters (``search_default_*`` of its context, evaluated as the web client does), then replays
the calls of the default views as the web client makes them on opening:

- pivot: one ``read_group(lazy=False)`` per combination of a prefix of the row group-bys and a prefix of the
  column group-bys, with the view's measures (``field:aggregator``);
- graph: one ``web_read_group(lazy=False)`` with the view's group-bys and its measure (or the count).

Each call runs --repeat times (default 5) after one warm-up run, as LOGIN (default ``admin``, so with its record
rules), with the ORM cache cleared before each run; it prints the best and the median time in milliseconds and
the number of SQL queries, then the rows of each report model. Then the data calls of the Collections dashboard as it
opens (scripts/bench_dashboard.py), timed the same way, and their sum. Nothing is written to the database.

Example (demo database of scripts/demo.sh, private cluster in .demo/pg):
  python3 scripts/bench_reports.py account_dunning_demo -- --db_host=$PWD/.demo/pg --db_user=$(id -un) \\
      --addons-path=/opt/odoo18/odoo/addons,$(bash -c 'source scripts/lib.sh; persistent_addons_dir')/addons
"""

import argparse
import itertools
import statistics
import sys
import time

from bench_dashboard import dashboard_calls
from lxml import etree

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import config
from odoo.tools.safe_eval import datetime, dateutil, safe_eval
from odoo.tools.safe_eval import time as safe_time

REPORT_ACTIONS = [
    "account_dunning.account_dunning_analysis_action",
    "account_dunning.account_dunning_effectiveness_action",
    "account_dunning.account_dunning_kpi_action",
    "account_dunning.account_dunning_cash_forecast_action",
]


def eval_context(env):
    """What the web client offers to the domains and contexts of actions and filters."""
    today = datetime.date.today()
    return {
        "uid": env.uid,
        "context_today": lambda: today,
        "datetime": datetime,
        "relativedelta": dateutil.relativedelta.relativedelta,
        "time": safe_time,
        "allowed_company_ids": env.companies.ids,
        "current_company_id": env.company.id,
    }


def default_domain(env, action, model):
    """Domain of the action plus its default filters (search_default_<name> of the action's context)."""
    values = eval_context(env)
    domain = safe_eval(action.domain or "[]", values)
    context = safe_eval(action.context or "{}", values)
    defaults = {key[len("search_default_") :] for key, value in context.items() if key.startswith("search_default_")}
    if defaults:
        view_id = action.search_view_id.id or False
        arch = etree.fromstring(model.get_views([(view_id, "search")])["views"]["search"]["arch"])
        for node in arch.iter("filter"):
            if node.get("name") in defaults and node.get("domain"):
                domain = domain + safe_eval(node.get("domain"), values)
    return domain, context


def view_specs(model, view_type):
    """Group-bys (rows, cols) and measures of the model's default view of this type."""
    arch = etree.fromstring(model.get_views([(False, view_type)])["views"][view_type]["arch"])
    rows, cols, measures, groupbys = [], [], [], []
    for node in arch.iter("field"):
        name = node.get("name")
        spec = f"{name}:{node.get('interval')}" if node.get("interval") else name
        kind = node.get("type")
        if kind == "measure":
            field = model._fields[name]
            measures.append("__count" if name == "__count" else f"{name}:{field.aggregator}")
        elif kind == "row":
            rows.append(spec)
        elif kind == "col":
            cols.append(spec)
        elif not node.get("invisible"):
            groupbys.append(spec)
    return rows, cols, measures or ["__count"], groupbys


def planned_calls(model, domain):
    """(label, callable) of the grouped reads of the default pivot and graph views."""
    calls = []
    rows, cols, measures, _groupbys = view_specs(model, "pivot")
    for row_depth, col_depth in itertools.product(range(len(rows) + 1), range(len(cols) + 1)):
        groupby = rows[:row_depth] + cols[:col_depth]
        calls.append(
            (
                f"pivot read_group {groupby or '[total]'}",
                lambda groupby=groupby: model.read_group(domain, measures, groupby, lazy=False),
            )
        )
    _rows, _cols, graph_measures, groupbys = view_specs(model, "graph")
    calls.append(
        (
            f"graph web_read_group {groupbys}",
            lambda: model.with_context(fill_temporal=True).web_read_group(domain, graph_measures, groupbys, lazy=False),
        )
    )
    return calls


def measure(env, call, repeat):
    """Best and median time (ms) and the query count of one call, cache cleared before each run."""
    env.invalidate_all()
    call()  # warm-up: registry caches, record rules, field metadata
    times, queries = [], 0
    for _run in range(repeat):
        env.invalidate_all()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000.0)
        queries = env.cr.sql_log_count - before
    return min(times), statistics.median(times), queries


def bench(env, repeat, dashboard_only=False):
    print(f"database {env.cr.dbname}, user {env.user.login}, companies {', '.join(env.companies.mapped('name'))}")
    env.cr.execute("SHOW jit")
    print(f"PostgreSQL jit: {env.cr.fetchone()[0]}")
    total = 0.0
    for xmlid in [] if dashboard_only else REPORT_ACTIONS:
        action = env.ref(xmlid).sudo()
        model = env[action.res_model].with_context(lang=env.user.lang)
        domain, context = default_domain(env, action, model)
        model = model.with_context(**{k: v for k, v in context.items() if not k.startswith("search_default_")})
        env.flush_all()
        count = model.search_count(domain)
        print(f"\n{action.name} ({action.res_model}): {count} rows, domain {domain}")
        print(f"  {'call':<72} {'best ms':>9} {'median ms':>10} {'queries':>8}")
        for label, call in planned_calls(model, domain):
            best, median, queries = measure(env, call, repeat)
            total += median
            print(f"  {label[:72]:<72} {best:>9.1f} {median:>10.1f} {queries:>8}")
    if not dashboard_only:
        print(f"\nsum of the medians: {total:.1f} ms")
    bench_dashboard(env, repeat)


def bench_dashboard(env, repeat):
    """The Collections dashboard's data, as it opens (scripts/bench_dashboard.py)."""
    calls, values = dashboard_calls(env(context=dict(env.context, lang=env.user.lang)))
    print(f"\nCollections dashboard: {len(calls)} calls, filters {values}")
    print(f"  {'call':<72} {'best ms':>9} {'median ms':>10} {'queries':>8}")
    total = 0.0
    for label, call in calls:
        best, median, queries = measure(env, call, repeat)
        total += median
        print(f"  {label[:72]:<72} {best:>9.1f} {median:>10.1f} {queries:>8}")
    print(f"\nCollections dashboard, sum of the medians: {total:.1f} ms")


def main(argv):
    if "--" in argv:
        split = argv.index("--")
        argv, odoo_args = argv[:split], argv[split + 1 :]
    else:
        odoo_args = []
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("db", help="existing database with account_dunning installed")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per call (default 5)")
    parser.add_argument("--login", default="admin", help="user whose rights and companies apply (default admin)")
    parser.add_argument("--dashboard-only", action="store_true", help="time the Collections dashboard only")
    args = parser.parse_args(argv)
    config.parse_config(["-d", args.db, "--log-level=warn", *odoo_args])
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        user = env["res.users"].search([("login", "=", args.login)], limit=1)
        if not user:
            raise SystemExit(f"no user with login {args.login!r} in {args.db}")
        user_env = api.Environment(cr, user.id, {"lang": user.lang, "tz": user.tz})
        user_env = user_env(context=dict(user_env.context, allowed_company_ids=user.company_ids.ids))
        bench(user_env, max(args.repeat, 1), args.dashboard_only)
        cr.rollback()


if __name__ == "__main__":
    main(sys.argv[1:])
