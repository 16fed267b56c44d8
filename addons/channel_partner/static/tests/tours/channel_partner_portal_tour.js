/** @odoo-module **/

import { registry } from "@web/core/registry";

// Data shared with channel_partner/tests/test_ui.py: the Python test creates
// Alpha (a channel partner) with a portal user, and a lead forwarded to Alpha;
// once the tour is over it checks that the lead is accepted (an opportunity)
// and that the deal registration typed here exists for Alpha, submitted.
const LEAD_NAME = "Tour Lead Hospital Beds";
const DEAL_TITLE = "Tour Deal 40 Hospital Fridges";
const DEAL_CUSTOMER = "Tour Deal Hospital Ltd";
const DEAL_REVENUE = "48000";

registry.category("web_tour.tours").add("channel_partner_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "The home shows the Partner Center: open the forwarded leads",
            trigger: "#portal_channel_partner_category a[href='/my/partner/leads']",
            run: "click",
        },
        {
            content: "Open the lead forwarded to us",
            trigger: `a.o_cp_lead_link:contains(${LEAD_NAME})`,
            run: "click",
        },
        {
            content: "The lead waits for our answer",
            trigger: `.card-header h4:contains(${LEAD_NAME})`,
        },
        {
            content: "It waits for our answer",
            trigger: ".o_cp_lead_state:contains(To answer)",
        },
        {
            content: "Click Accept",
            trigger: "button.o_cp_accept",
            run: "click",
        },
        {
            content: "The lead is ours: accepted, without error",
            trigger: "body:not(:has(.o_cp_error)) .o_cp_lead_state:contains(Accepted)",
        },
        {
            content: "Its figures can now be updated",
            trigger: "button.o_cp_update",
        },
        {
            content: "Back to the portal home",
            trigger: ".o_portal_submenu a[href='/my/home']",
            run: "click",
        },
        {
            content: "Open the deal registrations",
            trigger: "#portal_channel_partner_category a[href='/my/partner/deals']",
            run: "click",
        },
        {
            content: "Register a deal",
            trigger: "a.o_cp_new_deal",
            run: "click",
        },
        {
            content: "The opportunity",
            trigger: "form input[name=title]",
            run: `edit ${DEAL_TITLE}`,
        },
        {
            content: "The customer",
            trigger: "form input[name=customer_name]",
            run: `edit ${DEAL_CUSTOMER}`,
        },
        {
            content: "The customer's city",
            trigger: "form input[name=customer_city]",
            run: "edit Tour City",
        },
        {
            content: "The expected revenue",
            trigger: "form input[name=expected_revenue]",
            run: `edit ${DEAL_REVENUE}`,
        },
        {
            content: "What the customer needs",
            trigger: "form textarea[name=description]",
            run: "edit Forty fridges for the new wing, decision in two months.",
        },
        {
            content: "Submit the registration",
            trigger: "button.o_cp_submit_deal",
            run: "click",
        },
        {
            content: "The registration is listed",
            trigger: `.o_portal_my_doc_table td.o_cp_deal_title:contains(${DEAL_TITLE})`,
        },
        {
            content: "It is submitted for review",
            trigger: `.o_portal_my_doc_table tr:has(td.o_cp_deal_title:contains(${DEAL_TITLE})):contains(Submitted)`,
        },
    ],
});
