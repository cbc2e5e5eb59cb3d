"""Screenshots of the module's screens for the Apps page, taken in the real web client with headless Chromium.

Usage: python3 scripts/screenshots.py --url http://127.0.0.1:PORT --db DB [--out static/description]
                                      [--letters demo_output/letters] [--customer NAME] [--debug-dir DIR]

scripts/screenshots.sh prepares the database (a copy of the demo) and starts the Odoo server first.
Each screen is opened by the URL of its action (its XML id), then the script waits for the elements that
show the screen is complete, clicks where a user would, and saves the viewport as PNG. The letter is the
first page of the PDF the demo wrote, converted by pdftoppm. A screen showing an Odoo error stops the script.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import requests

# scripts/screenshots_cdp.py: Python puts the folder of the script it runs (scripts/) first on sys.path
from screenshots_cdp import Browser, PageError

MODULE = "account_dunning"
NO_SAMPLE = "!document.querySelector('.o_view_sample_data, .o_view_nocontent')"
# The dashboard's spreadsheet has loaded all its Odoo data and evaluated its cells (a promise the page awaits).
DASHBOARD_LOADED_JS = """(async () => {
    const { waitForDataLoaded } = odoo.loader.modules.get("@spreadsheet/helpers/model");
    const find = (node) => node.component?.constructor.name === "SpreadsheetDashboardAction"
        ? node.component
        : Object.values(node.children || {}).map(find).find(Boolean);
    await waitForDataLoaded(find(odoo.__WOWL_DEBUG__.root.__owl__).state.activeDashboard.model);
    await new Promise((resolve) => setTimeout(resolve, 500));  // the figures redrawn with the data
})()"""
# Console errors and uncaught exceptions of the page, kept for the check after the dashboard has loaded.
CONSOLE_ERRORS_JS = """window.consoleErrors = [];
const consoleError = console.error;
console.error = (...args) => { window.consoleErrors.push(args.map(String).join(" ")); consoleError(...args); };
window.addEventListener("error", (event) => window.consoleErrors.push(String(event.message)));
window.addEventListener("unhandledrejection", (event) => window.consoleErrors.push(String(event.reason)));"""
# Chart.js has drawn the graph and finished its animation.
CHART_DRAWN = (
    "window.Chart && Object.values(Chart.instances).length"
    " && Object.values(Chart.instances).every((chart) => !Chart.animator.running(chart))"
)
# Scroll an element to the top of its scrolling view; where the page ends first, scroll back to show whole
# form rows rather than half a row at the top.
SCROLL_JS = """((selector) => {
    const target = document.querySelector(selector);
    let view = target.parentElement;
    while (view && !(view.scrollHeight > view.clientHeight && /auto|scroll/.test(getComputedStyle(view).overflowY))) {
        view = view.parentElement;
    }
    view = view || document.scrollingElement;
    const top = view.getBoundingClientRect().top;
    view.scrollTop += target.getBoundingClientRect().top - top;
    for (let step = 0; step < 10; step++) {
        const cut = [...view.querySelectorAll('.o_form_sheet .o_cell, .o_form_sheet .o_field_widget, .o_form_label')]
            .map((element) => element.getBoundingClientRect())
            .filter((box) => box.height && box.top < top && box.bottom > top);
        if (!cut.length) {
            break;
        }
        view.scrollTop -= top - Math.min(...cut.map((box) => box.top)) + 8;
    }
})(%s)"""


class OdooSession:
    """A JSON-RPC session on the Odoo server, as the web client opens one."""

    def __init__(self, url, db):
        self.url = url
        self.db = db
        self.http = requests.Session()

    def wait_until_up(self, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.http.get(f"{self.url}/web/login", timeout=10).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"the Odoo server at {self.url} did not answer within {timeout} s")

    def rpc(self, path, params):
        response = self.http.post(f"{self.url}{path}", json={"jsonrpc": "2.0", "method": "call", "params": params})
        response.raise_for_status()
        body = response.json()
        if body.get("error"):
            raise SystemExit(f"{path}: {body['error']['data'].get('message', body['error'])}")
        return body["result"]

    def login(self, login, password):
        """Log in; the session cookie is then given to the browser."""
        self.rpc("/web/session/authenticate", {"db": self.db, "login": login, "password": password})

    def call(self, model, method, *args, **kwargs):
        return self.rpc("/web/dataset/call_kw", {"model": model, "method": method, "args": args, "kwargs": kwargs})


def action_url(base, xmlid, record_id=None):
    """The web client URL of an action given by XML id (of this module unless qualified), or of one record."""
    xmlid = xmlid if "." in xmlid else f"{MODULE}.{xmlid}"
    return f"{base}/odoo/action-{xmlid}" + (f"/{record_id}" if record_id else "")


class Screens:
    """The screens of the Apps page, each opened, completed and captured as a user would see it."""

    def __init__(self, browser, base, out):
        self.browser = browser
        self.base = base
        self.out = out
        self.saved = []

    def save(self, name):
        path = os.path.join(self.out, name)
        self.browser.screenshot(path)
        self.saved.append(path)

    def scroll_to(self, selector):
        self.browser.evaluate(SCROLL_JS % json.dumps(selector))

    def open(self, xmlid, ready, what, record_id=None):
        """Open an action's URL and wait until `ready` (JavaScript) holds."""
        self.browser.navigate(action_url(self.base, xmlid, record_id))
        self.browser.wait_for(ready, what)

    def customer(self, partner_id):
        """The customer form: its Payment Behaviour tab, then its Follow-ups tab."""
        browser = self.browser
        self.open(
            "account.res_partner_action_customer",
            "document.querySelector('.o_form_view .o_notebook')",
            "the customer form",
            partner_id,
        )
        browser.click(".o_notebook a[name='dunning_payment_behaviour']", "the Payment Behaviour tab")
        browser.wait_for_selector(".o_notebook .tab-pane.active div[name='payment_delay_avg']", "the statistics")
        self.scroll_to(".o_notebook")
        self.save("customer_payment_behaviour.png")
        browser.click(".o_notebook a[name='dunning_actions']", "the Follow-ups tab")
        browser.wait_for_selector(".o_notebook div[name='dunning_action_ids'] .o_data_row", "the customer's follow-ups")
        self.scroll_to(".o_notebook")
        self.save("customer_followups.png")

    def menu(self, section, item):
        """Open a menu item of the top bar: its section's dropdown, then the item (XML ids of the menus)."""
        self.browser.click(f".o_menu_sections [data-menu-xmlid='{section}']", f"the menu {section}")
        self.browser.click(f".dropdown-item[data-menu-xmlid='{item}']", f"the menu item {item}")

    def run_preview(self):
        """Customers > Follow-ups > Run Follow-ups Now, Preview (screenshot), then Run, as the accountant does."""
        browser = self.browser
        self.open(
            "account_dunning_action_action", "document.querySelector('.o_list_view .o_data_row')", "the follow-ups"
        )
        self.menu("account.menu_finance_receivables", f"{MODULE}.account_dunning_run_wizard_menu")
        browser.click(".modal button[name='action_preview']", "the Preview button of Run Follow-ups Now")
        browser.wait_for_selector(".modal div[name='line_ids'] .o_data_row", "the preview lines")
        self.save("run_preview.png")
        browser.click(".modal button[name='action_run']", "the Run button")
        browser.wait_for(
            "!document.querySelector('.modal') && document.querySelector('.o_list_view .o_data_row')",
            "the follow-ups the run created",
        )

    def to_validate(self):
        self.open(
            "account_dunning_action_to_validate_action",
            f"document.querySelector('.o_list_view .o_data_row') && {NO_SAMPLE}",
            "the follow-ups to validate",
        )
        self.save("to_validate.png")

    def reports(self):
        """The follow-up analysis pivot, the KPI dashboard and the cash-in forecast graph."""
        self.open(
            "account_dunning_analysis_action",
            f"document.querySelector('.o_pivot table .o_pivot_cell_value') && {NO_SAMPLE}",
            "the follow-up analysis pivot",
        )
        self.save("analysis_pivot.png")
        self.open(
            "account_dunning_kpi_action",
            f"document.querySelector('.o_list_view .o_data_row') && {NO_SAMPLE}",
            "the Follow-up KPIs",
        )
        self.save("kpi_dashboard.png")
        self.open(
            "account_dunning_cash_forecast_action",
            f"document.querySelector('.o_graph_renderer canvas') && {NO_SAMPLE} && {CHART_DRAWN}",
            "the cash-in forecast graph",
        )
        self.save("cash_forecast.png")

    def dashboard(self, dashboard_id):
        """The Collections dashboard of the Dashboards app, its data loaded, taller than the other screens."""
        browser = self.browser
        browser.send(
            "Emulation.setDeviceMetricsOverride", width=browser.width, height=1500, deviceScaleFactor=1, mobile=False
        )
        browser.send("Page.addScriptToEvaluateOnNewDocument", source=CONSOLE_ERRORS_JS)
        browser.navigate(f"{self.base}/odoo/dashboards?dashboard_id={dashboard_id}")
        browser.wait_for(
            "document.querySelector('.o_renderer:not(.o-sample-dashboard) .o-figure canvas')",
            "the Collections dashboard",
        )
        browser.evaluate(DASHBOARD_LOADED_JS)
        browser.wait_for(CHART_DRAWN, "the dashboard's charts")
        errors = browser.evaluate("window.consoleErrors")
        if errors:
            raise PageError(f"the Collections dashboard logged errors in the console: {errors}")
        self.save("collections_dashboard.png")
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            width=browser.width,
            height=browser.height,
            deviceScaleFactor=1,
            mobile=False,
        )


