from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import ChannelCommon


@tagged("post_install", "-at_install")
class TestChannel(ChannelCommon):
    def test_channel_groups_and_modes(self):
        self.assertEqual(self.web.complete_name, "Online / Web Shop")
        self.assertEqual((self.web.sales_mode, self.web.is_online), ("direct", True))
        self.assertEqual(
            (self.distributors.sales_mode, self.distributors.is_online),
            ("indirect", False),
        )
        agent = self.env["sales.channel"].create(
            {"name": "Agents", "channel_type": "agent", "sales_mode": "direct"}
        )
        self.assertEqual(agent.sales_mode, "direct")  # given, kept
        copy = self.direct.copy()
        self.assertFalse(copy.code)
        self.assertIn("(copy)", copy.name)

    def test_cycle_in_groups(self):
        with self.assertRaisesRegex(ValidationError, "cannot be in group"):
            self.online.parent_id = self.web
        self.assertFalse(self.online.parent_id)
        with self.assertRaisesRegex(ValidationError, "cannot be in group"):
            self.web.parent_id = self.web

    def test_path_follows_the_parent(self):
        path = self.web.parent_path
        with self.assertRaisesRegex(ValidationError, "follows its parent"):
            self.web.write({"parent_path": "1/"})
        self.assertEqual(self.web.parent_path, path)

    def test_duplicate_code(self):
        count = self.env["sales.channel"].search_count([])
        with self.assertRaisesRegex(ValidationError, "already used by channel"):
            self.env["sales.channel"].create({"name": "Again", "code": "T-DIR"})
        with self.assertRaisesRegex(ValidationError, "already used by channel"):
            self.distributors.code = "T-DIR"
        self.assertEqual(self.env["sales.channel"].search_count([]), count)
        self.assertEqual(self.distributors.code, "T-DIS")

    # ------------------------------------------------------------ orders
    def test_order_channel_chain(self):
        # 1. the customer's channel
        self.cust_north.channel_id = self.distributors
        self.assertEqual(self._order(self.cust_north).channel_id, self.distributors)
        # 2. the team's
        self.team_south.channel_id = self.direct
        order = self._order(self.cust_south, team_id=self.team_south.id)
        self.assertEqual(order.channel_id, self.direct)
        # 3. the company's default: e.g. an order of the online shop
        shop = self._order(self.cust_city, team_id=False)
        self.assertEqual(shop.channel_id, self.web)
        # contacts use their company's channel
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.cust_north.id}
        )
        self.assertEqual(contact.channel_id, self.distributors)
        self.assertEqual(self._order(contact).channel_id, self.distributors)

    def test_channel_pricelist_and_repricing(self):
        self.env.user.groups_id += self.env.ref("product.group_product_pricelist")
        self.env["product.pricelist"].create({"name": "Public", "sequence": 1})
        cheaper = self.env["product.pricelist"].create(
            {
                "name": "Distributor prices",
                "sequence": 99,
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "1_product",
                            "product_tmpl_id": self.product.product_tmpl_id.id,
                            "compute_price": "fixed",
                            "fixed_price": 80.0,
                        }
                    )
                ],
            }
        )
        self.distributors.pricelist_id = cheaper
        form = Form(self.env["sale.order"])
        form.partner_id = self.cust_north
        with form.order_line.new() as line:
            line.product_id = self.product
        self.assertEqual(form.channel_id, self.web)
        self.assertNotEqual(form.pricelist_id, cheaper)
        with form.order_line.edit(0) as line:
            self.assertEqual(line.price_unit, 100.0)
        form.channel_id = self.distributors
        self.assertEqual(form.pricelist_id, cheaper)
        order = form.save()
        order.action_update_prices()  # as after changing the pricelist
        self.assertEqual(order.order_line.price_unit, 80.0)
        # a customer with a pricelist of its own keeps it
        own = self.env["product.pricelist"].create({"name": "Own"})
        self.cust_south.property_product_pricelist = own
        order = self._order(self.cust_south, channel_id=self.distributors.id)
        self.assertEqual(order.pricelist_id, own)

    def test_channel_payment_terms(self):
        terms = self.env.ref("account.account_payment_term_30days")
        self.direct.payment_term_id = terms
        order = self._order(self.cust_north, channel_id=self.direct.id)
        self.assertEqual(order.payment_term_id, terms)

    def test_channel_of_another_company(self):
        other = self.env["res.company"].create({"name": "Other Channel Co"})
        foreign = self.env["sales.channel"].create(
            {"name": "Elsewhere", "company_id": other.id}
        )
        order = self._order(self.cust_north)
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            order.channel_id = foreign
        self.assertEqual(order.channel_id, self.web)

    def test_confirmed_order_channel_is_frozen(self):
        order = self._sale(self.cust_north, self.direct)
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            order.channel_id = self.distributors
        self.cust_north.channel_id = self.distributors
        self.assertEqual(order.channel_id, self.direct)

    def test_invoice_channel(self):
        first = self._sale(self.cust_north, self.direct)
        second = self._sale(self.cust_north, self.distributors)
        invoices = (first | second)._create_invoices()
        self.assertEqual(len(invoices), 2)  # one per channel
        self.assertEqual(
            set(invoices.mapped("channel_id")), {self.direct, self.distributors}
        )
        self.cust_south.channel_id = self.distributors
        manual = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.cust_south.id}
        )
        self.assertEqual(manual.channel_id, self.distributors)

    def test_lead_channel(self):
        self._policy(self.north, self.direct, "preferred")
        self._policy(self.north, self.distributors, "allowed")
        lead = self.env["crm.lead"].create(
            {
                "name": "From the web form",
                "country_id": self.country.id,
                "state_id": self.state_north.id,
                "zip": "150000",
            }
        )
        self.assertEqual(lead.territory_id, self.north_city)
        self.assertEqual(lead.channel_id, self.direct)  # inherited from North
        self.cust_south.channel_id = self.distributors
        lead = self.env["crm.lead"].create(
            {"name": "Known customer", "partner_id": self.cust_south.id}
        )
        self.assertEqual(lead.channel_id, self.distributors)

    def test_channel_in_reports_and_targets(self):
        self._sale(self.cust_north, self.direct, self._at(2025, 1), qty=2)
        self._sale(self.cust_city, self.direct, self._at(2025, 1), qty=3)
        self._sale(self.cust_south, self.distributors, self._at(2025, 1), qty=4)
        self.env.flush_all()
        by_channel = dict(
            self.env["sale.report"]._read_group(
                [
                    (
                        "partner_id",
                        "in",
                        (self.cust_north | self.cust_city | self.cust_south).ids,
                    )
                ],
                ["channel_id"],
                ["price_subtotal:sum"],
            )
        )
        self.assertEqual(by_channel[self.direct], 500.0)
        self.assertEqual(by_channel[self.distributors], 400.0)
        Target = self.env["sales.target"]
        channel = Target.create(
            {
                "dimension": "channel",
                "channel_id": self.direct.id,
                "date_from": "2025-01-01",
                "target_value": 1000,
            }
        )
        channel_in_city = Target.create(
            {
                "dimension": "channel",
                "channel_id": self.direct.id,
                "territory_id": self.north_city.id,
                "date_from": "2025-01-01",
                "target_value": 1000,
            }
        )
        territory_by_channel = Target.create(
            {
                "dimension": "territory",
                "territory_id": self.north.id,
                "channel_id": self.distributors.id,
                "date_from": "2025-01-01",
                "target_value": 1000,
            }
        )
        (channel | channel_in_city | territory_by_channel).action_confirm()
        self.assertEqual(channel.actual_value, 500.0)
        self.assertEqual(channel_in_city.actual_value, 300.0)
        self.assertEqual(territory_by_channel.actual_value, 0.0)
        self.assertIn(self.distributors.name, territory_by_channel.display_name)
        cockpit = dict(
            self.env["sales.performance.report"]._read_group(
                [
                    ("territory_id", "child_of", self.root.id),
                    ("date", ">=", "2025-01-01"),
                    ("date", "<=", "2025-01-31"),
                ],
                ["channel_id"],
                ["ordered_amount:sum"],
            )
        )
        self.assertEqual(cockpit[self.direct], channel.actual_value)
