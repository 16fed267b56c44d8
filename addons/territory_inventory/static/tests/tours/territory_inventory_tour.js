/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Data shared with territory_inventory/tests/test_ui.py: the Python test creates
// the region with its warehouse, the product and its past deliveries (company in
// "review" mode, known replenishment settings), computes NEW_MIN by hand and
// checks the run and the reordering rule once the tour is over.
const REGION_NAME = "Tour Stock Region";
const PRODUCT_NAME = "Tour Stock Product";
const NEW_MIN = "23.31";

const PROPOSAL_ROW = `.o_field_widget[name=line_ids] .o_data_row:has(td[name=product_id]:contains(${PRODUCT_NAME}))`;

registry.category("web_tour.tours").add("territory_replenishment_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("stock.menu_stock_root", "Open the Inventory app"),
        {
            content: "Open the Territories menu of Inventory",
            trigger:
                'button[data-menu-xmlid="territory_inventory.menu_territory_inventory_root"]',
            run: "click",
        },
        {
            content: "Territories > Replenishment Planning",
            trigger:
                '.dropdown-item[data-menu-xmlid="territory_inventory.menu_territory_replenishment"]',
            run: "click",
        },
        {
            content: "The list of replenishment runs is open",
            trigger: ".o_control_panel .o_breadcrumb .active:contains(Replenishment Planning)",
        },
        {
            content: "Create a replenishment run",
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "Look for the region",
            trigger: ".o_form_editable .o_field_widget[name=territory_ids] input",
            run: `edit ${REGION_NAME}`,
        },
        {
            content: "Pick the region",
            trigger: `.o_field_widget[name=territory_ids] .o-autocomplete--dropdown-item > a:contains(${REGION_NAME})`,
            run: "click",
        },
        {
            content: "The region is chosen",
            trigger: `.o_field_widget[name=territory_ids] .o_tag:contains(${REGION_NAME})`,
        },
        {
            content: "The mode is the company's: proposals to review",
            trigger:
                ".o_form_editable .o_field_widget[name=mode] select:has(option:checked:contains(Propose for Review))",
        },
        {
            content: "Propose for review",
            trigger: ".o_form_editable .o_field_widget[name=mode] select",
            run: 'select "review"',
        },
        {
            content: "Plan the region's warehouses",
            trigger:
                ".o_form_view .o_statusbar_buttons button[name=action_run].btn-primary:contains(Plan)",
            run: "click",
        },
        {
            content: "The run waits for review",
            trigger:
                ".o_field_widget[name=state] .o_arrow_button_current[data-value=proposed]",
        },
        {
            content: "The test product is proposed with its new minimum",
            trigger: `${PROPOSAL_ROW} td[name=min_qty]:contains(${NEW_MIN})`,
        },
        {
            content: "... still to apply",
            trigger: `${PROPOSAL_ROW} td[name=state]:contains(Proposed)`,
        },
        {
            content: "Apply all the proposals",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_apply]",
            run: "click",
        },
        {
            content: "The run is done",
            trigger:
                ".o_field_widget[name=state] .o_arrow_button_current[data-value=done]:contains(Done)",
        },
        {
            content: "The proposal of the test product is applied",
            trigger: `${PROPOSAL_ROW} td[name=state]:contains(Applied)`,
        },
    ],
});
