/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Data shared with sales_territory/tests/test_ui.py: the Python test creates the
// region (with a confirmed order of this year, so that the cockpit has figures)
// and checks the targets planned for PLAN_YEAR once the tour is over.
const REGION_NAME = "Tour Plan Region";
const PLAN_YEAR = "2031";
const ANNUAL_AMOUNT = "120000";

const openSalesMenu = (rootXmlid, menuXmlid, description) => [
    {
        content: "Open the menu of the Sales app",
        trigger: `button[data-menu-xmlid="${rootXmlid}"]`,
        run: "click",
    },
    {
        content: description,
        trigger: `.dropdown-item[data-menu-xmlid="${menuXmlid}"]`,
        run: "click",
    },
];

registry.category("web_tour.tours").add("sales_target_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open the Sales app"),
        ...openSalesMenu(
            "sales_territory.menu_sales_target_root",
            "sales_territory.menu_sales_target_plan",
            "Targets > Plan Targets"
        ),
        {
            content: "Plan the year",
            trigger: ".modal .o_field_widget[name=year] input",
            run: `edit ${PLAN_YEAR}`,
        },
        {
            content: "Targets for territories",
            trigger: ".modal .o_field_widget[name=dimension] input[data-value=territory]:checked",
        },
        {
            content: "Look for the region",
            trigger: ".modal .o_field_widget[name=territory_ids] input",
            run: `edit ${REGION_NAME}`,
        },
        {
            content: "Pick the region",
            trigger: `.modal .o_field_widget[name=territory_ids] .o-autocomplete--dropdown-item > a:contains(${REGION_NAME})`,
            run: "click",
        },
        {
            content: "The region is chosen",
            trigger: `.modal .o_field_widget[name=territory_ids] .o_tag:contains(${REGION_NAME})`,
        },
        {
            content: "The mode is an annual amount phased over the months",
            trigger: ".modal .o_field_widget[name=mode] input[data-value=amount]:checked",
        },
        {
            content: "Set the annual target",
            trigger: ".modal .o_field_widget[name=annual_amount] input",
            run: `edit ${ANNUAL_AMOUNT}`,
        },
        {
            content: "The phasing is Flat",
            trigger: ".modal .o_field_widget[name=phasing_id] input:value(Flat)",
        },
        {
            content: "Create the targets confirmed",
            trigger: ".modal .o_field_widget[name=confirm] input:not(:checked)",
            run: "click",
        },
        {
            content: "The targets will be confirmed",
            trigger: ".modal .o_field_widget[name=confirm] input:checked",
        },
        {
            content: "Preview the monthly targets",
            trigger: ".modal-footer button[name=action_preview]",
            run: "click",
        },
        {
            content: "The preview has a row for each month",
            trigger: `.modal .o_field_widget[name=line_ids] .o_data_row:nth-child(12):has(td[name=territory_id]:contains(${REGION_NAME}))`,
        },
        {
            content: "... and no more",
            trigger:
                ".modal .o_field_widget[name=line_ids]:not(:has(.o_data_row:nth-child(13)))",
        },
        {
            content: "The months add up to the annual target",
            trigger: ".modal .o_field_widget[name=line_ids] tfoot:contains(120,000.00)",
        },
        {
            content: "Create the targets",
            trigger: ".modal-footer button[name=action_create]",
            run: "click",
        },
        {
            content: "The planned targets are listed",
            trigger: ".o_breadcrumb:contains(Planned Targets)",
        },
        {
            content: "Twelve targets were created, confirmed",
            trigger: `body:not(:has(.modal)) .o_list_view .o_data_row:nth-child(12):has(td[name=territory_id]:contains(${REGION_NAME})):has(td[name=state]:contains(Confirmed))`,
        },
        {
            content: "... and no more",
            trigger: ".o_list_view .o_list_table:not(:has(.o_data_row:nth-child(13)))",
        },
        ...openSalesMenu(
            "sale.menu_sale_report",
            "sales_territory.menu_sales_performance_report",
            "Reporting > Territory Performance"
        ),
        {
            content: "The cockpit pivot shows the region of the test order",
            trigger: `.o_pivot_view:not(.o_view_sample_data) .o_pivot tbody th:contains(${REGION_NAME})`,
        },
        {
            content: "The cockpit compares with the targets",
            trigger: ".o_pivot thead th.o_pivot_measure_row:contains(Target Ordered)",
        },
    ],
});
