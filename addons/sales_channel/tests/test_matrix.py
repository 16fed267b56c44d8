from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import ChannelCommon


@tagged("post_install", "-at_install")
class TestMatrix(ChannelCommon):
    def test_inheritance(self):
        Policy = self.env["sales.territory.channel"]
        root_direct = self._policy(self.root, self.direct, "allowed")
        north_direct = self._policy(self.north, self.direct, "preferred")
        self._policy(self.south, self.direct, "blocked")
        effective = Policy._effective(
            (self.north_city | self.port | self.key_accounts).ids, self.direct.ids
        )
        self.assertEqual(
            effective[(self.north_city.id, self.direct.id)],
            ("preferred", north_direct.id),
        )
        self.assertEqual(effective[(self.port.id, self.direct.id)][0], "blocked")
        self.assertEqual(
            effective[(self.key_accounts.id, self.direct.id)],
            ("allowed", root_direct.id),
        )
        # a sub-territory overrides its parent
        self._policy(self.port, self.direct, "allowed")
        self.assertEqual(
            Policy._effective(self.port.ids)[(self.port.id, self.direct.id)][0],
            "allowed",
        )
        self.assertEqual(self.north_city._preferred_channel(), self.direct)
        self.assertFalse(self.port._preferred_channel())

    def test_one_policy_per_cell(self):
        self._policy(self.north, self.direct, "allowed")
        with self.assertRaisesRegex(ValidationError, "already has a policy"):
            self._policy(self.north, self.direct, "blocked")
        other = self.env["res.company"].create({"name": "Other Matrix Co"})
        foreign = self.env["sales.channel"].create(
            {"name": "Elsewhere", "company_id": other.id}
        )
        with self.assertRaises(UserError):
            self._policy(self.north, foreign, "allowed")

    def test_matrix_editor(self):
        Policy = self.env["sales.territory.channel"]
        Policy.set_matrix_policy(self.root.id, self.direct.id, "allowed")
        Policy.set_matrix_policy(self.north.id, self.direct.id, "preferred")
        matrix = Policy.get_matrix()
        territories = [t["id"] for t in matrix["territories"]]
        self.assertLess(
            territories.index(self.root.id), territories.index(self.north.id)
        )
        self.assertIn(self.web.id, [c["id"] for c in matrix["channels"]])
        self.assertNotIn(self.online.id, [c["id"] for c in matrix["channels"]])
        cell = matrix["cells"][f"{self.north_city.id},{self.direct.id}"]
        self.assertEqual(
            cell,
            {"policy": "preferred", "own": False, "source": self.north.display_name},
        )
        self.assertTrue(matrix["cells"][f"{self.north.id},{self.direct.id}"]["own"])
        # change, then remove: the cell inherits again
        Policy.set_matrix_policy(self.north.id, self.direct.id, "blocked")
        self.assertEqual(
            Policy.search([("territory_id", "=", self.north.id)]).policy, "blocked"
        )
        Policy.set_matrix_policy(self.north.id, self.direct.id, False)
        cell = Policy.get_matrix()["cells"][f"{self.north.id},{self.direct.id}"]
        self.assertEqual((cell["policy"], cell["own"]), ("allowed", False))
        with self.assertRaisesRegex(ValidationError, "Unknown policy"):
            Policy.set_matrix_policy(self.north.id, self.direct.id, "sometimes")
        salesman = Policy.with_user(self.user_salesman)
        self.assertFalse(salesman.get_matrix()["can_edit"])
        with self.assertRaises(AccessError):
            salesman.set_matrix_policy(self.north.id, self.direct.id, "blocked")

    def test_coverage(self):
        Territory = self.env["sales.territory"]
        ours = [("id", "child_of", self.root.id)]
        self.assertIn(self.north, Territory.search(ours + [("channel_gap", "=", True)]))
        self._policy(self.root, self.distributors, "blocked")
        self._policy(self.north, self.direct, "allowed")
        gaps = Territory.search(ours + [("channel_gap", "=", True)])
        self.assertNotIn(self.north, gaps)
        self.assertNotIn(self.north_city, gaps)  # inherited
        self.assertIn(self.south, gaps)  # only a blocked channel
        self.assertTrue(self.south.channel_gap)
        self.assertFalse(self.north_city.channel_gap)
        without = self.env["sales.channel"].search(
            [("territory_count", "=", 0), ("id", "in", (self.direct | self.web).ids)]
        )
        self.assertEqual(without, self.web)

    def test_blocked_channel_is_refused(self):
        rule = self._policy(self.north, self.direct, "blocked")
        order = self._order(self.cust_city, channel_id=self.direct.id)
        self.assertEqual(order.territory_id, self.north_city)
        with self.assertRaises(UserError) as catcher:
            order.action_confirm()
        message = str(catcher.exception)
        self.assertIn(self.direct.display_name, message)
        self.assertIn(self.north_city.display_name, message)
        self.assertIn(f"inherited from {rule.territory_id.display_name}", message)
        self.assertEqual(order.state, "draft")
        # allowed where the territory overrides it
        self._policy(self.north_city, self.direct, "allowed")
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_blocked_channel_warns(self):
        self.company.channel_block_mode = "warn"
        self._policy(self.north, self.direct, "blocked")
        order = self._order(self.cust_city, channel_id=self.direct.id)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn("is blocked in territory", order.message_ids[0].body)

    def test_onchange_warns_on_quotation(self):
        self._policy(self.north, self.direct, "blocked")
        form = Form(self.env["sale.order"])
        form.partner_id = self.cust_city
        with self.assertLogs("odoo.tests.form", level="WARNING") as logs:
            form.channel_id = self.direct
        self.assertIn("is blocked in territory", "\n".join(logs.output))
