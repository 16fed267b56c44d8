/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Data shared with spreadsheet_dashboard_sales_territory/tests/common.py: a
// region, a channel and a distributor with one order of today larger than any
// other, and targets of this year for each of them.
const DASHBOARD = "Territories & Channels";
const REGION = "Dashboard Tour Region";
const CHANNEL = "Dashboard Tour Channel";
const PARTNER = "Dashboard Tour Distributor";
const ORDERED = 7654321;
const REGION_TARGET = 9000000;
const CHANNEL_TARGET = 7000000;
const PARTNER_TARGET = 8000000;

/** The o-spreadsheet model of the dashboard on screen. */
function dashboardModel() {
    const stack = [odoo.__WOWL_DEBUG__.root.__owl__];
    while (stack.length) {
        const node = stack.pop();
        const model = node.component?.state?.activeDashboard?.model;
        if (model) {
            return model;
        }
        stack.push(...Object.values(node.children));
    }
    throw new Error("No dashboard is open");
}

/** Evaluated value of a cell, e.g. cell(model, "Dashboard", "A24"). */
function cell(model, sheetName, xc) {
    const sheetId = model.getters.getSheetIdByName(sheetName);
    const col = xc.charCodeAt(0) - 65;
    const row = Number(xc.slice(1)) - 1;
    return model.getters.getEvaluatedCell({ sheetId, col, row }).value;
}

/**
 * Wait until the cells of the dashboard have the expected values (the pivots
 * load asynchronously), or fail with what they show.
 * @param {Object} expected {"Sheet!A1": value or (value) => boolean}
 */
async function expectCells(expected) {
    const model = dashboardModel();
    let seen = {};
    for (let attempt = 0; attempt < 75; attempt++) {
        seen = {};
        let ok = true;
        for (const [ref, want] of Object.entries(expected)) {
            const [sheetName, xc] = ref.split("!");
            const value = cell(model, sheetName, xc);
            seen[ref] = value;
            const good =
                typeof want === "function"
                    ? want(value)
                    : typeof want === "number"
                    ? Math.abs(value - want) < 0.01
                    : value === want;
            ok = ok && good;
        }
        if (ok) {
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`The dashboard shows ${JSON.stringify(seen)}`);
}

const isNumber = (value) => typeof value === "number";

registry.category("web_tour.tours").add("spreadsheet_dashboard_sales_territory_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps(
            "spreadsheet_dashboard.spreadsheet_dashboard_menu_root",
            "Open the Dashboards app"
        ),
        {
            content: "Open the Territories & Channels dashboard",
            trigger: `.o_search_panel_category_value[data-name="${DASHBOARD}"]`,
            run: "click",
        },
        {
            content: "It is the dashboard on screen",
            trigger: `.o_search_panel_category_value.active[data-name="${DASHBOARD}"]`,
        },
        {
            content: "The period filter (this year by default)",
            trigger: '.o_control_panel .o-filter-value[title="Period"]',
        },
        {
            content: "The region filter",
            trigger: '.o_control_panel .o-filter-value[title="Region"]',
        },
        {
            content: "The channel filter",
            trigger: '.o_control_panel .o-filter-value[title="Channel"]',
        },
        {
            content: "The scorecards and the monthly trend are drawn",
            trigger: ".o_spreadsheet_dashboard_action .o-figure:eq(4) canvas",
        },
        {
            content: "The tables and the figures come from the cockpit",
            trigger: ".o_spreadsheet_dashboard_action .o-grid",
            timeout: 20000,
            run: () =>
                expectCells({
                    // by region: ours first, with its territory target
                    "Dashboard!A23": "Region",
                    "Dashboard!A24": REGION,
                    "Dashboard!B24": ORDERED,
                    "Dashboard!C24": REGION_TARGET,
                    "Dashboard!D24": ORDERED / REGION_TARGET,
                    // by channel: ours first, with its channel target
                    "Dashboard!A37": CHANNEL,
                    "Dashboard!B37": ORDERED,
                    "Dashboard!C37": CHANNEL_TARGET,
                    // top channel partners: ours first, with its target
                    "Dashboard!A50": PARTNER,
                    "Dashboard!B50": ORDERED,
                    "Dashboard!C50": PARTNER_TARGET,
                    // the totals at the top include every region
                    "Data!B2": (value) => isNumber(value) && value >= ORDERED,
                    "Data!B3": (value) => isNumber(value) && value >= REGION_TARGET,
                    // the monthly trend starts in January of this year
                    "Data!A9": (value) => isNumber(value) && value > 0,
                }),
        },
        {
            content: "Filter on the region",
            trigger: '.o_control_panel .o-filter-value[title="Region"] input',
            run: `edit ${REGION}`,
        },
        {
            content: "Pick the region",
            trigger: `.o-autocomplete--dropdown-item > a:contains(${REGION})`,
            run: "click",
        },
        {
            content: "The region is the filter's value",
            trigger: `.o_control_panel .o-filter-value[title="Region"] .o_tag:contains(${REGION})`,
        },
        {
            content: "Every table and figure is narrowed to the region",
            trigger: ".o_spreadsheet_dashboard_action .o-grid",
            timeout: 20000,
            run: () =>
                expectCells({
                    "Dashboard!A24": REGION,
                    "Dashboard!A25": "",
                    "Dashboard!A37": CHANNEL,
                    "Dashboard!A38": "",
                    "Dashboard!A50": PARTNER,
                    "Dashboard!A51": "",
                    // the distributor's own target is not set in a region
                    "Dashboard!C50": 0,
                    "Data!B2": ORDERED,
                    "Data!B3": REGION_TARGET,
                    "Data!B5": ORDERED / REGION_TARGET,
                }),
        },
    ],
});
