/** @odoo-module **/

import { registry } from "@web/core/registry";

// A customer opens the link of its reminder and pays its oldest invoice online with Odoo's demo payment provider
// (payment_demo, installed by the apps phase of the test command).
registry.category("web_tour.tours").add("account_dunning_customer_pay_tour", {
    steps: () => [
        {
            content: "Select the oldest invoice",
            trigger: ".o_dunning_invoices tbody tr:nth-child(1) input.o_dunning_select",
            run: "click",
        },
        {
            content: "Pay it now",
            trigger: "button.o_dunning_pay_now",
            run: "click",
        },
        {
            content: "The payment page shows the amount of the selected invoice",
            trigger: ".o_dunning_pay_page .o_dunning_pay_amount:contains(1,000.00)",
        },
        {
            content: "Choose the demo payment method",
            trigger: "#o_payment_form input[name=o_payment_radio][data-provider-code=demo]",
            run: "click",
        },
        {
            content: "Give the (test) card details",
            trigger: "#customer_input",
            run: "edit 4111 1111 1111 1111",
        },
        {
            content: "Pay",
            trigger: "button[name=o_payment_submit_button]:not(:disabled)",
            run: "click",
        },
        {
            content: "Back on the follow-up page, thanked for the payment",
            trigger: ".o_dunning_followup_page .o_dunning_success:contains(Thank you for your payment)",
        },
    ],
});
