from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import TerritoryCommon


@tagged("post_install", "-at_install")
class TestTerritory(TerritoryCommon):
    def test_tree(self):
        self.assertEqual(
            self.north_city.complete_name, "Territoria / North / North City"
        )
        self.assertEqual(
            (self.root.depth, self.north.depth, self.north_city.depth), (0, 1, 2)
        )
        # region: nearest ancestor of level region, else the top-level territory
        self.assertEqual(self.north_city.region_id, self.north)
        self.assertEqual(self.north.region_id, self.north)
        self.assertEqual(self.key_accounts.region_id, self.root)
        self.assertEqual(self.root.region_id, self.root)
        # renaming and moving are reflected down the tree
        self.north.name = "Northern"
        self.assertEqual(
            self.north_city.complete_name, "Territoria / Northern / North City"
        )
        self.north_city.parent_id = self.south
        self.assertEqual(self.north_city.region_id, self.south)
        self.assertEqual(
            self.north_city.complete_name, "Territoria / South / North City"
        )
        self.assertEqual(
            self.env["sales.territory"].search([("id", "child_of", self.south.id)]),
            self.south | self.port | self.capital | self.north_city,
        )

    def test_cycle(self):
        with self.assertRaisesRegex(ValidationError, "cannot be its own ancestor"):
            self.root.parent_id = self.north_city
        self.assertFalse(self.root.parent_id)
        with self.assertRaisesRegex(ValidationError, "cannot be its own ancestor"):
            self.north.parent_id = self.north

    def test_path_follows_the_parent(self):
        path = self.north_city.parent_path
        with self.assertRaisesRegex(ValidationError, "follows its parent"):
            self.north_city.with_user(self.user_admin).write(
                {"parent_path": f"{self.south.id}/"}
            )
        self.assertEqual(self.north_city.parent_path, path)
        self.assertIn(
            self.north_city,
            self.env["sales.territory"].search([("id", "child_of", self.north.id)]),
        )
        # a copy gets its own path under the same parent
        copy = self.north_city.copy({"code": "T-NC2"})
        self.assertEqual(copy.parent_path, f"{self.north.parent_path}{copy.id}/")

    def test_duplicate_code(self):
        count = self.env["sales.territory"].search_count([])
        with self.assertRaisesRegex(ValidationError, "already used by territory"):
            self.env["sales.territory"].create({"name": "Copy", "code": "T-N"})
        with self.assertRaisesRegex(ValidationError, "already used by territory"):
            self.south.code = "T-N"
        with self.assertRaisesRegex(ValidationError, "same code"):
            self.env["sales.territory"].create(
                [{"name": "A", "code": "DUP"}, {"name": "B", "code": "DUP"}]
            )
        self.assertEqual(self.env["sales.territory"].search_count([]), count)
        self.assertEqual(self.south.code, "T-S")
        # the same code in another company is fine
        other = self.env["res.company"].create({"name": "Other Territory Co"})
        self.env["sales.territory"].create(
            {"name": "North B", "code": "T-N", "company_id": other.id}
        )
        # a copy gets no code
        copy = self.north.copy()
        self.assertFalse(copy.code)
        self.assertIn("(copy)", copy.name)

    def test_manager_must_be_internal(self):
        portal = self.env["res.users"].create(
            {
                "name": "Portal Person",
                "login": "terr_portal",
                "groups_id": [Command.set(self.env.ref("base.group_portal").ids)],
            }
        )
        with self.assertRaisesRegex(ValidationError, "must be internal users"):
            self.north.manager_id = portal
        self.assertEqual(self.north.manager_id, self.user_north_manager)
        with self.assertRaisesRegex(ValidationError, "must be internal users"):
            self.north.member_ids = [Command.link(portal.id)]

    def test_archive_with_customers(self):
        customer = self._customer("Northerner", self.state_north, "999999")
        self.assertEqual(customer.territory_id, self.north)
        with self.assertRaisesRegex(ValidationError, "still has 1 customer"):
            self.north.active = False
        self.assertTrue(self.north.active)
        customer.territory_id = self.south
        with self.assertRaisesRegex(ValidationError, "active sub-territory"):
            self.north.active = False
        (self.north | self.north_city).action_archive()
        self.assertFalse(self.north.active)

    def test_delete_with_customers(self):
        self._customer("Southerner", self.state_south)
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            self.south.unlink()
        self.key_accounts.unlink()
        self.assertFalse(self.key_accounts.exists())

    def test_counts_include_descendants(self):
        self._customer("N1", self.state_north, "999999")
        self._customer("N2", self.state_north, "150000")
        self._customer("S1", self.state_south)
        self.assertEqual(self.north.partner_count, 2)
        self.assertEqual(self.north_city.partner_count, 1)
        self.assertEqual(self.root.partner_count, 3)
        self.assertEqual(self.north.rule_count, 1)
        action = self.north.action_view_partners()
        partners = self.env["res.partner"].search(action["domain"])
        self.assertEqual(set(partners.mapped("name")), {"N1", "N2"})
        self.assertEqual(action["context"]["default_territory_id"], self.north.id)

    def test_effective_team(self):
        self.assertEqual(self.north_city._effective_team(), self.team_north)
        self.assertEqual(self.port._effective_team(), self.team_south)
        self.assertFalse(self.root._effective_team())
