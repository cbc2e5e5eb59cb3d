/** @odoo-module **/

import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { openInvoicingApp, openMenu, waitForBreadcrumb } from "./dunning_tour_utils";

// A billing user prints the letters waiting in the queue.
registry.category("web_tour.tours").add("account_dunning_print_letters_tour", {
    url: "/odoo",
    steps: () => [
        ...openInvoicingApp(),
        ...openMenu(
            "account.menu_finance_receivables",
            "Customers",
            "account_dunning.account_dunning_action_letter_menu",
            "Letters to Print"
        ),
        waitForBreadcrumb("Letters to Print"),
        {
            content: "The list is filtered on the letters to print",
            trigger: ".o_searchview .o_facet_values:contains(Letters to print)",
        },
        {
            content: "The first letter is in the queue",
            trigger: ".o_list_view .o_data_row:contains(Letter Alpha)",
        },
        {
            content: "The second letter is in the queue",
            trigger: ".o_list_view .o_data_row:contains(Letter Beta)",
        },
        {
            content: "Select all the letters",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Both are selected",
            trigger: ".o_list_selection_box:contains(selected) b:contains(2)",
        },
        {
            content: "Note the address of the window that printing opens",
            trigger: ".o_list_selection_container",
            run() {
                const open = browser.open;
                browser.open = (url, ...args) => {
                    browser.open = open;
                    document.body.dataset.dunningOpenedUrl = url;
                    return open(url, ...args);
                };
            },
        },
        {
            content: "Print them",
            trigger: ".o_list_selection_container button[name=action_print_letters]:contains(Print Letters)",
            run: "click",
        },
        {
            content: "The printed letters leave the queue",
            trigger: ".o_list_view .o_list_renderer:not(:has(.o_data_row))",
        },
        {
            content: "The PDF of the letters opened in a new window",
            trigger: "body[data-dunning-opened-url^='/web/content/']",
        },
    ],
});
