"""Fill a freshly installed database with a year of realistic receivables, run the daily job.

Usage: python3 scripts/demo.py [--today YYYY-MM-DD] [--out DIR] -- ODOO_OPTIONS...

Everything goes through the ORM: invoices are created and posted, payments are
registered with account.payment.register and reconciled, credit notes are reversals.
The follow-ups run every week of the last ten weeks, between the payments of those
weeks, so that customers escalate up to the formal notice; then today's letters are
written as PDF files into the output folder (the stylesheets come from an HTTP server
started inside this process, as wkhtmltopdf fetches them over HTTP). Last, the policy
simulation replays the past twelve months with the shipped defaults and the fixed ladder.
The company, its customers, their invoices and payments are made by scripts/demo_data.py.
"""

import argparse
import logging
import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta

# scripts/demo_data.py: Python puts the folder of the script it runs (scripts/) first on sys.path
from demo_data import create_customers, create_invoices, create_rates, settle_invoices, setup_company
from PIL import Image

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.service import server
from odoo.tools import config

_logger = logging.getLogger("account_dunning.demo")


def run_daily_job(env, today):
    """The module's daily job, as its crons run it (here for the demo's today)."""
    env["res.partner"]._cron_dunning_recompute_payment_stats(as_of=today)


def replay_past_weeks(env, plan, today, weeks=10):
    """Each week of the past `weeks`: that week's payments, the daily job, then the follow-ups of that day.

    The accountant validates the follow-ups that wait for it (formal notices) the same day.
    """
    settled = set()
    actions = env["account.dunning.action"]
    for week in range(weeks, 0, -1):
        day = today - timedelta(days=7 * week)
        settle_invoices(env, plan, day, settled)
        run_daily_job(env, day)
        actions |= run_and_validate(env, day)[1]
    settle_invoices(env, plan, today, settled)
    print(f"Follow-ups of the past {weeks} weeks (one run a week): {len(actions)}")


def print_summary(env, partners, today):
    moves = env["account.move"].search([("move_type", "=", "out_invoice"), ("partner_id", "in", partners.ids)])
    open_moves = moves.filtered(lambda m: m.payment_state not in ("paid", "reversed", "in_payment"))
    overdue = open_moves.filtered(lambda m: m.invoice_date_due < today)
    print()
    print(f"== account_dunning demo: {env.company.name}, today {today} ==")
    print(
        f"Customers: {len(partners)}; invoices: {len(moves)} ({len(moves) - len(open_moves)} paid, "
        f"{len(open_moves)} open, {len(overdue)} overdue)"
    )
    print()
    print(f"{'Customer':<24} {'Open':>5} {'Overdue':>13} {'Segment':<10} {'Tol.':>4} {'Avg':>6}  Follow-up recipient")
    segments = dict(env["res.partner"]._dunning_segment_selection())
    for partner in partners:
        mine = overdue.filtered(lambda m, p=partner: m.partner_id == p)
        amount = sum(mine.mapped("amount_residual_signed"))
        recipient = partner._dunning_get_recipient_email() or "(none: letter)"
        count = len(open_moves.filtered(lambda m, p=partner: m.partner_id == p))
        segment = partner.dunning_segment or ""
        print(
            f"{partner.name[:24]:<24} {count:>5} {amount:>13,.2f} {segment:<10} {partner.dunning_tolerance_days:>4} "
            f"{partner.payment_delay_avg:>6.1f}  {recipient}"
        )
    print()
    print("Why each customer is in its segment:")
    for partner in partners:
        print(
            f"  {partner.name[:24]:<24} {segments.get(partner.dunning_segment, '')}: "
            f"{partner.dunning_segment_explanation}"
        )


def run_and_validate(env, day):
    """The follow-ups of a day with sending enabled; the accountant then sends those waiting for validation.

    Returns the run's result and its follow-ups.
    """
    env.company.write({"dunning_responsible_id": env.ref("base.user_admin").id, "dunning_send_enabled": True})
    result = env["account.dunning.run"].run_followups(env.company, day)
    actions = env["account.dunning.action"].union(*(entry["action"] for entry in result["followups"]))
    actions.filtered(lambda action: action.state == "to_validate").action_send()
    # the demo replays past days: their follow-ups were sent on their own day (as the scheduler would have)
    actions.filtered(lambda action: action.state == "done").sudo().write({"sent_date": day})
    return result, actions


