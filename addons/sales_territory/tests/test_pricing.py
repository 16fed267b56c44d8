from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import TerritoryCommon


class PricingCommon(TerritoryCommon):
    """Pricelists with a fixed price of the test product (list price 100):

    - North prices: 90, on territory North (so North City inherits it)
    - City prices: 80 (put on North City by some tests)
    - Own prices: 70 (the customer's own pricelist in some tests)
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("product.group_product_pricelist")
        # Odoo's default: the first pricelist of the company (no special price)
        cls.env["product.pricelist"].create({"name": "Public prices", "sequence": 1})
        cls.pl_north = cls._pricelist("North prices", 90.0)
        cls.pl_city = cls._pricelist("City prices", 80.0)
        cls.pl_own = cls._pricelist("Own prices", 70.0)
        cls.north.pricelist_id = cls.pl_north
        cls.cust_city = cls._customer("City Buyer", cls.state_north, "150000")
        cls.cust_north = cls._customer("North Buyer", cls.state_north, "999999")
        cls.cust_south = cls._customer("South Buyer", cls.state_south)
        assert cls.cust_city.territory_id == cls.north_city
        assert cls.cust_south.territory_id == cls.south

    @classmethod
    def _pricelist(cls, name, price, **vals):
        return cls.env["product.pricelist"].create(
            dict(
                {
                    "name": name,
                    "sequence": 90,
                    "item_ids": [
                        Command.create(
                            {
                                "applied_on": "1_product",
                                "product_tmpl_id": cls.product.product_tmpl_id.id,
                                "compute_price": "fixed",
                                "fixed_price": price,
                            }
                        )
                    ],
                },
                **vals,
            )
        )

    def _quotation(self, customer, **vals):
        """A quotation made in the form, as a salesperson does: the line takes
        its price from the pricelist that the chain chose."""
        form = Form(self.env["sale.order"])
        form.partner_id = customer
        for name, value in vals.items():
            setattr(form, name, value)
        with form.order_line.new() as line:
            line.product_id = self.product
        return form.save()

    def assertPriced(self, order, pricelist, source, price):
        self.assertEqual(order.pricelist_id, pricelist)
        self.assertEqual(order.pricelist_source, source)
        self.assertEqual(order.order_line.price_unit, price)


@tagged("post_install", "-at_install")
class TestTerritoryPricing(PricingCommon):
    def test_effective_pricelist_is_inherited(self):
        self.assertEqual(self.north.effective_pricelist_id, self.pl_north)
        self.assertEqual(self.north_city.effective_pricelist_id, self.pl_north)
        self.assertFalse(self.north_city.pricelist_id)
        self.assertFalse(self.south.effective_pricelist_id)
        self.assertFalse(self.port.effective_pricelist_id)
        self.north_city.pricelist_id = self.pl_city
        self.assertEqual(self.north_city.effective_pricelist_id, self.pl_city)
        self.root.pricelist_id = self.pl_own
        self.assertEqual(self.port.effective_pricelist_id, self.pl_own)
        self.assertEqual(self.north_city.effective_pricelist_id, self.pl_city)

    def test_step_territory_of_an_ancestor(self):
        # North City has no pricelist: North's (90) applies
        order = self._quotation(self.cust_city)
        self.assertEqual(order.territory_id, self.north_city)
        self.assertPriced(order, self.pl_north, "territory", 90.0)

    def test_step_territory_own_before_ancestor(self):
        self.north_city.pricelist_id = self.pl_city
        self.assertPriced(
            self._quotation(self.cust_city), self.pl_city, "territory", 80
        )
        # North's customers keep North's
        self.assertPriced(
            self._quotation(self.cust_north), self.pl_north, "territory", 90.0
        )

    def test_step_customer_before_territory(self):
        self.cust_city.property_product_pricelist = self.pl_own
        self.assertEqual(
            self.cust_city.with_company(
                self.company
            ).specific_property_product_pricelist,
            self.pl_own,
        )
        self.assertPriced(self._quotation(self.cust_city), self.pl_own, "customer", 70)
        # a contact of the customer buys at the customer's pricelist
        contact = self.env["res.partner"].create(
            {"name": "Buyer at City", "parent_id": self.cust_city.id}
        )
        self.assertPriced(self._quotation(contact), self.pl_own, "customer", 70.0)

    def test_step_default(self):
        # South has no pricelist, nor its ancestors: Odoo's default, list price
        order = self._quotation(self.cust_south)
        default = self.cust_south.with_company(self.company).property_product_pricelist
        self.assertNotIn(default, self.pl_north | self.pl_city | self.pl_own)
        self.assertPriced(order, default, "default", 100.0)

    def test_fallback_default_is_not_the_customers_own(self):
        """A company-wide default of the property (Odoo's fallback) is not a
        pricelist set on the customer: the territory still comes first."""
        self.env["ir.default"].set(
            "res.partner",
            "specific_property_product_pricelist",
            self.pl_own.id,
            company_id=self.company.id,
        )
        self.env.invalidate_all()
        self.assertEqual(
            self.cust_city.with_company(self.company).property_product_pricelist,
            self.pl_own,
            "Odoo reads the fallback as the customer's pricelist",
        )
        self.assertPriced(
            self._quotation(self.cust_city), self.pl_north, "territory", 90.0
        )
        # without a territory pricelist, the fallback is Odoo's default step
        self.assertPriced(self._quotation(self.cust_south), self.pl_own, "default", 70)

    def test_customer_pricelist_of_another_company_is_ignored(self):
        other = self.env["res.company"].create({"name": "Other Pricing Co"})
        self.cust_city.with_company(
            other
        ).specific_property_product_pricelist = self.pl_own
        self.assertPriced(
            self._quotation(self.cust_city), self.pl_north, "territory", 90.0
        )

    def test_manual_choice_and_new_customer(self):
        form = Form(self.env["sale.order"])
        form.partner_id = self.cust_city
        self.assertEqual(form.pricelist_id, self.pl_north)
        self.assertEqual(form.pricelist_source, "territory")
        form.pricelist_id = self.pl_city
        self.assertEqual(form.pricelist_source, "manual")
        with form.order_line.new() as line:
            line.product_id = self.product
        order = form.save()
        self.assertPriced(order, self.pl_city, "manual", 80.0)
        # choosing the chain's pricelist again is not a choice by hand
        order.pricelist_id = self.pl_north
        self.assertEqual(order.pricelist_source, "territory")
        order.pricelist_id = self.pl_own
        self.assertEqual(order.pricelist_source, "manual")
        # another customer: the chain chooses again
        order.partner_id = self.cust_south
        self.assertNotEqual(order.pricelist_id, self.pl_own)
        self.assertEqual(order.pricelist_source, "default")

    def test_territory_change_chooses_again(self):
        order = self._quotation(self.cust_south)
        self.assertEqual(order.pricelist_source, "default")
        order.territory_id = self.north_city
        self.assertEqual(order.pricelist_id, self.pl_north)
        self.assertEqual(order.pricelist_source, "territory")

    def test_pricelist_given_at_creation_and_confirmation(self):
        order = self._order(self.cust_city, pricelist_id=self.pl_city.id)
        self.assertEqual(order.pricelist_id, self.pl_city)
        self.assertEqual(order.pricelist_source, "manual")
        order = self._order(self.cust_city)
        self.assertEqual(order.pricelist_source, "territory")
        order.action_confirm()
        # the territory's pricelist changes afterwards: the order keeps its own
        self.north.pricelist_id = self.pl_own
        self.assertRecordValues(
            order, [{"pricelist_id": self.pl_north.id, "pricelist_source": "territory"}]
        )

    def test_many_orders_in_one_pass(self):
        self.cust_north.property_product_pricelist = self.pl_own
        orders = self.env["sale.order"].create(
            [
                {"partner_id": partner.id}
                for partner in (self.cust_city, self.cust_north, self.cust_south)
            ]
        )
        self.assertEqual(
            orders.mapped("pricelist_source"), ["territory", "customer", "default"]
        )
        self.assertEqual(orders[:2].pricelist_id, self.pl_north | self.pl_own)

    def test_pricelist_of_another_company(self):
        other = self.env["res.company"].create({"name": "Other Pricing Co"})
        foreign = self._pricelist("Foreign prices", 50.0, company_id=other.id)
        with self.assertRaisesRegex(
            ValidationError,
            r"Territory Territoria / North belongs to .+ but its pricelist "
            r"Foreign prices.* belongs to Other Pricing Co",
        ):
            self.north.pricelist_id = foreign

    def test_pricelist_in_another_currency(self):
        currency = self.env.ref("base.EUR")
        if currency == self.company.currency_id:
            currency = self.env.ref("base.USD")
        currency.active = True
        foreign = self._pricelist("Euro prices", 50.0, currency_id=currency.id)
        with self.assertRaisesRegex(
            ValidationError,
            rf"The pricelist Euro prices.* of territory Territoria / North is in "
            rf"{currency.name} but .+ sells in {self.company.currency_id.name}",
        ):
            self.north.pricelist_id = foreign
        # a new territory with it is refused too
        with self.assertRaisesRegex(ValidationError, "Territoria / East"):
            self.env["sales.territory"].create(
                {
                    "name": "East",
                    "parent_id": self.root.id,
                    "pricelist_id": foreign.id,
                }
            )
