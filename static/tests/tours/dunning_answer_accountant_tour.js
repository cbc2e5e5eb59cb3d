/** @odoo-module **/

import { registry } from "@web/core/registry";
import { openInvoicingApp, openMenu, waitForBreadcrumb } from "./dunning_tour_utils";

// A billing user sees the customer's reply in its follow-up, marks it handled, then resolves the dispute the
// customer raised on its follow-up page.
registry.category("web_tour.tours").add("account_dunning_answer_accountant_tour", {
    url: "/odoo",
    steps: () => [
        ...openInvoicingApp(),
        ...openMenu(
            "account.menu_finance_receivables",
            "Customers",
            "account_dunning.account_dunning_action_menu",
            "Follow-ups"
        ),
        waitForBreadcrumb("Follow-ups"),
        {
            content: "Open the follow-up of the customer who answered",
            trigger: ".o_list_view .o_data_row td.o_data_cell:contains(Answer Partner)",
            run: "click",
        },
        {
            content: "The follow-up says the customer waits for our answer",
            trigger: ".o_form_view .o_dunning_awaiting_answer",
        },
        {
            // (Odoo renders the body of an email in a shadow root, out of reach of the selectors)
            content: "The customer's reply is in the chatter, from its email address",
            trigger: ".o-mail-Message:contains(ap@answer.example):contains(Subject: Re:)",
        },
        {
            content: "with the note that it holds the follow-ups back",
            trigger: ".o-mail-Message:contains(The customer replied to this follow-up)",
        },
        {
            content: "The dispute from its page is noted too",
            trigger: ".o-mail-Message:contains(The customer disputed)",
        },
        {
            content: "Mark the reply handled",
            trigger: ".o_statusbar_buttons button[name=action_mark_replies_handled]",
            run: "click",
        },
        {
            content: "The customer no longer waits: the notice and the button are gone",
            trigger:
                ".o_form_view:not(:has(.o_dunning_awaiting_answer)):not(:has(button[name=action_mark_replies_handled]))",
        },
        {
            content: "Open the customer's answers",
            trigger: ".o_form_view button[name=action_view_answers]",
            run: "click",
        },
        waitForBreadcrumb("Customer Answers"),
        {
            content: "Open the dispute",
            trigger: ".o_list_view .o_data_row td.o_data_cell:contains(Dispute)",
            run: "click",
        },
        {
            content: "Resolve the dispute",
            trigger: ".o_statusbar_buttons button[name=action_resolve_dispute]",
            run: "click",
        },
        {
            content: "The dispute is resolved and the answer handled",
            trigger:
                ".o_form_view:not(:has(button[name=action_resolve_dispute])) .o_statusbar_status button.o_arrow_button_current:contains(Handled)",
        },
    ],
});
