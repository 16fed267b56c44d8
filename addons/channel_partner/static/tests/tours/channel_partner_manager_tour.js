/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Data shared with channel_partner/tests/test_ui.py: the Python test creates
// Alpha's deal registration (submitted from the portal) and Alpha's sell-in of
// the month (6,000 invoiced, 5 % of the scale: a rebate of 300.00); once the
// tour is over it checks the approved registration and its opportunity, and
// the settled rebate with its credit note.
const PARTNER_NAME = "Tour Partner Alpha";
const DEAL_TITLE = "Tour Deal 12 School Ovens";
const REBATE_AMOUNT = "300.00";

const openPartnersMenu = (menuXmlid, description) => [
    {
        content: "Open the Partners menu of the Sales app",
        trigger: 'button[data-menu-xmlid="channel_partner.menu_channel_partner_root"]',
        run: "click",
    },
    {
        content: description,
        trigger: `.dropdown-item[data-menu-xmlid="${menuXmlid}"]`,
        run: "click",
    },
];

registry.category("web_tour.tours").add("channel_partner_manager_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open the Sales app"),
        ...openPartnersMenu(
            "channel_partner.menu_channel_partner_deal",
            "Partners > Deal Registrations"
        ),
        {
            content: "Open the registration to review",
            trigger: `.o_list_view .o_data_row td[name=title]:contains(${DEAL_TITLE})`,
            run: "click",
        },
        {
            content: "It is Alpha's, submitted",
            trigger: `.o_form_view .o_field_widget[name=partner_id] input:value(${PARTNER_NAME})`,
        },
        {
            content: "Approve it",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_approve]",
            run: "click",
        },
        {
            content: "The registration is approved",
            trigger:
                ".o_form_view .o_field_widget[name=state] .o_arrow_button_current[data-value=approved]",
        },
        {
            content: "Its opportunity is created",
            trigger: "button[name=action_view_lead]:contains(Opportunity)",
        },
        ...openPartnersMenu(
            "channel_partner.menu_channel_partner_rebate_generate",
            "Partners > Compute Settlements"
        ),
        {
            content: "Settle the period of today, for all agreements",
            trigger: ".modal .o_form_view .o_field_widget[name=date] input",
        },
        {
            content: "Compute",
            trigger: ".modal .modal-footer button[name=action_generate]",
            run: "click",
        },
        {
            content: "Open Alpha's settlement",
            trigger: `.o_list_view .o_data_row td[name=partner_id]:contains(${PARTNER_NAME})`,
            run: "click",
        },
        {
            content: "5 % of the 6,000 Alpha bought and was invoiced",
            trigger: `.o_form_view .o_field_widget[name=amount]:contains(${REBATE_AMOUNT})`,
        },
        {
            content: "Confirm the settlement",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The settlement is confirmed",
            trigger:
                ".o_form_view .o_field_widget[name=state] .o_arrow_button_current[data-value=confirmed]",
        },
        {
            content: "Create the credit note",
            trigger:
                ".o_form_view .o_statusbar_buttons button[name=action_create_document]:contains(Create Credit Note)",
            run: "click",
        },
        {
            content: "The credit note opens",
            trigger: ".o_form_view .o_field_widget[name=move_type]:contains(Credit Note)",
        },
        {
            // read-only: the channel manager has no invoicing rights of its own
            content: "It is Alpha's",
            trigger: `.o_form_view .o_field_widget[name=partner_id]:contains(${PARTNER_NAME})`,
        },
        {
            content: "Of the rebate's amount",
            trigger: `.o_form_view .o_field_widget[name=invoice_line_ids] .o_data_row td[name=price_unit]:contains(${REBATE_AMOUNT})`,
        },
    ],
});
