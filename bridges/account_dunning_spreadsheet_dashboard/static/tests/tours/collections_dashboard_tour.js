/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// The Collections dashboard as an accounting user opens it: from the Dashboards app, then its figures checked against
// the KPI model, the follow-up analysis and the effectiveness report read through the same user's RPC.

const KPI_FIELDS = [
    ["dso_countback", "B6", 1],
    ["cei", "B7", 100],
    ["overdue_ar", "B8", 1],
    ["overdue_share", "B9", 100],
    ["overdue_60_ar", "B10", 1],
    ["formal_notice_count", "B11", 1],
];
const SEGMENT_FILTER = "e9b2d4f6-1a3c-4e5b-9d7f-2b4c6d8e0f70";

/** The dashboard action's spreadsheet model, once all its data is loaded. */
async function loadedModel() {
    const { waitForDataLoaded } = odoo.loader.modules.get("@spreadsheet/helpers/model");
    const find = (node) => {
        if (node.component && node.component.constructor.name === "SpreadsheetDashboardAction") {
            return node.component;
        }
        for (const child of Object.values(node.children || {})) {
            const found = find(child);
            if (found) {
                return found;
            }
        }
    };
    const model = find(odoo.__WOWL_DEBUG__.root.__owl__).state.activeDashboard.model;
    await waitForDataLoaded(model);
    return model;
}

function cellValue(model, sheetName, xc) {
    const sheetId = model.getters.getSheetIdByName(sheetName);
    const col = xc.charCodeAt(0) - 65;
    const row = Number(xc.slice(1)) - 1;
    return model.getters.getEvaluatedCell({ sheetId, col, row }).value;
}

function assertClose(what, shown, expected) {
    if (typeof shown !== "number" || Math.abs(shown - expected) > 0.005) {
        throw new Error(`${what}: the dashboard shows ${shown}, the records say ${expected}`);
    }
}

/** The headline of the month shown and of the month before are the KPI model's company rows of those months. */
async function checkHeadline(model, env) {
    const orm = env.services.orm;
    const companyId = env.services.company.currentCompany.id;
    const rows = await orm.searchRead(
        "account.dunning.kpi",
        [["company_id", "=", companyId], ["partner_id", "=", false]],
        ["date", ...KPI_FIELDS.map(([field]) => field)],
        { order: "date desc", limit: 2 }
    );
    const { toJsDate } = odoo.loader.modules.get("@odoo/o-spreadsheet").helpers;
    const month = toJsDate(cellValue(model, "Data", "B1"), model.getters.getLocale());
    const shownMonth = `${month.getFullYear()}-${String(month.getMonth() + 1).padStart(2, "0")}-01`;
    if (shownMonth !== rows[0].date) {
        throw new Error(`The dashboard shows ${shownMonth}, the latest month measured is ${rows[0].date}`);
    }
    for (const [field, xc, factor] of KPI_FIELDS) {
        assertClose(`${field} of the month`, cellValue(model, "Data", xc) * factor, rows[0][field]);
        const before = "C" + xc.slice(1);
        assertClose(`${field} of the month before`, cellValue(model, "Data", before) * factor, rows[1][field]);
        // the last of the twelve months of the trends is the month shown
        if (field === "dso_countback") {
            assertClose("DSO of the trend's last month", cellValue(model, "Data", "B29"), rows[0][field]);
        }
    }
}

/** The largest debtor and the overdue total follow the follow-up analysis, also once filtered by a segment. */
async function checkOverdue(model, env, segmentCode) {
    const orm = env.services.orm;
    const companyId = env.services.company.currentCompany.id;
    const domain = [["company_id", "=", companyId], ["is_overdue", "=", true]];
    if (segmentCode) {
        domain.push(["segment", "=", segmentCode]);
    }
    const groups = await orm.readGroup(
        "account.dunning.analysis",
        domain,
        ["amount_residual:sum"],
        ["partner_id"],
        { orderby: "amount_residual desc", lazy: false }
    );
    const top = groups[0];
    const total = groups.reduce((sum, group) => sum + group.amount_residual, 0);
    assertClose("overdue total", cellValue(model, "Dashboard", "F15"), total);
    const name = cellValue(model, "Dashboard", "A18");
    if (name !== top.partner_id[1]) {
        throw new Error(`The largest debtor shown is ${name}, the follow-up analysis says ${top.partner_id[1]}`);
    }
    assertClose("largest debt", cellValue(model, "Dashboard", "D18"), top.amount_residual);
}

registry.category("web_tour.tours").add("account_dunning_collections_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("spreadsheet_dashboard.spreadsheet_dashboard_menu_root", "Open the Dashboards app"),
        {
            content: "Open the Collections dashboard of the Finance group",
            trigger: ".o_spreadsheet_dashboard_search_panel li[data-name=Collections]",
            run: "click",
        },
        {
            content: "The dashboard is drawn with its figures (not the sample)",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer:not(.o-sample-dashboard) .o-figure",
        },
        {
            content: "Its figures are the KPI model's and the follow-up analysis'",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer .o-figure",
            run: async () => {
                const env = odoo.__WOWL_DEBUG__.root.env;
                const model = await loadedModel();
                await checkHeadline(model, env);
                await checkOverdue(model, env, null);
                const [risky] = await env.services.orm.search("account.dunning.segment", [["code", "=", "risky"]]);
                model.dispatch("SET_GLOBAL_FILTER_VALUE", { id: SEGMENT_FILTER, value: [risky] });
                await loadedModel();
                await checkOverdue(model, env, "risky");
                // the company figures do not follow the segment filter
                await checkHeadline(model, env);
                document.body.classList.add("o_collections_dashboard_checked");
            },
        },
        {
            content: "The checks passed",
            trigger: "body.o_collections_dashboard_checked",
        },
    ],
});
