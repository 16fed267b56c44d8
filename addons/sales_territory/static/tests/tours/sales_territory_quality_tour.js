/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Data shared with sales_territory/tests/test_ui_balance.py: two customers of
// one territory with the same tax ID, written differently; the region of the
// balance tour (East: 2,000 of revenue, West: 700).
const VAT = "TOURDUP123";

registry.category("web_tour.tours").add("sales_territory_quality_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open the Sales app"),
        {
            content: "Open the Reporting menu of Sales",
            trigger: 'button[data-menu-xmlid="sale.menu_sale_report"]',
            run: "click",
        },
        {
            content: "Reporting > Data Quality",
            trigger:
                '.dropdown-item[data-menu-xmlid="sales_territory.menu_sales_territory_quality"]',
            run: "click",
        },
        {
            content: "A card per check, with its count",
            trigger:
                ".o_kanban_record:contains(Customers Without Territory) span[name=issue_count]",
        },
        {
            content: "Open the likely duplicates",
            trigger: ".o_kanban_record:contains(Possible Duplicates)",
            run: "click",
        },
        {
            content: "The duplicate group of the tax ID is listed, with Merge at hand",
            trigger: `.o_list_view .o_data_row:has(td[name=detail]:contains(${VAT})) button[name=action_merge]`,
            run: "click",
        },
        {
            content: "Odoo's merge wizard opens on the two customers",
            trigger:
                ".modal .o_field_widget[name=partner_ids] .o_data_row:contains(Tour Dup Two)",
        },
        {
            content: "Close it without merging",
            trigger: ".modal .modal-header .btn-close",
            run: "click",
        },
        {
            content: "Back on the list of duplicates",
            trigger: `body:not(:has(.modal)) .o_list_view .o_data_row td[name=detail]:contains(${VAT})`,
        },
        {
            content: "Open the Reporting menu again",
            trigger: 'button[data-menu-xmlid="sale.menu_sale_report"]',
            run: "click",
        },
        {
            content: "Reporting > Territory Balance",
            trigger:
                '.dropdown-item[data-menu-xmlid="sales_territory.menu_sales_territory_balance"]',
            run: "click",
        },
        {
            content: "Open the peer group of the tour's region",
            trigger: ".o_list_view .o_group_header:contains(Tour Bal Region)",
            run: "click",
        },
        {
            content: "East (2,000) is 48.1 % above the mean of its peers (1,350)",
            trigger:
                ".o_data_row.text-danger:has(td[name=name]:contains(Tour Bal East)) td[name=revenue_deviation]:contains(48.1)",
        },
        {
            content: "West (700) is 48.1 % below it",
            trigger:
                ".o_data_row:has(td[name=name]:contains(Tour Bal West)) td[name=revenue_deviation]:contains(-48.1)",
        },
    ],
});
