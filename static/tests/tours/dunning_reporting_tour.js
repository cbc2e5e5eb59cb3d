/** @odoo-module **/

import { registry } from "@web/core/registry";
import { openInvoicingApp, openMenu, waitForBreadcrumb } from "./dunning_tour_utils";

// A billing user reads what customers owe (pivot) and the collection KPIs (dashboard cards).
registry.category("web_tour.tours").add("account_dunning_reporting_tour", {
    url: "/odoo",
    steps: () => [
        ...openInvoicingApp(),
        ...openMenu(
            "account.menu_finance_reports",
            "Reporting",
            "account_dunning.account_dunning_analysis_menu",
            "Follow-up Analysis"
        ),
        waitForBreadcrumb("Follow-up Analysis"),
        {
            content: "The pivot shows the good payers in rows (real data, not the sample)",
            trigger: ".o_pivot_view:not(:has(.o_view_sample_data)) .o_pivot th.o_pivot_header_cell_closed:contains(Good payer)",
        },
        {
            content: "And the aging buckets in columns",
            trigger: ".o_pivot_view .o_pivot thead th:contains(Days)",
        },
        {
            content: "The open invoice is counted in its cell",
            trigger: ".o_pivot_view .o_pivot tbody .o_pivot_cell_value:contains(1,500.00)",
        },
        ...openMenu(
            "account.menu_finance_reports",
            "Reporting",
            "account_dunning.account_dunning_kpi_menu",
            "Follow-up KPIs"
        ),
        waitForBreadcrumb("Follow-up KPIs"),
        {
            content: "The dashboard shows a card per month measured (real data, not the sample)",
            trigger: ".o_kanban_view:not(:has(.o_view_sample_data)) .o_kanban_record:contains(Best possible DSO):contains(Collection rate)",
        },
        {
            content: "Last month's card shows the open invoice in the closing receivables",
            trigger: ".o_kanban_view .o_kanban_record:contains(Closing AR):contains(1,500.00)",
        },
    ],
});
