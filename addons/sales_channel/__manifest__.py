{
    "name": "Sales Channels",
    "summary": "Sales channels on every sales document, the territory x channel "
    "matrix, channel scorecards and channel conflicts",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/territory-channel/odoo-territory-channel",
    "author": "Territory & Channel Management Team",
    "maintainers": ["territory-channel"],
    "license": "LGPL-3",
    "installable": True,
    "depends": ["sales_territory"],
    "data": [
        "security/sales_channel_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/sales_channel_views.xml",
        "views/sales_territory_channel_views.xml",
        "views/sales_channel_scorecard_views.xml",
        "views/res_partner_views.xml",
        "views/crm_team_views.xml",
        "views/crm_lead_views.xml",
        "views/sale_order_views.xml",
        "views/account_move_views.xml",
        "views/sales_target_views.xml",
        "views/res_config_settings_views.xml",
        "report/sale_report_views.xml",
        "report/sales_channel_conflict_views.xml",
        "views/sales_channel_menus.xml",
    ],
    "demo": [
        "demo/sales_channel_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "sales_channel/static/src/matrix/*",
        ],
        "web.assets_tests": [
            "sales_channel/static/tests/tours/*.js",
        ],
    },
    "pre_init_hook": "pre_init_hook",
    "post_init_hook": "post_init_hook",
}