def run_followups(env, today):
    """Daily job, follow-ups: run them for today with sending enabled, print counts by level and channel."""
    result, actions = run_and_validate(env, today)
    print()
    print(f"== Follow-ups for {today}: {len(actions)} created, {len(result['skipped'])} customers skipped ==")
    by_level = {}
    for action in actions:
        key = f"{action.scenario_id.name} / {action.level_id.name}"
        by_level.setdefault(key, {"count": 0, "states": set()})
        by_level[key]["count"] += 1
        by_level[key]["states"].add(action.state)
    for key, info in sorted(by_level.items()):
        print(f"  {key:<44} {info['count']:>4}  ({', '.join(sorted(info['states']))})")
    channels = {channel: len(actions.filtered(f"channel_{channel}")) for channel in ("email", "sms", "phone", "letter")}
    print("  by channel: " + ", ".join(f"{channel} {count}" for channel, count in channels.items()))
    reasons = {}
    for entry in result["skipped"]:
        reasons[entry["reason"]] = reasons.get(entry["reason"], 0) + 1
    if reasons:
        print("  skipped: " + ", ".join(f"{reason} {count}" for reason, count in sorted(reasons.items())))


def print_followup_page(env):
    """The follow-up page link of one customer followed up by email: what its reminder links to."""
    action = env["account.dunning.action"].search(
        [
            ("company_id", "=", env.company.id),
            ("state", "=", "done"),
            ("access_id", "!=", False),
            ("channel_email", "=", True),
        ],
        order="date desc, id desc",
        limit=1,
    )
    if not action:
        return
    print()
    print(f"== Follow-up page of {action.partner_id.name} (the link of its reminder {action.name}) ==")
    print(f"  {action.access_id.url}")
    print("  Open it in a browser while the demo database is served (see below): no login needed.")


def write_letters(env, out_dir):
    """Print the letter queue: one PDF per letter plus the batch PDF, written into `out_dir`; print their paths."""
    letters = env["account.dunning.action"].search(
        [("company_id", "=", env.company.id), ("letter_state", "=", "to_print")], order="partner_id, date, id"
    )
    print()
    print(f"== Letters to print: {len(letters)} ==")
    if not letters:
        return
    folder = os.path.join(out_dir, "letters")
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.endswith(".pdf"):
            os.remove(os.path.join(folder, name))
    env["account.dunning.action"]._cron_render_letters()  # the job that follows the daily run
    letters.filtered(lambda letter: not letter.letter_attachment_id)._render_letter_pdf()  # shows any error
    withdrawn = letters.filtered(lambda letter: letter.letter_state == "none")
    if withdrawn:
        print(f"  withdrawn (paid since): {', '.join(withdrawn.mapped('name'))}")
    letters -= withdrawn
    batch = letters._get_letters_batch_pdf()
    letters.action_mark_printed()
    for letter in letters:
        path = os.path.join(folder, letter.letter_attachment_id.name)
        with open(path, "wb") as pdf:
            pdf.write(letter.letter_attachment_id.raw)
        print(f"  {letter.partner_id.name:<24} {letter.level_id.name:<16} {os.path.abspath(path)}")
    path = os.path.join(folder, "all-letters.pdf")
    with open(path, "wb") as pdf:
        pdf.write(batch)
    print(f"  {'(batch, to print at once)':<41} {os.path.abspath(path)}")
    print_address_position(os.path.join(folder, letters[0].letter_attachment_id.name))


def print_address_position(path):
    """Measure where the customer's address prints on the first page (pdftoppm, 100 dpi) against the DL window."""
    if not shutil.which("pdftoppm"):
        return
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "100", "-f", "1", "-l", "1", "-png", path, f"{tmp}/page"], check=True)
        image = Image.open(os.path.join(tmp, os.listdir(tmp)[0])).convert("L")
    mm = 25.4 / 100
    # the right half of the sheet between 40 and 96 mm from the top holds only the address (the date is lower)
    box = image.crop((round(90 / mm), round(40 / mm), image.width, round(96 / mm))).point(
        lambda v: 255 if v < 128 else 0
    )
    left, top, right, bottom = box.getbbox() or (0, 0, 0, 0)
    left, right, top, bottom = 90 + left * mm, 90 + right * mm, 40 + top * mm, 40 + bottom * mm
    inside = left >= 100 and right <= 200 and top >= 50 and bottom <= 95
    print(
        f"  Address of the first letter: {left:.0f}-{right:.0f} mm from the left, {top:.0f}-{bottom:.0f} mm from the "
        f"top: {'inside' if inside else 'OUTSIDE'} the DL window (100-200 x 50-95 mm)"
    )


