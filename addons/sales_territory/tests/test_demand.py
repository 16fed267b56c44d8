from datetime import datetime

from odoo import Command
from odoo.tests import tagged

from .common import TerritoryCommon


@tagged("post_install", "-at_install")
class TestRegionalDemand(TerritoryCommon):
    """Demand by region against hand-computed figures.

    Tea (100 a unit) and coffee (50 a unit, sold once by the dozen at 600):

    ========== =========== ================== =====================
    region     customer    2024               2025
    ========== =========== ================== =====================
    North      N1          10 Mar: tea 2,     12 Mar: tea 3,
                           coffee 4 (200)     coffee 2 (100)
    South      S1          5 Mar: coffee 10   20 Mar: tea 1, coffee
                           (500)              1 dozen (600)
    South      S2                             2 Apr: coffee 2 (100)
    ========== =========== ================== =====================

    In 2025: North tea 300 (last year 200), coffee 100 (200); South tea 100
    (0), coffee 700 (500). Region totals: North 400, South 800; company 1,200:
    tea 400 (33.3 %), coffee 800 (66.7 %).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Asia/Shanghai"
        Category = cls.env["product.category"]
        cls.beverages = Category.create({"name": "Beverages"})
        cls.cat_tea = Category.create({"name": "Tea", "parent_id": cls.beverages.id})
        cls.cat_coffee = Category.create(
            {"name": "Coffee", "parent_id": cls.beverages.id}
        )
        Product = cls.env["product.product"]
        cls.tea = Product.create(
            {"name": "Green Tea", "categ_id": cls.cat_tea.id, "list_price": 100}
        )
        cls.coffee = Product.create(
            {"name": "Arabica", "categ_id": cls.cat_coffee.id, "list_price": 50}
        )
        cls.dozen = cls.env.ref("uom.product_uom_dozen")
        cls.n1 = cls._customer("N1", state=cls.state_north, zip_code="100021")
        cls.s1 = cls._customer("S1", state=cls.state_south, zip_code="200021")
        cls.s2 = cls._customer("S2", state=cls.state_south, zip_code="200022")
        cls._sale(cls.n1, datetime(2024, 3, 10, 2), [(cls.tea, 2), (cls.coffee, 4)])
        cls._sale(cls.n1, datetime(2025, 3, 12, 2), [(cls.tea, 3), (cls.coffee, 2)])
        cls._sale(cls.s1, datetime(2024, 3, 5, 2), [(cls.coffee, 10)])
        cls._sale(
            cls.s1,
            datetime(2025, 3, 20, 2),
            [(cls.tea, 1), (cls.coffee, 1, cls.dozen, 600)],
        )
        cls._sale(cls.s2, datetime(2025, 4, 2, 2), [(cls.coffee, 2)])
        # a quotation does not count
        cls._sale(cls.s2, datetime(2025, 4, 3, 2), [(cls.tea, 50)], confirm=False)
        cls.domain = [
            ("territory_id", "child_of", cls.root.id),
            ("date", ">=", "2025-01-01"),
            ("date", "<=", "2025-12-31"),
        ]

    @classmethod
    def _sale(cls, partner, when, lines, confirm=True):
        """An order dated ``when`` (UTC) of lines (product, quantity[, unit of
        measure, unit price])."""
        values = []
        for product, qty, *more in lines:
            line = {"product_id": product.id, "product_uom_qty": qty}
            if more:
                line.update(product_uom=more[0].id, price_unit=more[1])
            else:
                line["price_unit"] = product.list_price
            values.append(Command.create(line))
        order = cls.env["sale.order"].create(
            {"partner_id": partner.id, "order_line": values}
        )
        if confirm:
            order.action_confirm()
        order.date_order = when
        return order

    def _groups(self, groupby, aggregates, domain=None, user=None):
        Report = self.env["sales.demand.report"]
        if user:
            Report = Report.with_user(user)
        return Report._read_group(domain or self.domain, groupby, aggregates)

    def test_revenue_quantity_growth(self):
        groups = self._groups(
            ["region_id", "categ_id"],
            [
                "revenue:sum",
                "revenue_ly:sum",
                "revenue_growth:sum",
                "quantity:sum",
                "quantity_ly:sum",
                "quantity_growth:sum",
            ],
        )
        figures = {
            (region.code, categ.name): tuple(round(v, 4) for v in values)
            for region, categ, *values in groups
        }
        self.assertEqual(
            figures,
            {
                ("T-N", "Coffee"): (100, 200, -50, 2, 4, -50),
                ("T-N", "Tea"): (300, 200, 50, 3, 2, 50),
                # 1 dozen is 12 units; 14 units against 10: +40 %
                ("T-S", "Coffee"): (700, 500, 40, 14, 10, 40),
                # no tea last year: no growth (shown as 0)
                ("T-S", "Tea"): (100, 0, 0, 1, 0, 0),
            },
        )
        # by month: the same month of last year
        groups = self._groups(
            ["region_id", "date:month"],
            ["revenue:sum", "revenue_ly:sum", "revenue_growth:sum"],
        )
        self.assertEqual(
            {
                (region.code, month.month): tuple(values)
                for region, month, *values in groups
            },
            {
                ("T-N", 3): (400, 400, 0),
                ("T-S", 3): (700, 500, 40),
                ("T-S", 4): (100, 0, 0),
            },
        )

    def test_category_share(self):
        groups = self._groups(
            ["region_id", "categ_id"],
            [
                "revenue:sum",
                "region_share:sum",
                "company_share:sum",
                "share_index:sum",
            ],
        )
        figures = {
            (region.code, categ.name): tuple(round(v, 4) for v in values)
            for region, categ, *values in groups
        }
        third, two_thirds = 100 / 3, 200 / 3
        self.assertEqual(
            figures,
            {
                # tea sells three times better in the North than in the South
                ("T-N", "Tea"): (300, 75, round(third, 4), 225),
                ("T-N", "Coffee"): (100, 25, round(two_thirds, 4), 37.5),
                ("T-S", "Tea"): (100, 12.5, round(third, 4), 37.5),
                ("T-S", "Coffee"): (700, 87.5, round(two_thirds, 4), 131.25),
            },
        )
        # the category alone: its share of the whole company, index 100
        groups = self._groups(
            ["categ_id"], ["region_share:sum", "company_share:sum", "share_index:sum"]
        )
        self.assertEqual(
            {c.name: tuple(round(v, 4) for v in values) for c, *values in groups},
            {
                "Coffee": (round(two_thirds, 4), round(two_thirds, 4), 100),
                "Tea": (round(third, 4), round(third, 4), 100),
            },
        )
        # per month: the shares of April are those of April
        groups = self._groups(
            ["date:month", "region_id", "categ_id"],
            ["region_share:sum", "company_share:sum"],
        )
        april = {
            (r.code, c.name): tuple(values)
            for month, r, c, *values in groups
            if month.month == 4
        }
        self.assertEqual(april, {("T-S", "Coffee"): (100, 100)})

    def test_top_products_and_customers(self):
        groups = self._groups(
            ["region_id", "product_id"],
            ["revenue:sum"],
            domain=self.domain + [("last_year", "=", False)],
        )
        self.assertEqual(
            sorted(
                ((r.code, -rev, p.name) for r, p, rev in groups),
            ),
            [
                ("T-N", -300, "Green Tea"),
                ("T-N", -100, "Arabica"),
                ("T-S", -700, "Arabica"),
                ("T-S", -100, "Green Tea"),
            ],
        )
        groups = self.env["sales.demand.report"]._read_group(
            self.domain + [("region_id", "=", self.south.id)],
            ["partner_id"],
            ["revenue:sum"],
            order="revenue:sum desc",
        )
        self.assertEqual(
            [(p, rev) for p, rev in groups], [(self.s1, 700), (self.s2, 100)]
        )

    def test_open_order_lines(self):
        """From a figure to the order lines behind it."""
        Report = self.env["sales.demand.report"]
        rows = Report.search(
            self.domain
            + [("region_id", "=", self.south.id), ("categ_id", "=", self.cat_coffee.id)]
        )
        action = rows.action_open_order_lines()
        self.assertEqual(action["res_model"], "sale.order.line")
        lines = self.env["sale.order.line"].search(action["domain"])
        # this year's two lines and last year's one (its revenue is last year's)
        self.assertEqual(sorted(lines.mapped("price_subtotal")), [100.0, 500.0, 600.0])
        self.assertEqual(lines.order_id.partner_id, self.s1 | self.s2)
        orders = self.env["sale.order"].search(rows.action_open_orders()["domain"])
        self.assertEqual(orders, lines.order_id)

    def test_demand_access(self):
        """Salespeople see their territories' demand, managers all."""

        def regions(user):
            return {
                r.code
                for r, _rev in self._groups(["region_id"], ["revenue:sum"], user=user)
            }

        self.assertEqual(regions(self.user_north_rep), {"T-N"})
        self.assertEqual(regions(self.user_south_rep), {"T-S"})
        self.assertEqual(regions(self.user_admin), {"T-N", "T-S"})
        # the South sees its own shares: its whole company is what it may read
        groups = self._groups(
            ["categ_id"], ["revenue:sum", "region_share:sum"], user=self.user_south_rep
        )
        self.assertEqual(
            {c.name: (rev, share) for c, rev, share in groups},
            {"Coffee": (700, 87.5), "Tea": (100, 12.5)},
        )

    def test_facts_columns_unchanged(self):
        """The facts keep their columns; products are three more at the end."""
        Report = self.env["sales.performance.report"]
        cr = self.env.cr

        def columns(**kwargs):
            cr.execute(Report._facts_sql(**kwargs))
            return [d.name for d in cr.description]

        base = columns(by_line=True)
        self.assertEqual(
            columns(by_line=True, with_product=True),
            [*base, "product_id", "quantity", "line_id"],
        )
        self.assertEqual(columns(), columns(with_product=True))
        self.assertEqual(
            base[-5:],
            [
                "ordered_amount",
                "invoiced_amount",
                "margin",
                "order_count",
                "new_customer_count",
            ],
        )
