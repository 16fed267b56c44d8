/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Data shared with sales_territory/tests/test_ui.py: the Python test creates the
// customer (a company in China with zip 999123 and no territory) and checks the
// territory found by TERRITORY_CODE once the tour is over.
const TERRITORY_NAME = "Tour Territory 999";
const TERRITORY_CODE = "TOUR-999";
const CUSTOMER_NAME = "Tour Realignment Customer";

const openTerritoryMenu = (menuXmlid, description, title) => [
    {
        content: "Open the Configuration menu of Sales",
        trigger: 'button[data-menu-xmlid="sale.menu_sale_config"]',
        run: "click",
    },
    {
        content: description,
        trigger: `.dropdown-item[data-menu-xmlid="${menuXmlid}"]`,
        run: "click",
    },
    {
        // the previous list (quotations) has a New button too: wait for ours
        content: `The list of ${title} is open`,
        trigger: `.o_control_panel .o_breadcrumb .active:contains(${title})`,
    },
];

registry.category("web_tour.tours").add("sales_territory_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open the Sales app"),
        ...openTerritoryMenu(
            "sales_territory.menu_sales_territory",
            "Configuration > Territories > Territories",
            "Territories"
        ),
        {
            content: "Create a territory",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name the territory",
            trigger: ".o_form_editable .o_field_widget[name=name] input",
            run: `edit ${TERRITORY_NAME}`,
        },
        {
            content: "Give it a code",
            trigger: ".o_form_editable .o_field_widget[name=code] input",
            run: `edit ${TERRITORY_CODE}`,
        },
        {
            content: "Open the Assignment Rules tab",
            trigger: ".o_notebook .nav-link[name=rules]",
            run: "click",
        },
        {
            content: "Add a rule line",
            trigger: ".o_field_widget[name=rule_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Zip range: from",
            trigger:
                ".o_field_widget[name=rule_ids] .o_selected_row .o_field_widget[name=zip_from] input",
            run: "edit 999000",
        },
        {
            content: "Zip range: to",
            trigger:
                ".o_field_widget[name=rule_ids] .o_selected_row .o_field_widget[name=zip_to] input",
            run: "edit 999999",
        },
        ...stepUtils.saveForm(),
        {
            content: "The rule is saved with the territory",
            trigger:
                ".o_field_widget[name=rule_ids] .o_data_row:not(.o_selected_row) td[name=zip_from]:contains(999000)",
        },
        ...openTerritoryMenu(
            "sales_territory.menu_sales_territory_realignment",
            "Configuration > Territories > Realignments",
            "Realignments"
        ),
        {
            content: "Create a realignment",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Preview the moves the rules propose",
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
            content: "The test customer moves from no territory to the new one",
            trigger: `.o_field_widget[name=line_ids] .o_data_row:has(td[name=partner_id]:contains(${CUSTOMER_NAME})):has(td[name=new_territory_id]:contains(${TERRITORY_NAME}))`,
        },
        {
            content: "Apply the realignment",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_apply]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The realignment is applied",
            trigger:
                ".o_field_widget[name=state] .o_arrow_button_current[data-value=done]:contains(Applied)",
        },
        {
            content: "The move of the test customer is applied",
            trigger: `.o_field_widget[name=line_ids] .o_data_row:has(td[name=partner_id]:contains(${CUSTOMER_NAME})) td[name=state]:contains(Applied)`,
        },
    ],
});

// Data shared with sales_territory/tests/test_ui.py (test_background_job_tour):
// the Python test prepares a previewed realignment and a threshold of 0, so
// that applying it queues a background job; between the two tours it runs the
// job as the cron would.
const BACKGROUND_REALIGNMENT = "Tour Background Realignment";

registry.category("web_tour.tours").add("sales_territory_background_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open the Sales app"),
        ...openTerritoryMenu(
            "sales_territory.menu_sales_territory_realignment",
            "Configuration > Territories > Realignments",
            "Realignments"
        ),
        {
            content: "Open the previewed realignment",
            trigger: `.o_list_view .o_data_row td[name=name]:contains(${BACKGROUND_REALIGNMENT})`,
            run: "click",
        },
        {
            content: "Apply it",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_apply]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The user is told that it runs in the background",
            trigger: ".o_notification:contains(this runs in the background)",
        },
        {
            content: "The form shows the queued job",
            trigger:
                ".o_form_view .alert:contains(Being applied in the background) .o_field_widget[name=background_job_state]:contains(Queued)",
        },
        {
            content: "The realignment is not applied yet",
            trigger:
                ".o_field_widget[name=state] .o_arrow_button_current[data-value=previewed]",
        },
    ],
});

registry.category("web_tour.tours").add("sales_territory_background_done_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open the Sales app"),
        ...openTerritoryMenu(
            "sales_territory.menu_sales_territory_job",
            "Configuration > Territories > Background Jobs",
            "Background Jobs"
        ),
        {
            content: "The job of the realignment is done, at 100 %",
            trigger: `.o_list_view .o_data_row:has(td[name=name]:contains(${BACKGROUND_REALIGNMENT})):has(td[name=state]:contains(Done)) td[name=progress]:contains(100)`,
            run: "click",
        },
        {
            content: "Its result says how many customers moved",
            trigger: ".o_form_view .o_field_widget[name=result]:contains(customers moved)",
        },
        {
            content: "The user was notified in the job's chatter",
            trigger: ".o-mail-Message:contains(customers moved)",
        },
    ],
});
