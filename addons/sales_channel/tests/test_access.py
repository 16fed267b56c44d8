from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ChannelCommon


@tagged("post_install", "-at_install")
class TestChannelAccess(ChannelCommon):
    def test_channel_manager(self):
        manager = self.user_channel_manager
        direct_order = self._sale(
            self.cust_north, self.direct, user_id=self.user_admin.id
        )
        other_order = self._sale(
            self.cust_south, self.distributors, user_id=self.user_admin.id
        )
        orders = direct_order | other_order
        self.assertEqual(
            orders.with_user(manager).search([("id", "in", orders.ids)]), direct_order
        )
        # edits the channel managed, not the others
        self.direct.with_user(manager).description = "<p>Ours</p>"
        with self.assertRaises(AccessError):
            self.distributors.with_user(manager).name = "Mine now"
        # and the policies of the channel managed
        Policy = self.env["sales.territory.channel"].with_user(manager)
        Policy.set_matrix_policy(self.north.id, self.direct.id, "preferred")
        with self.assertRaises(AccessError):
            Policy.set_matrix_policy(self.north.id, self.distributors.id, "blocked")
        # becoming manager of Distributors opens its orders at once
        self.distributors.manager_id = manager
        self.assertEqual(
            orders.with_user(manager).search([("id", "in", orders.ids)]), orders
        )

    def test_salesperson_reads_channels_only(self):
        salesman = self.user_salesman
        self.assertIn(
            self.direct, self.env["sales.channel"].with_user(salesman).search([])
        )
        with self.assertRaises(AccessError):
            self.direct.with_user(salesman).name = "Changed"
        with self.assertRaises(AccessError):
            self.env["sales.territory.channel"].with_user(salesman).create(
                {
                    "territory_id": self.north.id,
                    "channel_id": self.direct.id,
                    "policy": "blocked",
                }
            )
        # territory managers set the policies of their territories
        self.env["sales.territory.channel"].with_user(self.user_north_manager).create(
            {
                "territory_id": self.north.id,
                "channel_id": self.direct.id,
                "policy": "allowed",
            }
        )
        with self.assertRaises(AccessError):
            self.env["sales.territory.channel"].with_user(
                self.user_north_manager
            ).create(
                {
                    "territory_id": self.south.id,
                    "channel_id": self.direct.id,
                    "policy": "allowed",
                }
            )
