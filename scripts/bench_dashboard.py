"""The calls the Collections dashboard makes to load its data, for scripts/bench_reports.py.

The dashboard (bridges/account_dunning_spreadsheet_dashboard/data/files/collections_dashboard.json) is read as
the web client reads it, with the filter values it opens on (the current company and its latest month measured,
spreadsheet.dashboard.get_readonly_dashboard), and its data sources are replayed as o-spreadsheet loads them:

- each ODOO pivot: one ``read_group(lazy=False)`` per combination of a prefix of its row group-bys and a prefix of
  its column group-bys, with its measures (the web pivot model's calls);
- each list: one ``web_search_read`` of as many records as its formulas read;
- the Odoo chart: one ``web_read_group(lazy=False)`` with its group-bys and measure (the web graph model's call).

The bridge need not be installed: the JSON is read from the repository and its sources are models of
account_dunning. The spreadsheet sends these calls together; here they run one after the other.
"""

import calendar
import json
import os
import re
from datetime import date

DASHBOARD = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "bridges",
    "account_dunning_spreadsheet_dashboard",
    "data",
    "files",
    "collections_dashboard.json",
)


def opening_filter_values(env):
    """The filter values the dashboard opens on: the current company's latest month measured, the current company."""
    latest = env["account.dunning.kpi"].search(
        [("company_id", "=", env.company.id), ("partner_id", "=", False)], order="date desc", limit=1
    )
    month = latest.date or date.today().replace(day=1)
    return {"Period": month, "Company": [env.company.id]}


def filter_domain(data, matching, values):
    """The domain the global filters add to a data source (its fieldMatching), for the given filter values."""
    domain = []
    for spec in data["globalFilters"]:
        match = matching.get(spec["id"]) or {}
        value = values.get(spec["label"])
        if not match.get("chain") or not value:
            continue
        if spec["type"] == "date":
            last = value.replace(day=calendar.monthrange(value.year, value.month)[1])
            if match["type"] == "datetime":
                bounds = (f"{value} 00:00:00", f"{last} 23:59:59")
            else:
                bounds = (value.isoformat(), last.isoformat())
            domain += [(match["chain"], ">=", bounds[0]), (match["chain"], "<=", bounds[1])]
        else:
            domain.append((match["chain"], "in", value))
    return domain


def measure_specs(model, pivot):
    """The measures as the spreadsheet asks them: a relation without aggregator is counted (count_distinct)."""
    specs = []
    for measure in pivot["measures"]:
        name = measure["fieldName"]
        if name == "__count":
            specs.append("__count")
        elif measure.get("aggregator"):
            specs.append(f"{name}:{measure['aggregator']}")
        elif model._fields[name].type == "many2one":
            specs.append(f"{name}:count_distinct")
        else:
            specs.append(name)
    return specs


def dimension(spec):
    return f"{spec['fieldName']}:{spec['granularity']}" if spec.get("granularity") else spec["fieldName"]


def pivot_calls(env, data, values):
    calls = []
    for key, pivot in sorted(data["pivots"].items()):
        model = env[pivot["model"]]
        domain = pivot["domain"] + filter_domain(data, pivot["fieldMatching"], values)
        rows, cols = [dimension(d) for d in pivot["rows"]], [dimension(d) for d in pivot["columns"]]
        specs = measure_specs(model, pivot)
        for row_depth in range(len(rows) + 1):
            for col_depth in range(len(cols) + 1):
                groupby = rows[:row_depth] + cols[:col_depth]
                calls.append(
                    (
                        f"pivot {key} {pivot['model']} read_group {groupby or '[total]'}",
                        lambda model=model, domain=domain, groupby=groupby, specs=specs: (
                            model.read_group(domain, specs, groupby, lazy=False)
                        ),
                    )
                )
    return calls


def list_positions(data):
    """The highest record position the formulas read of each list (ODOO.LIST(list, position, field))."""
    positions = {}
    for sheet in data["sheets"]:
        for cell in sheet["cells"].values():
            for key, position in re.findall(r"ODOO\.LIST\((\d+),(\d+),", cell.get("content", "")):
                positions[key] = max(positions.get(key, 0), int(position))
    return positions


def list_and_chart_calls(env, data, values):
    calls = []
    positions = list_positions(data)
    for key, spec in sorted(data["lists"].items()):
        model = env[spec["model"]]
        domain = spec["domain"] + filter_domain(data, spec["fieldMatching"], values)
        order = ", ".join(f"{o['name']} {'asc' if o['asc'] else 'desc'}" for o in spec["orderBy"])
        specification = {
            column: {"fields": {"display_name": {}}} if model._fields[column].type == "many2one" else {}
            for column in spec["columns"]
        }
        calls.append(
            (
                f"list {key} {spec['model']} web_search_read",
                lambda model=model, domain=domain, order=order, specification=specification, limit=positions[key]: (
                    model.web_search_read(domain, specification, order=order, limit=limit)
                ),
            )
        )
    for sheet in data["sheets"]:
        for figure in sheet["figures"]:
            chart = figure["data"]
            if not chart["type"].startswith("odoo_"):
                continue
            meta = chart["metaData"]
            model = env[meta["resModel"]].with_context(fill_temporal=True)
            domain = chart["searchParams"]["domain"] + filter_domain(data, chart["fieldMatching"], values)
            calls.append(
                (
                    f"chart {meta['resModel']} web_read_group {meta['groupBy']}",
                    lambda model=model, domain=domain, meta=meta: model.web_read_group(
                        domain, [f"{meta['measure']}:sum"], meta["groupBy"], lazy=False
                    ),
                )
            )
    return calls


def dashboard_calls(env):
    """(label, callable) of every data call of the dashboard as it opens, and the filter values used."""
    with open(DASHBOARD, encoding="utf-8") as file:
        data = json.load(file)
    values = opening_filter_values(env)
    return pivot_calls(env, data, values) + list_and_chart_calls(env, data, values), values
