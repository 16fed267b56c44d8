{
    "name": "Territory Inventory",
    "summary": "Regional sourcing, demand-driven replenishment, rebalancing between "
    "regions and deliveries batched by territory",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Inventory/Inventory",
    "website": "https://github.com/territory-channel/odoo-territory-channel",
    "author": "Territory & Channel Management Team",
    "maintainers": ["territory-channel"],
    "license": "LGPL-3",
    "images": ["static/description/screenshot.png"],
    "installable": True,
    "depends": ["sales_channel", "sale_stock", "stock_picking_batch"],
    "data": [
        "security/territory_inventory_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/sales_territory_views.xml",
        "views/territory_sourcing_rule_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/stock_views.xml",
        "views/territory_replenishment_views.xml",
        "views/territory_rebalance_views.xml",
        "views/res_config_settings_views.xml",
        "report/territory_stock_coverage_views.xml",
        "views/territory_inventory_menus.xml",
    ],
    "demo": [
        "demo/territory_inventory_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "territory_inventory/static/tests/tours/*.js",
        ],
    },
    "pre_init_hook": "pre_init_hook",
}
