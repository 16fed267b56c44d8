from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import TerritoryCommon


@tagged("post_install", "-at_install")
class TestAccess(TerritoryCommon):
    """What each group sees and may change."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.north_customer = cls._customer("North Co", cls.state_north, "999999")
        cls.city_customer = cls._customer("City Co", cls.state_north, "150000")
        cls.south_customer = cls._customer("South Co", cls.state_south)
        cls.orders = {}
        cls.leads = {}
        for key, customer in (
            ("north", cls.north_customer),
            ("city", cls.city_customer),
            ("south", cls.south_customer),
        ):
            cls.orders[key] = cls._order(
                customer, partner_shipping_id=customer.id, user_id=cls.user_admin.id
            )
            cls.leads[key] = cls.env["crm.lead"].create(
                {
                    "name": f"Lead {key}",
                    "partner_id": customer.id,
                    "user_id": cls.user_admin.id,
                }
            )
        cls.own_order = cls._order(
            cls.south_customer,
            partner_shipping_id=cls.south_customer.id,
            user_id=cls.user_north_rep.id,
        )
        cls.all_orders = (
            cls.env["sale.order"].union(*cls.orders.values()) | cls.own_order
        )
        cls.all_leads = cls.env["crm.lead"].union(*cls.leads.values())

    def _visible(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    def test_member_sees_own_territory_and_descendants(self):
        # North Rep is a member of North City only
        self.assertEqual(
            self._visible(self.user_north_rep, self.all_orders),
            self.orders["city"] | self.own_order,
        )
        self.assertEqual(
            self._visible(self.user_north_rep, self.all_leads), self.leads["city"]
        )
        # the manager of North sees North and its sub-territory North City
        self.assertEqual(
            self._visible(self.user_north_manager, self.all_orders),
            self.orders["north"] | self.orders["city"],
        )
        # South Rep is a member of South (region)
        self.assertEqual(
            self._visible(self.user_south_rep, self.all_leads), self.leads["south"]
        )
        # a plain salesperson sees only their own documents
        self.assertFalse(self._visible(self.user_salesman, self.all_orders))
        # the administrator sees everything
        self.assertEqual(
            self._visible(self.user_admin, self.all_orders), self.all_orders
        )

    def test_membership_change_applies_at_once(self):
        self.assertNotIn(
            self.orders["south"], self._visible(self.user_north_rep, self.all_orders)
        )
        self.port.member_ids = [Command.link(self.user_north_rep.id)]
        self.orders["south"].territory_id = self.port
        self.assertIn(
            self.orders["south"], self._visible(self.user_north_rep, self.all_orders)
        )
        self.port.member_ids = [Command.unlink(self.user_north_rep.id)]
        self.assertNotIn(
            self.orders["south"], self._visible(self.user_north_rep, self.all_orders)
        )

    def test_member_reads_and_edits_territory_documents(self):
        order = self.orders["city"].with_user(self.user_north_rep)
        order.note = "Visited"
        self.assertEqual(
            order.order_line.with_user(self.user_north_rep).product_id, self.product
        )
        with self.assertRaises(AccessError):
            self.orders["south"].with_user(self.user_north_rep).read(["name"])

    def test_invoices_and_analysis(self):
        self.orders["city"].action_confirm()
        self.orders["south"].action_confirm()
        invoices = (self.orders["city"] | self.orders["south"])._create_invoices()
        invoices.action_post()
        self.assertEqual(
            self._visible(self.user_north_rep, invoices),
            self.orders["city"].invoice_ids,
        )
        customers = self.north_customer | self.city_customer | self.south_customer
        report = (
            self.env["sale.report"]
            .with_user(self.user_north_rep)
            .search([("partner_id", "in", customers.ids)])
        )
        self.assertEqual(
            set(report.mapped("territory_id")), {self.north_city, self.south}
        )  # city via territory, south via own order
        self.assertEqual(
            set(
                report.filtered(lambda r: r.user_id == self.user_admin).mapped(
                    "territory_id"
                )
            ),
            {self.north_city},
        )

    def test_territory_manager_edits_only_managed_territories(self):
        north = self.north.with_user(self.user_north_manager)
        north.member_ids = [Command.link(self.user_south_rep.id)]
        self.north_city.with_user(self.user_north_manager).name = "North City Centre"
        self.env["sales.territory"].with_user(self.user_north_manager).create(
            {"name": "New North District", "parent_id": self.north.id}
        )
        self.rule_north_city.with_user(self.user_north_manager).zip_to = "189999"
        with self.assertRaises(AccessError):
            self.south.with_user(self.user_north_manager).name = "Mine now"
        with self.assertRaises(AccessError):
            self.rule_south.with_user(self.user_north_manager).sequence = 1
        with self.assertRaises(AccessError):
            self.env["sales.territory"].with_user(self.user_north_manager).create(
                {"name": "Rogue", "parent_id": self.south.id}
            )
        with self.assertRaises(AccessError):
            self.key_accounts.with_user(self.user_north_manager).unlink()
        self.assertEqual(self.south.name, "South")

    def test_salesperson_reads_but_does_not_configure(self):
        Territory = self.env["sales.territory"].with_user(self.user_salesman)
        self.assertIn(self.north, Territory.search([]))
        with self.assertRaises(AccessError):
            self.north.with_user(self.user_salesman).name = "Changed"
        with self.assertRaises(AccessError):
            self.env["sales.territory.move"].with_user(self.user_salesman).search([])
        with self.assertRaises(AccessError):
            self.env["sales.territory.realignment"].with_user(
                self.user_north_manager
            ).create({"name": "Not allowed"})

    def test_moves_visible_for_own_territories(self):
        self.city_customer.territory_id = self.capital
        moves = self.env["sales.territory.move"].search(
            [("partner_id", "in", (self.city_customer | self.south_customer).ids)]
        )
        visible = moves.with_user(self.user_north_rep).search([("id", "in", moves.ids)])
        self.assertTrue(visible)
        self.assertTrue(
            all(
                self.north_city in (m.from_territory_id | m.to_territory_id)
                for m in visible
            )
        )
        self.assertEqual(
            self.env["sales.territory.move"]
            .with_user(self.user_admin)
            .search([("id", "in", moves.ids)]),
            moves,
        )

    def test_other_company_user_sees_nothing(self):
        other = self.env["res.company"].create({"name": "Other Territory Co"})
        user_b = new_test_user(
            self.env,
            login="terr_company_b",
            groups="sales_team.group_sale_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        own = self.env["sales.territory"].create(
            {"name": "B Land", "company_id": other.id}
        )
        self.assertEqual(self.env["sales.territory"].with_user(user_b).search([]), own)
        with self.assertRaises(AccessError):
            self.north.with_user(user_b).read(["name"])
