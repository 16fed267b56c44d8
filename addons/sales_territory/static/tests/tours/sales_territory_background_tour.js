/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Data shared with sales_territory/tests/test_ui.py (test_background_job_tour):
// the Python test prepares a previewed realignment and a threshold of 0, so
// that applying it queues a background job; between the two tours it runs the
// job as the cron would.
const REALIGNMENT = "Tour Background Realignment";

const openConfigMenu = (menuXmlid, title) => [
    {
        content: "Open the Configuration menu of Sales",
        trigger: 'button[data-menu-xmlid="sale.menu_sale_config"]',
        run: "click",
    },
    {
        content: `Configuration > Territories > ${title}`,
        trigger: `.dropdown-item[data-menu-xmlid="${menuXmlid}"]`,
        run: "click",
    },
    {
        content: `The list of ${title} is open`,
        trigger: `.o_control_panel .o_breadcrumb .active:contains(${title})`,
    },
];

registry.category("web_tour.tours").add("sales_territory_background_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open the Sales app"),
        ...openConfigMenu("sales_territory.menu_sales_territory_realignment", "Realignments"),
        {
            content: "Open the previewed realignment",
            trigger: `.o_list_view .o_data_row td[name=name]:contains(${REALIGNMENT})`,
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
        ...openConfigMenu("sales_territory.menu_sales_territory_job", "Background Jobs"),
        {
            content: "The job of the realignment is done, at 100 %",
            trigger: `.o_list_view .o_data_row:has(td[name=name]:contains(${REALIGNMENT})):has(td[name=state]:contains(Done)) td[name=progress]:contains(100)`,
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