def find_dashboard(session):
    """The Collections dashboard (bridge account_dunning_spreadsheet_dashboard, installed with the Dashboards app)."""
    found = session.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "account_dunning_spreadsheet_dashboard"), ("name", "=", "spreadsheet_dashboard_collections")],
        fields=["res_id"],
    )
    if not found:
        raise SystemExit("the Collections dashboard is not installed in the demo: run scripts/demo.sh again")
    return found[0]["res_id"]


def find_letter(session, partner_id, folder):
    """The PDF the demo wrote for the customer's latest formal notice (else its latest letter, else any letter)."""
    for domain in (
        [("partner_id", "=", partner_id), ("level_id.letter_variant", "=", "formal_notice")],
        [("partner_id", "=", partner_id)],
        [],
    ):
        domain = [*domain, ("letter_attachment_id", "!=", False)]
        for action in session.call(
            "account.dunning.action", "search_read", domain, fields=["letter_attachment_id"], order="date desc, id desc"
        ):
            path = os.path.join(folder, action["letter_attachment_id"][1])
            if os.path.exists(path):
                return path
    raise SystemExit(f"no letter PDF of the demo found in {folder}: run scripts/demo.sh")


def save_letter(pdf, out):
    """The first page of a letter, as PNG at 80 dpi."""
    prefix = os.path.join(out, "letter")
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf, prefix], check=True)
    return f"{prefix}.png"


