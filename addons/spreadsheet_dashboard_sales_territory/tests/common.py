from datetime import date

from odoo import Command

# Shared with static/tests/tours/territory_channel_dashboard_tour.js
DASHBOARD_NAME = "Territories & Channels"
REGION_NAME = "Dashboard Tour Region"
CHANNEL_NAME = "Dashboard Tour Channel"
PARTNER_NAME = "Dashboard Tour Distributor"
ORDERED = 7654321.0  # more than any demo figure: first of every table
REGION_TARGET = 9000000.0
CHANNEL_TARGET = 7000000.0
PARTNER_TARGET = 8000000.0


class DashboardDataMixin:
    """A region, a channel and a channel partner of their own, with one
    confirmed order of today and targets for this year: the first row of each
    table of the dashboard, whatever the demo data."""

    @classmethod
    def _create_dashboard_data(cls):
        env = cls.env
        company = env.company
        today = date.today()
        cls.year_start = date(today.year, 1, 1)
        cls.year_end = date(today.year, 12, 31)
        cls.region = env["sales.territory"].create(
            {"name": REGION_NAME, "code": "DASH-TOUR", "level": "region"}
        )
        cls.channel = env["sales.channel"].create({"name": CHANNEL_NAME})
        cls.distributor = env["res.partner"].create(
            {
                "name": PARTNER_NAME,
                "is_company": True,
                "is_channel_partner": True,
                "partner_kind": "distributor",
            }
        )
        cls.customer = env["res.partner"].create(
            {
                "name": "Dashboard Tour Customer",
                "is_company": True,
                "territory_id": cls.region.id,
                "channel_id": cls.channel.id,
            }
        )
        pricelist = env["product.pricelist"].create(
            {"name": "Dashboard Tour Prices", "currency_id": company.currency_id.id}
        )
        product = env["product.product"].create(
            {"name": "Dashboard Tour Product", "type": "consu", "taxes_id": False}
        )
        cls.order = env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "pricelist_id": pricelist.id,
                "channel_partner_id": cls.distributor.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "price_unit": ORDERED,
                        }
                    )
                ],
            }
        )
        cls.order.action_confirm()
        Target = env["sales.target"]
        common = {
            "measure": "ordered",
            "period_type": "year",
            "date_from": cls.year_start,
            "date_to": cls.year_end,
        }
        cls.targets = (
            Target.create(
                {
                    **common,
                    "dimension": "territory",
                    "territory_id": cls.region.id,
                    "target_value": REGION_TARGET,
                }
            )
            | Target.create(
                {
                    **common,
                    "dimension": "channel",
                    "channel_id": cls.channel.id,
                    "target_value": CHANNEL_TARGET,
                }
            )
            | Target.create(
                {
                    **common,
                    "dimension": "channel_partner",
                    "channel_partner_id": cls.distributor.id,
                    "target_value": PARTNER_TARGET,
                }
            )
        )
        cls.targets.action_confirm()
