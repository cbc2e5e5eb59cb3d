/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";
import { openInvoicingApp, openMenu, waitForBreadcrumb } from "./dunning_tour_utils";

// An accounting manager changes when the second reminder of the good payers' scenario is due.
registry.category("web_tour.tours").add("account_dunning_scenario_level_tour", {
    url: "/odoo",
    steps: () => [
        ...openInvoicingApp(),
        ...openMenu(
            "account.menu_finance_configuration",
            "Configuration",
            "account_dunning.account_dunning_scenario_menu",
            "Scenarios and Levels"
        ),
        waitForBreadcrumb("Follow-up Scenarios"),
        {
            content: "Open the good payers' scenario",
            trigger: ".o_list_view .o_data_row td[name=name]:contains(Good payers)",
            run: "click",
        },
        {
            content: "Open its second reminder",
            trigger: ".o_form_view .o_field_widget[name=level_ids] .o_data_row td[name=name]:contains(Reminder 2)",
            run: "click",
        },
        {
            content: "The level opens with its trigger of 15 days",
            trigger: ".modal .o_form_view .o_field_widget[name=trigger_days] input:value(15)",
        },
        {
            content: "Trigger it 20 days after the due date",
            trigger: ".modal .o_field_widget[name=trigger_days] input",
            run: "edit 20",
        },
        {
            content: "Close the level",
            trigger: ".modal .o_form_button_save:contains(Save)",
            run: "click",
        },
        {
            content: "The scenario shows the new trigger",
            trigger:
                ".o_form_view:not(:has(.modal)) .o_field_widget[name=level_ids] .o_data_row:contains(Reminder 2) td[name=trigger_days]:contains(20)",
        },
        ...stepUtils.saveForm(),
    ],
});