def take_screenshots(args, session, partner_id):
    with Browser(args.chromium) as browser:
        browser.set_cookie(args.url, "session_id", session.http.cookies["session_id"])
        screens = Screens(browser, args.url, args.out)
        try:
            screens.customer(partner_id)
            screens.run_preview()
            screens.to_validate()
            screens.reports()
            screens.dashboard(find_dashboard(session))
        except PageError:
            if args.debug_dir:
                browser.screenshot(os.path.join(args.debug_dir, "screenshot_failure.png"))
                print(f"The screen at the failure: {args.debug_dir}/screenshot_failure.png", file=sys.stderr)
            raise
    return screens.saved


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the Odoo server, e.g. http://127.0.0.1:8069")
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", default="static/description", help="folder of the PNG files")
    parser.add_argument("--letters", default="demo_output/letters", help="folder of the demo's letter PDFs")
    parser.add_argument("--customer", default="Garage Petit", help="the customer whose form is shown")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--debug-dir", help="where to save the screen when a step fails")
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    session = OdooSession(args.url, args.db)
    session.wait_until_up()
    session.login(args.login, args.password)
    partners = session.call("res.partner", "search", [("name", "=", args.customer)], limit=1)
    if not partners:
        raise SystemExit(f"customer {args.customer!r} not found in {args.db}")
    saved = take_screenshots(args, session, partners[0])
    saved.append(save_letter(find_letter(session, partners[0], args.letters), args.out))
    for path in saved:
        print(path)


if __name__ == "__main__":
    main(sys.argv[1:])