def print_kpis(env, today):
    """Refresh the collection KPIs of the demo company and print its last 3 complete months."""
    kpi_model = env["account.dunning.kpi"]
    date_from, date_to = kpi_model._dunning_default_range(today)
    kpi_model._dunning_refresh(env.company, date_from, date_to)
    rows = kpi_model.search(
        [
            ("company_id", "=", env.company.id),
            ("partner_id", "=", False),
            ("date", ">", date_to.replace(day=1) - timedelta(days=62)),
        ],
        order="date",
    )
    print()
    print("Collection KPIs (days; CEI and collection rate in %; DBT paid: early = 0; weighted delay: early < 0)")
    print(
        f"{'Month':<8} {'DSO simple':>10} {'DSO cntbk':>9} {'BPDSO s.':>8} {'BPDSO c.':>8} {'DBT s.':>7} "
        f"{'DBT c.':>7} {'DBT paid':>8} {'Wtd delay':>9} {'CEI':>6} {'Coll.%':>6}"
    )
    for row in rows:
        print(
            f"{row.date:%Y-%m} {row.dso_simple:>10.1f} {row.dso_countback:>9.1f} {row.bpdso_simple:>8.1f} "
            f"{row.bpdso_countback:>8.1f} {row.dbt_simple:>7.1f} {row.dbt_countback:>7.1f} {row.dbt_paid:>8.1f} "
            f"{row.weighted_delay:>9.1f} {row.cei:>6.1f} {row.collection_rate:>6.1f}"
        )


def print_simulation(env, today):
    """The policy simulation of the last twelve months: the shipped defaults against the fixed ladder."""
    last_day = min(today, fields.Date.context_today(env["res.partner"])) - timedelta(days=1)
    simulation = env["account.dunning.simulation"].create(
        {"name": "Demo", "date_from": last_day - timedelta(days=364), "date_to": last_day}
    )
    result = simulation.run()
    tested, fixed, difference = result["policy"], result["comparison"], result["difference_pct"]
    print()
    print(
        f"== Policy simulation, {result['date_from']} to {result['date_to']} (each day as of that day; "
        f"{result['seconds']} s) =="
    )
    print(f"Policy: {tested['name']}; compared with: {fixed['name']}")
    print(f"{'':<52} {'Policy':>24} {'Compared with':>24} {'Diff.':>8}")
    for label, key in simulation._summary_rows():
        change = difference.get(key)
        print(
            f"{label[:52]:<52} {_figure(tested[key]):>24} {_figure(fixed[key]):>24} "
            f"{'' if change is None else f'{change:+.1f}%':>8}"
        )
    for channel in ("email", "sms", "letter", "phone"):
        counts = (tested["by_channel"][channel], fixed["by_channel"][channel])
        print(f"{'Follow-ups by ' + channel:<52} {counts[0]:>24} {counts[1]:>24}")
    print(f"  ({tested['name']}: {', '.join(f'{level} {count}' for level, count in tested['by_level'].items())})")


def _figure(value):
    return "-" if value is None else value


class PrintServer:
    """Odoo's HTTP server in a thread of this process, for the time of the demo.

    wkhtmltopdf loads the stylesheets of the letters and invoices over HTTP, from report.url:
    it points at this server meanwhile, and is restored afterwards.
    """

    def __init__(self, registry):
        self.registry = registry
        self.server = server.ThreadedServer(odoo.http.root)
        self.previous_url = None

    def _set_report_url(self, url):
        with self.registry.cursor() as cr:
            params = api.Environment(cr, SUPERUSER_ID, {})["ir.config_parameter"]
            previous = params.get_param("report.url")
            params.set_param("report.url", url)
        return previous

    def _build_report_assets(self):
        """Build the report stylesheets and scripts now, in a committed transaction of their own.

        Otherwise the demo's long transaction builds them first, and the server threads wait on it.
        """
        with self.registry.cursor() as cr:
            qweb = api.Environment(cr, SUPERUSER_ID, {})["ir.qweb"]
            for name in ("web.report_assets_common", "web.report_assets_pdf"):
                bundle = qweb._get_asset_bundle(name)
                bundle.css()
                bundle.js()

    def __enter__(self):
        self._build_report_assets()
        self.previous_url = self._set_report_url(f"http://127.0.0.1:{config['http_port']}")
        self.server.http_spawn()
        return self

    def __exit__(self, *exc_info):
        self.server.httpd.shutdown()
        self._set_report_url(self.previous_url or "")


def main(argv):
    split = argv.index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", default="demo_output", help="folder for the files the run produces")
    args = parser.parse_args(argv[:split])
    config.parse_config(argv[split + 1 :])
    registry = odoo.modules.registry.Registry(config["db_name"])
    rng = random.Random(args.seed)
    with PrintServer(registry), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True})
        today = args.today or fields.Date.context_today(env["res.partner"])
        setup_company(env)
        create_rates(env, today)
        partners = create_customers(env)
        plan = create_invoices(env, partners, today, rng)
        replay_past_weeks(env, plan, today)
        run_daily_job(env, today)
        cr.commit()
        env = env(context={})
        print_summary(env, partners, today)
        run_followups(env, today)
        print_followup_page(env)
        cr.commit()
        write_letters(env, args.out)
        print_kpis(env, today)
        cr.commit()
        print_simulation(env, today)
        cr.commit()


if __name__ == "__main__":
    main(sys.argv[1:])
