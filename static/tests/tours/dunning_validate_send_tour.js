/** @odoo-module **/

import { registry } from "@web/core/registry";
import { openInvoicingApp, openMenu, waitForBreadcrumb } from "./dunning_tour_utils";

// A billing user sends the follow-ups waiting for validation.
registry.category("web_tour.tours").add("account_dunning_validate_send_tour", {
    url: "/odoo",
    steps: () => [
        ...openInvoicingApp(),
        ...openMenu(
            "account.menu_finance_receivables",
            "Customers",
            "account_dunning.account_dunning_action_to_validate_menu",
            "To Validate"
        ),
        waitForBreadcrumb("Follow-ups to Validate"),
        {
            content: "The list is filtered on the follow-ups to validate",
            trigger: ".o_searchview .o_facet_values:contains(To validate)",
        },
        {
            content: "The first waiting follow-up is listed",
            trigger: ".o_list_view .o_data_row:contains(Validate Alpha):contains(To validate)",
        },
        {
            content: "The second waiting follow-up is listed",
            trigger: ".o_list_view .o_data_row:contains(Validate Beta):contains(To validate)",
        },
        {
            content: "Select all of them",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Both are selected",
            trigger: ".o_list_selection_box:contains(selected) b:contains(2)",
        },
        {
            content: "Send them",
            trigger: ".o_list_selection_container button[name=action_send]:contains(Send)",
            run: "click",
        },
        {
            content: "Nothing waits for validation any more",
            trigger: ".o_list_view .o_list_renderer:not(:has(.o_data_row))",
        },
    ],
});
