from datetime import datetime

from odoo import Command

from odoo.addons.sales_territory.tests.common import TerritoryCommon


class ChannelCommon(TerritoryCommon):
    """The territory tree of sales_territory's tests, plus channels:

    Online (group) ── Web Shop (e-commerce, the company's default)
    Direct (direct, managed by the channel manager)
    Distributors (distributor)
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_channel_manager = cls.env["res.users"].create(
            {
                "name": "Channel Manager",
                "login": "chan_manager",
                "email": "chan_manager@example.com",
                "groups_id": [
                    Command.set(cls.env.ref("sales_channel.group_channel_manager").ids)
                ],
            }
        )
        Channel = cls.env["sales.channel"]
        cls.online = Channel.create(
            {"name": "Online", "code": "T-ONL", "channel_type": "other"}
        )
        cls.web = Channel.create(
            {
                "name": "Web Shop",
                "code": "T-WEB",
                "channel_type": "ecommerce",
                "parent_id": cls.online.id,
            }
        )
        cls.direct = Channel.create(
            {
                "name": "Direct",
                "code": "T-DIR",
                "channel_type": "direct",
                "manager_id": cls.user_channel_manager.id,
            }
        )
        cls.distributors = Channel.create(
            {"name": "Distributors", "code": "T-DIS", "channel_type": "distributor"}
        )
        cls.company.write(
            {"default_channel_id": cls.web.id, "channel_block_mode": "block"}
        )
        cls.cust_north = cls._customer("North Co", cls.state_north, "999999")
        cls.cust_city = cls._customer("City Co", cls.state_north, "150000")
        cls.cust_south = cls._customer("South Co", cls.state_south)

    @classmethod
    def _policy(cls, territory, channel, policy):
        return cls.env["sales.territory.channel"].create(
            {"territory_id": territory.id, "channel_id": channel.id, "policy": policy}
        )

    @classmethod
    def _sale(cls, customer, channel, when=None, qty=1, price=100.0, **vals):
        order = cls._order(
            customer,
            partner_shipping_id=customer.id,
            channel_id=channel.id,
            order_line=[
                Command.create(
                    {
                        "product_id": cls.product.id,
                        "product_uom_qty": qty,
                        "price_unit": price,
                    }
                )
            ],
            **vals,
        )
        order.action_confirm()
        if when:
            order.date_order = when
        return order

    @staticmethod
    def _at(year, month, day=10):
        return datetime(year, month, day, 10)
