from odoo.tests import Form, tagged

from odoo.addons.sales_territory.tests.test_pricing import PricingCommon

from .common import ChannelCommon


@tagged("post_install", "-at_install")
class TestChannelPricing(ChannelCommon, PricingCommon):
    """The channel's step of the pricelist chain: customer, channel, territory,
    default. North's pricelist (90) applies to North City; Distributors sell at
    75; Web Shop (the company's default channel) has no pricelist."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pl_distributors = cls._pricelist("Distributor prices", 75.0)
        cls.distributors.pricelist_id = cls.pl_distributors

    def test_chain_order(self):
        self.assertEqual(
            [source for source, _method in self.env["sale.order"]._pricelist_chain()],
            ["customer", "channel", "territory", "default"],
        )
        self.assertEqual(
            [
                value
                for value, _label in self.env["sale.order"]
                ._fields["pricelist_source"]
                ._description_selection(self.env)
            ],
            ["customer", "channel", "territory", "default", "manual"],
        )

    def test_step_channel_before_territory(self):
        order = self._quotation(self.cust_city, channel_id=self.distributors)
        self.assertPriced(order, self.pl_distributors, "channel", 75.0)

    def test_channel_without_pricelist_then_territory(self):
        order = self._quotation(self.cust_city)
        self.assertEqual(order.channel_id, self.web)
        self.assertPriced(order, self.pl_north, "territory", 90.0)

    def test_step_customer_before_channel(self):
        self.cust_city.property_product_pricelist = self.pl_own
        order = self._quotation(self.cust_city, channel_id=self.distributors)
        self.assertPriced(order, self.pl_own, "customer", 70.0)

    def test_step_default_after_channel(self):
        order = self._quotation(self.cust_south)
        default = self.cust_south.with_company(self.company).property_product_pricelist
        self.assertPriced(order, default, "default", 100.0)
        order = self._quotation(self.cust_south, channel_id=self.distributors)
        self.assertPriced(order, self.pl_distributors, "channel", 75.0)

    def test_channel_of_the_customer(self):
        self.cust_city.channel_id = self.distributors
        order = self._order(self.cust_city)
        self.assertEqual(order.channel_id, self.distributors)
        self.assertEqual(order.pricelist_id, self.pl_distributors)
        self.assertEqual(order.pricelist_source, "channel")

    def test_change_of_channel_chooses_again(self):
        form = Form(self.env["sale.order"])
        form.partner_id = self.cust_city
        self.assertEqual(form.pricelist_source, "territory")
        form.channel_id = self.distributors
        self.assertEqual(form.pricelist_id, self.pl_distributors)
        self.assertEqual(form.pricelist_source, "channel")
        form.channel_id = self.direct
        self.assertEqual(form.pricelist_id, self.pl_north)
        self.assertEqual(form.pricelist_source, "territory")
        form.pricelist_id = self.pl_distributors
        self.assertEqual(form.pricelist_source, "manual")
