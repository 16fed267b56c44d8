{
    "name": "Channel Partners",
    "summary": "Distributors, resellers and agents: tiers and reviews, agreements "
    "with exclusivity and rebates, lead forwarding, deal registration, sell-out "
    "and a partner portal",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/territory-channel/odoo-territory-channel",
    "author": "Territory & Channel Management Team",
    "maintainers": ["territory-channel"],
    "license": "LGPL-3",
    "installable": True,
    "depends": ["sales_channel", "portal", "account"],
    "external_dependencies": {"python": ["openpyxl"]},
    "data": [
        "security/channel_partner_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/product_data.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "wizard/channel_partner_wizard_views.xml",
        "views/channel_partner_tier_views.xml",
        "views/res_partner_views.xml",
        "views/channel_partner_agreement_views.xml",
        "views/channel_partner_rebate_views.xml",
        "views/channel_partner_deal_views.xml",
        "views/crm_lead_views.xml",
        "views/sale_order_views.xml",
        "views/channel_partner_sellout_views.xml",
        "views/res_config_settings_views.xml",
        "views/portal_templates.xml",
        "views/channel_partner_menus.xml",
    ],
    "demo": [
        "demo/channel_partner_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "channel_partner/static/tests/tours/*.js",
        ],
    },
    "pre_init_hook": "pre_init_hook",
}
