from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import TerritoryCommon


@tagged("post_install", "-at_install")
class TestDocuments(TerritoryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Order Customer", cls.state_north, "150000")
        cls.delivery = cls.env["res.partner"].create(
            {
                "name": "South Warehouse",
                "parent_id": cls.customer.id,
                "type": "delivery",
                "country_id": cls.country.id,
                "state_id": cls.state_south.id,
                "zip": "20500",
            }
        )

    # ------------------------------------------------------------ leads
    def test_lead_from_customer(self):
        lead = self.env["crm.lead"].create(
            {"name": "Deal", "partner_id": self.customer.id, "type": "opportunity"}
        )
        self.assertEqual(lead.territory_id, self.north_city)

    def test_lead_from_its_address_and_routing(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Web lead",
                "type": "lead",
                "user_id": False,
                "team_id": False,
                "country_id": self.country.id,
                "state_id": self.state_south.id,
                "zip": "20777",
            }
        )
        self.assertEqual(lead.territory_id, self.port)
        # no salesperson: routed to the team of the territory (inherited from South)
        self.assertEqual(lead.team_id, self.team_south)
        lead.write({"zip": "150000", "state_id": self.state_north.id})
        self.assertEqual(lead.territory_id, self.north_city)
        self.assertEqual(lead.team_id, self.team_north)

    def test_lead_with_salesperson_keeps_team(self):
        own_team = self.env["crm.team"].create(
            {"name": "Own", "member_ids": [(4, self.user_salesman.id)]}
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Assigned lead",
                "user_id": self.user_salesman.id,
                "team_id": own_team.id,
                "country_id": self.country.id,
                "state_id": self.state_south.id,
            }
        )
        self.assertEqual(lead.territory_id, self.south)
        self.assertEqual(lead.team_id, own_team)

    def test_lead_routing_off(self):
        self.company.territory_lead_routing = False
        lead = self.env["crm.lead"].create(
            {
                "name": "Unrouted",
                "user_id": False,
                "team_id": False,
                "country_id": self.country.id,
                "state_id": self.state_south.id,
            }
        )
        self.assertEqual(lead.territory_id, self.south)
        self.assertFalse(lead.team_id)

    # ------------------------------------------------------------ orders
    def test_order_from_delivery_address(self):
        order = self._order(self.customer, partner_shipping_id=self.delivery.id)
        self.assertEqual(order.territory_id, self.port)
        # the delivery address is the default shipping address of the customer
        self.assertEqual(self._order(self.customer).territory_id, self.port)
        order_same = self._order(self.customer, partner_shipping_id=self.customer.id)
        self.assertEqual(order_same.territory_id, self.north_city)

    def test_order_from_customer_setting(self):
        self.company.territory_order_source = "customer"
        order = self._order(self.customer, partner_shipping_id=self.delivery.id)
        self.assertEqual(order.territory_id, self.north_city)

    def test_order_form_onchange_and_manual_edit(self):
        self.env.user.groups_id += self.env.ref(
            "account.group_delivery_invoice_address"
        )
        form = Form(self.env["sale.order"])
        form.partner_id = self.customer
        self.assertEqual(form.partner_shipping_id, self.delivery)
        self.assertEqual(form.territory_id, self.port)
        form.partner_shipping_id = self.customer
        self.assertEqual(form.territory_id, self.north_city)
        form.territory_id = self.capital
        with form.order_line.new() as line:
            line.product_id = self.product
        order = form.save()
        self.assertEqual(order.territory_id, self.capital)

    def test_confirmed_order_is_frozen(self):
        order = self._order(self.customer, partner_shipping_id=self.customer.id)
        order.action_confirm()
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            order.territory_id = self.south
        self.assertEqual(order.territory_id, self.north_city)
        # the customer moves: the confirmed order keeps its territory
        self.customer.territory_id = self.capital
        self.assertEqual(order.territory_id, self.north_city)

    def test_territory_required_to_confirm(self):
        self.company.territory_required_to_confirm = True
        nowhere = self._customer("Nowhere", zip_code="999", country_id=False)
        order = self._order(nowhere)
        self.assertFalse(order.territory_id)
        with self.assertRaisesRegex(UserError, "has no territory"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        order.territory_id = self.south
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    # ------------------------------------------------------------ invoices
    def test_invoice_and_credit_note_follow_the_order(self):
        order = self._order(self.customer, partner_shipping_id=self.delivery.id)
        order.action_confirm()
        invoice = order._create_invoices()
        self.assertEqual(invoice.territory_id, self.port)
        invoice.action_post()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "test"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.territory_id, self.port)

    def test_manual_invoice_from_customer(self):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    (0, 0, {"product_id": self.product.id, "price_unit": 10})
                ],
            }
        )
        self.assertEqual(invoice.territory_id, self.north_city)
        bill = self.env["account.move"].create(
            {"move_type": "in_invoice", "partner_id": self.customer.id}
        )
        self.assertFalse(bill.territory_id)

    # ------------------------------------------------------------ analysis
    def test_sales_and_invoice_analysis_by_territory_and_region(self):
        north_order = self._order(self.customer, partner_shipping_id=self.customer.id)
        south_order = self._order(self.customer, partner_shipping_id=self.delivery.id)
        south_order.order_line.price_unit = 300
        (north_order | south_order).action_confirm()
        (north_order | south_order)._create_invoices().action_post()
        self.env.flush_all()
        groups = self.env["sale.report"]._read_group(
            [("partner_id", "child_of", self.customer.id)],
            ["territory_region_id", "territory_id"],
            ["price_subtotal:sum"],
        )
        self.assertEqual(
            {(r, t, amount) for r, t, amount in groups},
            {(self.north, self.north_city, 100.0), (self.south, self.port, 300.0)},
        )
        groups = self.env["account.invoice.report"]._read_group(
            [("partner_id", "child_of", self.customer.id)],
            ["territory_region_id"],
            ["price_subtotal:sum"],
        )
        amounts = {region: amount for region, amount in groups}
        self.assertAlmostEqual(amounts[self.north], 100.0)
        self.assertAlmostEqual(amounts[self.south], 300.0)
        # filtering on a territory includes its sub-territories
        self.assertEqual(
            self.env["sale.order"].search_count(
                [
                    ("territory_id", "child_of", self.south.id),
                    ("id", "in", (north_order | south_order).ids),
                ]
            ),
            1,
        )
