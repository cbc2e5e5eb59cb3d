/** @odoo-module **/

import { registry } from "@web/core/registry";
import { openInvoicingApp, openMenu, waitForBreadcrumb } from "./dunning_tour_utils";

function openInvoiceOf(customer) {
    return [
        {
            content: `Open the invoice of ${customer}`,
            trigger: `.o_list_view .o_data_row:contains(${customer}) td.o_data_cell:contains(${customer})`,
            run: "click",
        },
        {
            content: "The invoice is open",
            trigger: `.o_form_view .o_field_widget[name=partner_id]:contains(${customer})`,
        },
        {
            content: "Record a dispute or a promise",
            trigger: ".o_statusbar_buttons button[name=action_dunning_dispute]:contains(Dispute / Promise)",
            run: "click",
        },
        {
            content: "The wizard is open on this invoice",
            trigger: ".modal .o_form_view .o_field_widget[name=mode]",
        },
    ];
}

// A billing user records a customer's dispute on one invoice and another customer's promise to pay.
registry.category("web_tour.tours").add("account_dunning_dispute_promise_tour", {
    url: "/odoo",
    steps: () => [
        ...openInvoicingApp(),
        ...openMenu(
            "account.menu_finance_receivables",
            "Customers",
            "account.menu_action_move_out_invoice_type",
            "Invoices"
        ),
        waitForBreadcrumb("Invoices"),
        ...openInvoiceOf("Dispute Partner"),
        {
            content: "Give the reason of the dispute",
            trigger: ".modal .o_field_widget[name=dispute_reason] textarea",
            run: "edit Goods damaged on delivery",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer button[name=action_confirm]:contains(Confirm)",
            run: "click",
        },
        {
            content: "The invoice is now disputed: the dispute can be resolved",
            trigger:
                "body:not(:has(.modal)) .o_statusbar_buttons button[name=action_dunning_resolve_dispute]:contains(Resolve Dispute)",
        },
        {
            content: "Back to the invoices",
            trigger: ".o_breadcrumb .o_back_button, .o_breadcrumb .breadcrumb-item a:contains(Invoices)",
            run: "click",
        },
        waitForBreadcrumb("Invoices"),
        ...openInvoiceOf("Promise Partner"),
        {
            content: "Choose a promise to pay",
            trigger: ".modal .o_field_widget[name=mode] .o_radio_item:contains(Promise to pay) input",
            run: "click",
        },
        {
            content: "Give the promised date",
            trigger: ".modal .o_field_widget[name=promise_date] input",
            run: "edit 07/15/2099",
        },
        {
            content: "And the promised amount",
            trigger: ".modal .o_field_widget[name=promise_amount] input",
            run: "edit 250",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer button[name=action_confirm]:contains(Confirm)",
            run: "click",
        },
        {
            content: "Open the invoice's follow-ups tab",
            trigger: "body:not(:has(.modal)) .o_notebook .nav-link[name=dunning]:contains(Follow-ups)",
            run: "click",
        },
        {
            content: "The promise is shown on the invoice",
            trigger: ".o_field_widget[name=dunning_promise_date]:contains(07/15/2099)",
        },
    ],
});
