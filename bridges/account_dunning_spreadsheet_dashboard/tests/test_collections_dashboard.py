import base64
import json
import os
import re
import subprocess
import sys

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.addons.account_dunning.tests.common import DunningRunCommon
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import file_open

from ..models.spreadsheet_dashboard import COLLECTIONS, COMPANY_FILTER, PERIOD_FILTER

DASHBOARD_FILE = "account_dunning_spreadsheet_dashboard/data/files/collections_dashboard.json"
SAMPLE_FILE = "account_dunning_spreadsheet_dashboard/data/files/collections_sample_dashboard.json"
FORMULA_REFERENCE = re.compile(r'(PIVOT\.VALUE|PIVOT\.HEADER|ODOO\.LIST)\((\d+)(?:,"([^"#]+)")?')


def load_json(path):
    with file_open(path) as file:
        return json.load(file)


@tagged("post_install", "-at_install")
class TestCollectionsDashboardData(DunningRunCommon):
    """The dashboard's JSON: Odoo's spreadsheet data check, and what that check leaves out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref(COLLECTIONS)
        cls.data = load_json(DASHBOARD_FILE)

    def test_odoo_spreadsheet_data_check(self):
        """Every model, field and menu the dashboard names exists (Odoo's check at install, here on demand)."""
        self.dashboard._check_spreadsheet_data()
        # the check does look at the file: a field that does not exist is refused
        broken = json.loads(json.dumps(self.data))
        broken["pivots"]["1"]["measures"][0]["fieldName"] = "dso_missing"
        with self.assertRaisesRegex(ValidationError, "dso_missing"):
            # sudo: dashboards are created by their administrators, the check is what is tested
            self.dashboard.sudo().copy({"spreadsheet_binary_data": base64.b64encode(json.dumps(broken).encode())})

    def test_sample_passes_the_check(self):
        sample = load_json(SAMPLE_FILE)
        self.assertFalse(sample["pivots"] or sample["lists"], "the sample reads no data")
        self.dashboard.sudo().copy({"spreadsheet_binary_data": base64.b64encode(json.dumps(sample).encode())})

    def _sources(self):
        """(kind, id, model, fieldMatching) of each pivot, list and Odoo chart."""
        sources = [("pivot", key, pivot["model"], pivot["fieldMatching"]) for key, pivot in self.data["pivots"].items()]
        sources += [("list", key, spec["model"], spec["fieldMatching"]) for key, spec in self.data["lists"].items()]
        for sheet in self.data["sheets"]:
            for figure in sheet["figures"]:
                if figure["data"]["type"].startswith("odoo_"):
                    chart = figure["data"]
                    sources.append(("chart", figure["id"], chart["metaData"]["resModel"], chart["fieldMatching"]))
        return sources

    def test_every_filter_is_matched_on_fields_that_exist(self):
        """Odoo's check skips the filters' fields (fieldMatching, data version 5 and later): each data source says
        for each filter the field it filters, or that the filter does not apply to it."""
        filters = {spec["id"]: spec for spec in self.data["globalFilters"]}
        self.assertEqual(
            sorted(spec["label"] for spec in filters.values()),
            ["Collections Responsible", "Company", "Period", "Risk Segment"],
        )
        for kind, key, model, matching in self._sources():
            self.assertEqual(set(matching), set(filters), f"{kind} {key} names every filter")
            for filter_id, match in matching.items():
                if not match:
                    continue
                field = self.env[model]._fields[match["chain"]]
                spec = filters[filter_id]
                if spec["type"] == "relation":
                    self.assertEqual(field.comodel_name, spec["modelName"], f"{kind} {key}: {match['chain']}")
                else:
                    self.assertEqual(field.type, match["type"], f"{kind} {key}: {match['chain']}")
            self.assertTrue(matching[COMPANY_FILTER], f"{kind} {key} follows the company filter")

    def test_formulas_refer_to_existing_sources_and_measures(self):
        measures = {key: {m["id"] for m in pivot["measures"]} for key, pivot in self.data["pivots"].items()}
        for sheet in self.data["sheets"]:
            for reference, cell in sheet["cells"].items():
                for function, source, measure in FORMULA_REFERENCE.findall(cell.get("content", "")):
                    where = f"{sheet['name']}!{reference}"
                    if function == "ODOO.LIST":
                        self.assertIn(source, self.data["lists"], where)
                        continue
                    self.assertIn(source, measures, where)
                    if function == "PIVOT.VALUE":
                        self.assertIn(measure, measures[source], where)

    def test_file_is_what_the_build_script_writes(self):
        """The JSON is written by scripts/build_dashboard.py of the repository, never edited by hand."""
        module = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        script = os.path.join(os.path.dirname(os.path.dirname(module)), "scripts", "build_dashboard.py")
        if not os.path.exists(script):
            self.skipTest("the repository's scripts are not next to the module")
        result = subprocess.run([sys.executable, script, "--check"], capture_output=True, text=True, check=False)
        self.assertEqual(result.returncode, 0, result.stderr)


@tagged("post_install", "-at_install")
class TestCollectionsDashboardAccess(DunningRunCommon):
    """Who sees the dashboard, which month and company it opens on, and the sample of an empty database."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref(COLLECTIONS)
        cls.Kpi = cls.env["account.dunning.kpi"]
        cls.auditor = new_test_user(
            cls.env,
            login="dashboard_auditor",
            groups="account.group_account_readonly",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.employee = new_test_user(
            cls.env, login="dashboard_employee", groups="base.group_user", company_id=cls.company.id
        )

    def _visible(self, user):
        return self.env["spreadsheet.dashboard"].with_user(user).search([]) & self.dashboard

    def test_in_the_finance_group_for_accounting_users_only(self):
        finance = self.env.ref("spreadsheet_dashboard.spreadsheet_dashboard_group_finance")
        self.assertEqual(self.dashboard.dashboard_group_id, finance)
        self.assertTrue(self._visible(self.collector), "billing users")
        self.assertTrue(self._visible(self.auditor), "auditors")
        self.assertFalse(self._visible(self.employee), "other employees do not see the company's collections")

    def test_opens_on_the_latest_month_measured_of_the_current_company(self):
        self._invoice(self.customer, 1000, "2025-01-15")
        self.Kpi._dunning_refresh(self.company, "2025-01-01", "2025-03-31")
        other = self.setup_other_company()["company"]
        self.Kpi._dunning_refresh(other, "2025-04-01", "2025-04-30")
        data = self.dashboard.with_user(self.collector).get_readonly_dashboard()
        filters = {spec["id"]: spec for spec in data["snapshot"]["globalFilters"]}
        year_offset = 2025 - fields.Date.context_today(self.dashboard).year
        self.assertEqual(filters[PERIOD_FILTER]["defaultValue"], {"yearOffset": year_offset, "period": "march"})
        self.assertEqual(filters[COMPANY_FILTER]["defaultValue"], [self.company.id])
        self.assertEqual(filters[COMPANY_FILTER]["defaultValueDisplayNames"], [self.company.name])

    def test_sample_while_nothing_is_measured(self):
        other = self.setup_other_company()["company"]
        self.collector.company_ids |= other
        self.Kpi.sudo().search([]).unlink()
        data = self.dashboard.with_user(self.collector).get_readonly_dashboard()
        self.assertTrue(data["is_sample"])
        self.assertEqual(data["snapshot"], load_json(SAMPLE_FILE))
        # once a company of the selection is measured: the real dashboard, on the current company's last month
        self.Kpi._dunning_refresh(other, "2025-04-01", "2025-04-30")
        both = self.dashboard.with_user(self.collector).with_context(allowed_company_ids=[self.company.id, other.id])
        data = both.get_readonly_dashboard()
        self.assertFalse(data.get("is_sample"))
        last_month = fields.Date.context_today(self.dashboard) - relativedelta(months=1)
        period = next(spec for spec in data["snapshot"]["globalFilters"] if spec["id"] == PERIOD_FILTER)
        self.assertEqual(period["defaultValue"]["period"], last_month.strftime("%B").lower())
        # the companies selected in the web client count: one without KPIs shows the sample
        alone = self.dashboard.with_user(self.collector).with_context(allowed_company_ids=self.company.ids)
        self.assertTrue(alone.get_readonly_dashboard()["is_sample"])

    def test_weekly_email_leads_to_the_dashboard(self):
        url = self.Kpi._dunning_digest_url(self.company)
        self.assertTrue(url.endswith(f"/odoo/dashboards?dashboard_id={self.dashboard.id}"), url)
