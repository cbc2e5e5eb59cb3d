"""Time the KPI refresh and the cash-in forecast on a bigger ledger added to a demo database.

Usage (after scripts/demo.sh): python3 scripts/bench_kpis.py [--customers N] [--months M] -- ODOO_OPTIONS...
Adds N customers with one invoice per month for M months (most paid, some late, some open), then
times account.dunning.kpi._dunning_refresh on the last 12 months and a weekly read of the forecast.
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.tools import config


def build(env, customers, months, today, rng):
    partners = env["res.partner"].create([{"name": f"Bench {i:05d}", "is_company": True} for i in range(customers)])
    vals_list = []
    for partner in partners:
        for month in range(months, 0, -1):
            invoice_date = today - timedelta(days=30 * month - rng.randint(0, 20))
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": invoice_date + timedelta(days=30),
                    "invoice_line_ids": [
                        Command.create({"name": "Bench", "quantity": 1, "price_unit": rng.randrange(100, 5000, 10)})
                    ],
                }
            )
    invoices = env["account.move"].create(vals_list)
    invoices.action_post()
    by_date = {}
    for invoice in invoices:
        pay_date = invoice.invoice_date_due + timedelta(days=rng.choice([-5, 0, 3, 10, 40]))
        if pay_date <= today and rng.random() < 0.85:
            by_date.setdefault(pay_date, env["account.move"])
            by_date[pay_date] |= invoice
    for pay_date, batch in by_date.items():
        env["account.payment.register"].with_context(active_model="account.move", active_ids=batch.ids).create(
            {"payment_date": pay_date, "group_payment": False}
        )._create_payments()
    return len(invoices)


def main(argv):
    split = argv.index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2024, 7, 3))
    args = parser.parse_args(argv[:split])
    config.parse_config(argv[split + 1 :])
    registry = odoo.modules.registry.Registry(config["db_name"])
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True})
        start = time.perf_counter()
        count = build(env, args.customers, args.months, args.today, random.Random(7))
        cr.commit()
        print(f"built {count} invoices in {time.perf_counter() - start:.0f} s")
        lines = env["account.move.line"].search_count([("account_id.account_type", "=", "asset_receivable")])
        print(f"receivable journal items in the company: {lines}")
        kpi = env["account.dunning.kpi"]
        date_from, date_to = kpi._dunning_default_range(args.today)
        start = time.perf_counter()
        rows = kpi._dunning_refresh(env.company, date_from, date_to)
        env.flush_all()
        print(f"KPI refresh, 12 months: {len(rows)} rows in {time.perf_counter() - start:.2f} s")
        forecast = env["account.dunning.cash.forecast"].with_context(tz="Europe/Paris")
        start = time.perf_counter()
        groups = forecast._read_group([], ["forecast_date:week"], ["amount_residual:sum"])
        print(f"forecast by week: {len(groups)} weeks in {time.perf_counter() - start:.3f} s")
        start = time.perf_counter()
        groups = forecast._read_group([], ["partner_id", "forecast_date:week"], ["amount_residual:sum"])
        print(f"forecast by customer and week: {len(groups)} cells in {time.perf_counter() - start:.3f} s")
        cr.commit()


if __name__ == "__main__":
    main(sys.argv[1:])
