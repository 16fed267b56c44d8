/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Data shared with sales_channel/tests/test_ui.py: the Python test creates the
// region, the channel, a customer of the region and a quotation of that customer
// in the channel (company in "block" mode), then checks the matrix row and the
// state of the quotation once the tour is over.
const TERRITORY_NAME = "Tour Channel Region";
const CHANNEL_NAME = "Tour Channel";
const CUSTOMER_NAME = "Tour Channel Customer";

const CELL = `.o_territory_channel_matrix tr[data-territory="${TERRITORY_NAME}"] td[data-channel="${CHANNEL_NAME}"]`;

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

registry.category("web_tour.tours").add("sales_channel_matrix_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open the Sales app"),
        ...openSalesMenu(
            "sale.menu_sale_config",
            "sales_channel.menu_sales_territory_channel_matrix",
            "Configuration > Channels > Territory x Channel Matrix"
        ),
        {
            content: "The cell of the region and the channel has no policy yet",
            trigger: `${CELL}:not(.o_tcm_own):not(.o_tcm_inherited) select.o_tcm_select`,
        },
        {
            content: "Block the channel in the region",
            trigger: `${CELL} select.o_tcm_select`,
            run: "select blocked",
        },
        {
            content: "The cell shows the region's own Blocked policy",
            trigger: `${CELL}.table-danger.o_tcm_own select.o_tcm_select:value(blocked)`,
        },
        ...openSalesMenu(
            "sale.sale_order_menu",
            "sale.menu_sale_quotations",
            "Orders > Quotations"
        ),
        {
            content: "Open the quotation of the test customer",
            trigger: `.o_list_view .o_data_row td[name=partner_id]:contains(${CUSTOMER_NAME})`,
            run: "click",
        },
        {
            content: "The quotation is sold through the test channel",
            trigger: `.o_form_view .o_field_widget[name=channel_id] input:value(${CHANNEL_NAME})`,
        },
        {
            content: "Confirm the quotation",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The confirmation is refused: the channel is blocked in the region",
            trigger: `.modal .modal-body:contains(Channel ${CHANNEL_NAME} is blocked in territory ${TERRITORY_NAME})`,
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The message is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The order is still a quotation",
            trigger:
                ".o_form_view .o_field_widget[name=state] .o_arrow_button_current[data-value=draft]",
        },
    ],
});
