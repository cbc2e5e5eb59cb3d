/** @odoo-module **/

import { registry } from "@web/core/registry";
import { openInvoicingApp, openMenu, waitForBreadcrumb } from "./dunning_tour_utils";

// A collector opens My Work, calls the customer whose call is due, logs that it promised to pay, and sees in the
// preview of the next run that this customer is left alone while the other one is followed up.
registry.category("web_tour.tours").add("account_dunning_desk_call_tour", {
    url: "/odoo",
    steps: () => [
        ...openInvoicingApp(),
        ...openMenu(
            "account.menu_finance_receivables",
            "Customers",
            "account_dunning.account_dunning_task_menu",
            "My Work"
        ),
        waitForBreadcrumb("My Work"),
        {
            content: "The call due is in the collector's work, the most at stake first",
            trigger: ".o_list_view .o_data_row:first-child:contains(Call Partner):contains(Call due)",
        },
        {
            content: "Log the outcome of the call",
            trigger: ".o_list_view .o_data_row:contains(Call Partner) button[name=action_log_call]",
            run: "click",
        },
        {
            content: "The call form opens on the follow-up, promise to pay selected",
            trigger: ".modal .o_field_widget[name=outcome] input[data-value=promise]:checked",
        },
        {
            content: "Give the promised date",
            trigger: ".modal .o_field_widget[name=promise_date] input",
            run: "edit 07/15/2099",
        },
        {
            content: "And the promised amount",
            trigger: ".modal .o_field_widget[name=promise_amount] input",
            run: "edit 400",
        },
        {
            content: "Log the call",
            trigger: ".modal .modal-footer button[name=action_confirm]:contains(Log the Call)",
            run: "click",
        },
        {
            content: "The call is done: it leaves My Work",
            trigger: "body:not(:has(.modal)) .o_list_view:not(:has(.o_data_row:contains(Call Partner)))",
        },
        ...openMenu(
            "account.menu_finance_receivables",
            "Customers",
            "account_dunning.account_dunning_run_wizard_menu",
            "Run Follow-ups Now"
        ),
        {
            content: "Preview the next run",
            trigger: ".modal .modal-footer button[name=action_preview]:contains(Preview)",
            run: "click",
        },
        {
            content: "The other customer is followed up",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains(Other Partner)",
        },
        {
            content: "The customer who promised is left alone",
            trigger: ".modal .o_field_widget[name=line_ids]:not(:has(.o_data_row:contains(Call Partner)))",
        },
        {
            content: "Close the preview",
            trigger: ".modal .modal-footer button:contains(Discard)",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
