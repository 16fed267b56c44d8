/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// The main screens of the territory and channel addons for a user whose
// language is Simplified Chinese. The labels to find are the zh_CN
// translations of their English source, read from the addons' i18n/zh_CN.po
// by spreadsheet_dashboard_sales_territory/tests/test_ui_zh_cn.py, which
// stores them in sessionStorage under this key before starting the tour.
const LABELS_KEY = "tcm_zh_cn_labels";

const menu = (xmlid) => `[data-menu-xmlid="${xmlid}"]`;

/** Open a menu of the navbar, then one of its items. */
const openMenu = (rootXmlid, itemXmlid, label) => [
    {
        content: `Open the menu ${rootXmlid}`,
        trigger: `.o_main_navbar button${menu(rootXmlid)}`,
        run: "click",
    },
    {
        content: `Its item ${itemXmlid} reads ${label}`,
        trigger: `.dropdown-item${menu(itemXmlid)}:contains(${label})`,
        run: "click",
    },
    {
        content: `The view is titled ${label}`,
        trigger: `.o_breadcrumb .active:contains(${label})`,
    },
];

function zhCnSteps(zh) {
    const steps = [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open the Sales app"),
        {
            content: "The Targets menu of sales_territory is in Chinese",
            trigger: `.o_main_navbar button${menu("sales_territory.menu_sales_target_root")}:contains(${zh.targets_menu})`,
        },
        // Configuration > Territories: list, then a territory
        ...openMenu("sale.menu_sale_config", "sales_territory.menu_sales_territory", zh.territories),
        {
            content: "The code column has its Chinese label",
            trigger: `.o_list_view th[data-name=code]:contains(${zh.territory_code})`,
        },
        {
            content: "Open a territory",
            trigger: ".o_list_view .o_data_row:first td[name=complete_name]",
            run: "click",
        },
        {
            content: "The territory's customers button is in Chinese",
            trigger: `.o_form_view button[name=action_view_partners]:contains(${zh.territory_customers})`,
        },
        // Reporting > Cockpit
        ...openMenu("sale.menu_sale_report", "sales_territory.menu_sales_performance_cockpit", zh.cockpit),
        {
            content: "The cockpit's default filter is in Chinese",
            trigger: `.o_searchview_facet:contains(${zh.territory_targets})`,
        },
        // Configuration > Sales Channels: kanban, then a channel
        ...openMenu("sale.menu_sale_config", "sales_channel.menu_sales_channel", zh.sales_channels),
        {
            content: "The channel cards are in Chinese",
            trigger: `.o_kanban_view .o_kanban_record:contains(${zh.channel_this_month})`,
        },
        {
            content: "Open a channel",
            trigger: ".o_kanban_view .o_kanban_record:not(.o_kanban_ghost):first",
            run: "click",
        },
        {
            content: "The channel's scorecards button is in Chinese",
            trigger: `.o_form_view button[name=action_view_scorecards]:contains(${zh.scorecards})`,
        },
        // Partners > Channel Partners: kanban, then a channel partner
        {
            content: "The Partners menu of channel_partner is in Chinese",
            trigger: `.o_main_navbar button${menu("channel_partner.menu_channel_partner_root")}:contains(${zh.partners_menu})`,
        },
        ...openMenu(
            "channel_partner.menu_channel_partner_root",
            "channel_partner.menu_channel_partner",
            zh.channel_partners
        ),
        {
            content: "Open a channel partner",
            trigger: ".o_kanban_view .o_kanban_record:not(.o_kanban_ghost):first",
            run: "click",
        },
        {
            content: "Open the partner's channel partner tab, by its Chinese name",
            trigger: `.o_form_view .o_notebook .nav-link:contains(${zh.channel_partner_page})`,
            timeout: 20000,
            run: "click",
        },
        {
            content: "The partner's figures are labelled in Chinese",
            trigger: `.o_form_view .o_notebook .tab-pane.active [name=partner_kpis]:contains(${zh.target_achieved})`,
        },
    ];
    if (zh.replenishment) {
        // territory_inventory is installed: Inventory > Territories
        steps.push(
            ...stepUtils.goToAppSteps("stock.menu_stock_root", "Open the Inventory app"),
            {
                content: "The Territories menu of territory_inventory is in Chinese",
                trigger: `.o_main_navbar button${menu("territory_inventory.menu_territory_inventory_root")}:contains(${zh.inventory_menu})`,
            },
            ...openMenu(
                "territory_inventory.menu_territory_inventory_root",
                "territory_inventory.menu_territory_replenishment",
                zh.replenishment
            )
        );
    }
    steps.push(
        ...stepUtils.goToAppSteps(
            "spreadsheet_dashboard.spreadsheet_dashboard_menu_root",
            "Open the Dashboards app"
        ),
        {
            content: "Open the Territories & Channels dashboard by its Chinese name",
            trigger: `.o_search_panel_category_value[data-name="${zh.dashboard}"]`,
            // the spreadsheet library is loaded on the first visit
            timeout: 30000,
            run: "click",
        },
        {
            content: "Its region filter is in Chinese",
            trigger: `.o_control_panel .o-filter-value input[placeholder*="${zh.dashboard_region}"]`,
            timeout: 30000,
        }
    );
    return steps;
}

registry.category("web_tour.tours").add("sales_territory_zh_cn_tour", {
    url: "/odoo",
    steps: () => {
        const stored = sessionStorage.getItem(LABELS_KEY);
        if (!stored) {
            return [
                {
                    content: "The labels to find are given by the Python test",
                    trigger: "body",
                    run: () => {
                        throw new Error(
                            `No zh_CN labels in sessionStorage[${LABELS_KEY}]: start this ` +
                                "tour from test_ui_zh_cn.py"
                        );
                    },
                },
            ];
        }
        return zhCnSteps(JSON.parse(stored));
    },
});
