/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Data shared with sales_territory/tests/test_ui_incentives.py: the Python test
// creates the salesperson with a confirmed target of this month (2,000) and an
// order of 1,500, and checks the statement once the tour is over.
const PLAN_NAME = "Tour Incentive Plan";
const REP_NAME = "Tour Incentive Rep";

// the level being edited: the row-th row of the list, once it is selected
const levelRow = (row) => `.o_field_widget[name=level_ids] .o_data_row:nth-child(${row}).o_selected_row`;

const editLevel = (row, field, value) => ({
    content: `Level ${row}: ${field} ${value}`,
    trigger: `${levelRow(row)} .o_field_widget[name=${field}] input`,
    run: `edit ${value}`,
});

registry.category("web_tour.tours").add("sales_incentive_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open the Sales app"),
        {
            content: "Open the Targets menu",
            trigger: 'button[data-menu-xmlid="sales_territory.menu_sales_target_root"]',
            run: "click",
        },
        {
            content: "Targets > Incentive Plans",
            trigger: '.dropdown-item[data-menu-xmlid="sales_territory.menu_sales_incentive_plan"]',
            run: "click",
        },
        {
            content: "The list of incentive plans is open",
            trigger: ".o_control_panel .o_breadcrumb .active:contains(Incentive Plans)",
        },
        {
            content: "Create a plan",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name the plan",
            trigger: ".o_form_editable .o_field_widget[name=name] input",
            run: `edit ${PLAN_NAME}`,
        },
        {
            content: "Look for the salesperson",
            trigger: ".o_field_widget[name=user_ids] input",
            run: `edit ${REP_NAME}`,
        },
        {
            content: "Pick the salesperson",
            trigger: `.o_field_widget[name=user_ids] .o-autocomplete--dropdown-item > a:contains(${REP_NAME})`,
            run: "click",
        },
        {
            content: "The salesperson takes part",
            trigger: `.o_field_widget[name=user_ids] .o_tag:contains(${REP_NAME})`,
        },
        {
            content: "Set the base amount",
            trigger: ".o_field_widget[name=base_amount] input",
            run: "edit 1000",
        },
        {
            content: "Add a first level",
            trigger: ".o_field_widget[name=level_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        editLevel(1, "achievement_from", "50"),
        editLevel(1, "payout", "25"),
        {
            content: "Add a second level",
            trigger: ".o_field_widget[name=level_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        editLevel(2, "achievement_from", "100"),
        editLevel(2, "payout", "100"),
        {
            content: "The second level is a step",
            trigger: `${levelRow(2)} .o_field_widget[name=mode] select`,
            run: 'select "step"',
        },
        {
            content: "The preview pays 62.5 % at 75 % achievement: 625.00",
            trigger: ".o_field_widget[name=curve_preview] tr:contains(75 %):contains(62.5 %):contains(625.00)",
        },
        {
            content: "Save the plan",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Activate it",
            trigger: ".o_form_saved button[name=action_activate]",
            run: "click",
        },
        {
            content: "Compute the statements",
            trigger: "button[name=action_compute_statements]",
            run: "click",
        },
        {
            content: "Select the salesperson's statement",
            trigger: `.o_data_row:contains(${REP_NAME}) .o_list_record_selector input`,
            run: "click",
        },
        {
            content: "Approve it",
            trigger: ".o_list_selection_container button:contains(Approve)",
            run: "click",
        },
        {
            content: "The statement is approved",
            trigger: `.o_data_row:contains(${REP_NAME}) .o_field_widget[name=state]:contains(Approved)`,
        },
    ],
});
