/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * Steps selecting the invoice of the given row (1 = oldest due) of the customer's follow-up page.
 */
function selectInvoice(row) {
    return {
        content: `Select the invoice of row ${row}`,
        trigger: `.o_dunning_invoices tbody tr:nth-child(${row}) input.o_dunning_select`,
        run: "click",
    };
}

/**
 * Step setting the value of an input from one of its own attributes (e.g. the latest date allowed), as a
 * customer picking that date in the date picker.
 */
function setFromAttribute(selector, attribute) {
    return {
        content: `Fill ${selector} with its ${attribute}`,
        trigger: selector,
        run() {
            const input = document.querySelector(selector);
            input.value = input.getAttribute(attribute);
            input.dispatchEvent(new Event("change", { bubbles: true }));
        },
    };
}

// A customer opens the link of its reminder (no login): it announces the payment of its oldest invoice, promises
// to pay the second one by the latest date allowed, and disputes the third.
registry.category("web_tour.tours").add("account_dunning_customer_page_tour", {
    steps: () => [
        {
            content: "The page greets the customer and lists its open invoices",
            trigger: ".o_dunning_followup_page .o_dunning_customer:contains(Tour Customer)",
        },
        {
            content: "Three invoices are open",
            trigger: ".o_dunning_invoices tbody:has(tr:nth-child(3)):not(:has(tr:nth-child(4)))",
        },
        {
            content: "The bank transfer instructions and the SEPA QR code are shown",
            trigger: ".o_dunning_instructions:has(.o_dunning_qr):contains(FR76 3000 6000 0112 3456 7890 189)",
        },
        selectInvoice(1),
        {
            content: "Open 'I have already paid'",
            trigger: "details.o_dunning_paid summary",
            run: "click",
        },
        {
            content: "Give the amount paid",
            trigger: "#o_dunning_amount",
            run: "edit 1000",
        },
        {
            content: "Give the reference of the transfer",
            trigger: "#o_dunning_reference",
            run: "edit VIR-2024-117",
        },
        {
            content: "Send the payment details",
            trigger: "button.o_dunning_submit_paid",
            run: "click",
        },
        {
            content: "Thanked, and the oldest invoice shows the payment announced",
            trigger:
                ".o_dunning_success:contains(noted your payment) ~ form .o_dunning_invoices tbody tr:nth-child(1) .o_dunning_status_announced",
        },
        selectInvoice(2),
        {
            content: "Open 'I will pay on a date'",
            trigger: "details.o_dunning_promise summary",
            run: "click",
        },
        setFromAttribute("#o_dunning_promise_date", "max"),
        {
            content: "Send the promise",
            trigger: "button.o_dunning_submit_promise",
            run: "click",
        },
        {
            content: "Thanked, and the second invoice shows the promise",
            trigger:
                ".o_dunning_success:contains(promise to pay) ~ form .o_dunning_invoices tbody tr:nth-child(2) .o_dunning_status_promised",
        },
        selectInvoice(3),
        {
            content: "Open 'I dispute these invoices'",
            trigger: "details.o_dunning_dispute summary",
            run: "click",
        },
        {
            content: "Choose the reason",
            trigger: "#o_dunning_reason",
            run: "selectByLabel Quality problem",
        },
        {
            content: "Explain it",
            trigger: "#o_dunning_comment",
            run: "edit Two screens arrived broken",
        },
        {
            content: "Send the dispute",
            trigger: "button.o_dunning_submit_dispute",
            run: "click",
        },
        {
            content: "Thanked, and the third invoice shows the dispute",
            trigger:
                ".o_dunning_success:contains(received your dispute) ~ form .o_dunning_invoices tbody tr:nth-child(3) .o_dunning_status_disputed",
        },
    ],
});
