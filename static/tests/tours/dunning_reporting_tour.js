/** @odoo-module **/

import { registry } from "@web/core/registry";
import { openInvoicingApp, openMenu, waitForBreadcrumb } from "./dunning_tour_utils";

// A billing user reads what customers owe (pivot) and the collection KPIs (the company's months, then a month's
// customers).
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
            content: "The KPIs open on the company's months in a list, last month first (real data, not the sample)",
            trigger: ".o_list_view:not(:has(.o_view_sample_data)) .o_data_row:nth-child(1) .o_data_cell[name=closing_ar]:contains(1,500.00)",
        },
        {
            content: "The month's customers are one click away",
            trigger: ".o_list_view .o_data_row:nth-child(1) button[name=action_open_customers]",
            run: "click",
        },
        waitForBreadcrumb("Customers:"),
        {
            content: "Each customer's figures of that month, with the open invoice in its closing receivables",
            trigger: ".o_list_view .o_data_row:has(.o_data_cell[name=partner_id]:contains(Dupont)) .o_data_cell[name=closing_ar]:contains(1,500.00)",
        },
    ],
});
