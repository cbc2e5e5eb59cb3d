/** @odoo-module **/

import { registry } from "@web/core/registry";
import { openInvoicingApp, openMenu } from "./dunning_tour_utils";

// A billing user previews today's run: who will be followed up, and why the others are left out.
registry.category("web_tour.tours").add("account_dunning_run_preview_tour", {
    url: "/odoo",
    steps: () => [
        ...openInvoicingApp(),
        ...openMenu(
            "account.menu_finance_receivables",
            "Customers",
            "account_dunning.account_dunning_run_wizard_menu",
            "Run Follow-ups Now"
        ),
        {
            content: "The run opens for today",
            trigger: ".modal .o_form_view .o_field_widget[name=date] input",
        },
        {
            content: "Preview the run",
            trigger: ".modal .modal-footer button[name=action_preview]:contains(Preview)",
            run: "click",
        },
        {
            content: "The customer with an overdue invoice gets the first reminder",
            trigger:
                ".modal .o_field_widget[name=line_ids] .o_data_row:contains(Due Industries):contains(Reminder 1)",
        },
        {
            content: "The excluded customer is left out, with the reason",
            trigger:
                ".modal .o_field_widget[name=line_ids] .o_data_row:contains(Excluded Holding):contains(Customer excluded from follow-ups)",
        },
        {
            content: "The customer whose follow-up waits for validation is left out, with the reason",
            trigger:
                ".modal .o_field_widget[name=line_ids] .o_data_row:contains(Waiting Trading):contains(A follow-up is waiting for validation)",
        },
        {
            content: "Close the preview without running",
            trigger: ".modal .modal-footer button:contains(Discard)",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
