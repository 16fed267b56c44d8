/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Data shared with sales_territory/tests/test_ui_balance.py: a region with two
// sub-territories, East (2 customers, 2,000 of revenue) and West (1 customer,
// 700); a new zip rule of West takes one East customer (1,500) to West.
const REALIGNMENT = "Tour Balance Realignment";

const balanceRow = (territory) =>
    `.o_field_widget[name=balance_ids] .o_data_row:has(td[name=name]:contains(${territory}))`;

registry.category("web_tour.tours").add("sales_territory_balance_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open the Sales app"),
        {
            content: "Open the Configuration menu of Sales",
            trigger: 'button[data-menu-xmlid="sale.menu_sale_config"]',
            run: "click",
        },
        {
            content: "Configuration > Territories > Realignments",
            trigger:
                '.dropdown-item[data-menu-xmlid="sales_territory.menu_sales_territory_realignment"]',
            run: "click",
        },
        {
            content: "Open the prepared realignment",
            trigger: `.o_list_view .o_data_row td[name=name]:contains(${REALIGNMENT})`,
            run: "click",
        },
        {
            content: "Preview the moves and their balance",
            trigger:
                ".o_form_view .o_statusbar_buttons button[name=action_preview].btn-primary",
            run: "click",
        },
        {
            content: "The realignment is previewed",
            trigger:
                ".o_field_widget[name=state] .o_arrow_button_current[data-value=previewed]",
        },
        {
            content: "Open the Balance tab",
            trigger: ".o_notebook .nav-link[name=balance]",
            run: "click",
        },
        {
            content: "East before: 2 customers, 2,000 of revenue",
            trigger: `${balanceRow("Tour Bal East")}:has(td[name=customers_before]:contains(2)):has(td[name=revenue_before]:contains(2,000.00))`,
        },
        {
            content: "East after: 1 customer, 500; it loses one customer and 1,500",
            trigger: `${balanceRow("Tour Bal East")}:has(td[name=customers_after]:contains(1)):has(td[name=revenue_after]:contains(500.00)):has(td[name=customers_delta].text-danger:contains(-1)):has(td[name=revenue_delta].text-danger:contains(1,500.00))`,
        },
        {
            content: "West before: 1 customer, 700 of revenue",
            trigger: `${balanceRow("Tour Bal West")}:has(td[name=customers_before]:contains(1)):has(td[name=revenue_before]:contains(700.00))`,
        },
        {
            content: "West after: 2 customers, 2,200; it gains one customer and 1,500",
            trigger: `${balanceRow("Tour Bal West")}:has(td[name=customers_after]:contains(2)):has(td[name=revenue_after]:contains(2,200.00)):has(td[name=customers_delta].text-success:contains(1)):has(td[name=revenue_delta].text-success:contains(1,500.00))`,
        },
        {
            content: "The spread of revenue before the moves: 48.1 %",
            trigger: ".o_field_widget[name=revenue_cv_before]:contains(48.1)",
        },
        {
            content: "... and after them: 63.0 % (the moves make it less even)",
            trigger: ".o_field_widget[name=revenue_cv_after]:contains(63.0)",
        },
    ],
});
