/** @odoo-module **/

import { registry } from "@web/core/registry";

// A salesperson opens a quotation of a customer on credit hold: the order says so, and Confirm is refused.
registry.category("web_tour.tours").add("account_dunning_sale_hold_refused_tour", {
    steps: () => [
        {
            content: "The quotation warns that the customer is on credit hold",
            trigger: ".o_form_view .o_dunning_credit_hold:contains(This customer is on credit hold)",
        },
        {
            content: "Confirm the quotation",
            trigger: ".o_statusbar_buttons button[name=action_dunning_confirm_held]:contains(Confirm)",
            run: "click",
        },
        {
            content: "Refused: contact accounting",
            trigger: ".modal:contains(on credit hold: contact accounting)",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The order is still a quotation",
            trigger: "body:not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current:contains(Quotation)",
        },
    ],
});

// A sales manager confirms the same quotation anyway, with the reason of the override.
registry.category("web_tour.tours").add("account_dunning_sale_hold_override_tour", {
    steps: () => [
        {
            content: "The quotation warns that the customer is on credit hold",
            trigger: ".o_form_view .o_dunning_credit_hold",
        },
        {
            content: "Confirm the quotation",
            trigger: ".o_statusbar_buttons button[name=action_dunning_confirm_held]",
            run: "click",
        },
        {
            content: "Give the reason of the override",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Prepayment received",
        },
        {
            content: "Confirm anyway",
            trigger: ".modal .modal-footer button[name=action_confirm]:contains(Confirm Anyway)",
            run: "click",
        },
        {
            content: "The order is confirmed, with the override shown",
            trigger:
                "body:not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current:contains(Sales Order)",
        },
        {
            content: "The override is shown on the order",
            trigger: ".o_dunning_hold_override:contains(Prepayment received)",
        },
    ],
});
