/** @odoo-module **/

import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * Steps opening the Invoicing app from the apps menu.
 */
export function openInvoicingApp() {
    return stepUtils.goToAppSteps("account.menu_finance", "Open the Invoicing app");
}

/**
 * Steps opening an entry of a top menu of the app, e.g. Customers > Run Follow-ups Now.
 * The menus are found by their xml id and checked by their visible name.
 */
export function openMenu(sectionXmlid, sectionName, itemXmlid, itemName) {
    return [
        {
            content: `Open the ${sectionName} menu`,
            trigger: `.o_menu_sections button[data-menu-xmlid="${sectionXmlid}"]:contains(${sectionName})`,
            run: "click",
        },
        {
            content: `Open ${itemName}`,
            trigger: `.dropdown-item[data-menu-xmlid="${itemXmlid}"]:contains(${itemName})`,
            run: "click",
        },
    ];
}

/**
 * Step waiting for the breadcrumb of the current action.
 */
export function waitForBreadcrumb(title) {
    return {
        content: `Wait for ${title}`,
        trigger: `.o_breadcrumb .active:contains(${title})`,
    };
}
