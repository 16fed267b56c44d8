{
    "name": "Territories & Channels Dashboard",
    "summary": "A Territories & Channels dashboard in the Dashboards app: actual "
    "against target by region and by channel, the monthly trend and the top "
    "channel partners, from the cockpit",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/territory-channel/odoo-territory-channel",
    "author": "Territory & Channel Management Team",
    "maintainers": ["territory-channel"],
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["spreadsheet_dashboard", "channel_partner"],
    "data": [
        "data/dashboards.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "spreadsheet_dashboard_sales_territory/static/tests/tours/*.js",
        ],
    },
}
