from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

# Shared with static/tests/tours/sales_territory_balance_tour.js
REALIGNMENT_NAME = "Tour Balance Realignment"
# Shared with static/tests/tours/sales_territory_quality_tour.js
DUPLICATE_VAT = "TOURDUP123"


@tagged("post_install", "-at_install")
class TestUiBalance(HttpCase):
    """A consultant opens a realignment, previews it and reads, in its Balance
    tab, what the moves do to the customers and revenue of each territory; an
    administrator opens the data-quality overview from the reporting menu, then
    the likely duplicates and Odoo's merge wizard on them, then the territory
    balance, where East and West are 48.1 % above and below their mean.

    Tour Bal Region
    ├── Tour Bal East: E1 (zip 777100, 1,500), E2 (zip 555000, 500)
    └── Tour Bal West: W1 (zip 777200, 700); new rule: zips 777000-777999

    E1 moves to West: East 2 -> 1 customers, 2,000 -> 500; West 1 -> 2,
    700 -> 2,200. Revenue spread: 48.1 % before (650 / 1,350), 63.0 % after
    (850 / 1,350)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").tour_enabled = False
        Territory = cls.env["sales.territory"]
        cls.region = Territory.create(
            {"name": "Tour Bal Region", "code": "TOUR-BAL", "level": "region"}
        )
        cls.east = Territory.create(
            {"name": "Tour Bal East", "code": "TOUR-BAL-E", "parent_id": cls.region.id}
        )
        cls.west = Territory.create(
            {"name": "Tour Bal West", "code": "TOUR-BAL-W", "parent_id": cls.region.id}
        )
        product = cls.env["product.product"].create(
            {"name": "Tour Balance Product", "type": "consu", "list_price": 100.0}
        )

        def customer(name, zip_code, territory, amount):
            partner = cls.env["res.partner"].create(
                {
                    "name": name,
                    "is_company": True,
                    "zip": zip_code,
                    "territory_id": territory.id,
                    "territory_assignment": "auto",
                }
            )
            order = cls.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            order.action_confirm()
            order.date_order = fields.Datetime.now() - timedelta(days=20)
            return partner

        cls.e1 = customer("Tour Bal E1", "777100", cls.east, 1500.0)
        cls.e2 = customer("Tour Bal E2", "555000", cls.east, 500.0)
        cls.w1 = customer("Tour Bal W1", "777200", cls.west, 700.0)
        cls.env["sales.territory.rule"].create(
            {"territory_id": cls.west.id, "zip_from": "777000", "zip_to": "777999"}
        )
        # likely duplicates for the data-quality tour, in a territory of their own
        dup_territory = Territory.create({"name": "Tour Dup", "code": "TOUR-DUP"})
        cls.duplicates = cls.env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "vat": vat,
                    "territory_id": dup_territory.id,
                }
                for name, vat in (
                    ("Tour Dup One", DUPLICATE_VAT),
                    ("Tour Dup Two", "tourdup-123"),
                )
            ]
        )
        cls.realignment = cls.env["sales.territory.realignment"].create(
            {
                "name": REALIGNMENT_NAME,
                "scope": "territories",
                "territory_ids": [Command.set(cls.region.ids)],
            }
        )

    def test_realignment_balance_tour(self):
        self.assertEqual((self.e1 | self.e2).territory_id, self.east)
        self.assertEqual(self.realignment.state, "draft")

        self.start_tour("/odoo", "sales_territory_balance_tour", login="admin")

        self.assertEqual(self.realignment.state, "previewed")
        self.assertEqual(self.realignment.line_ids.partner_id, self.e1)
        rows = {row.territory_id: row for row in self.realignment.balance_ids}
        self.assertEqual(set(rows), {self.east, self.west})
        self.assertRecordValues(
            rows[self.east] | rows[self.west],
            [
                {
                    "customers_before": 2,
                    "customers_after": 1,
                    "customers_delta": -1,
                    "revenue_before": 2000.0,
                    "revenue_after": 500.0,
                    "revenue_delta": -1500.0,
                },
                {
                    "customers_before": 1,
                    "customers_after": 2,
                    "customers_delta": 1,
                    "revenue_before": 700.0,
                    "revenue_after": 2200.0,
                    "revenue_delta": 1500.0,
                },
            ],
        )
        self.assertEqual(self.realignment.revenue_cv_before, 48.1)
        self.assertEqual(self.realignment.revenue_cv_after, 63.0)
        # nothing was applied
        self.assertEqual(self.e1.territory_id, self.east)

    def test_data_quality_tour(self):
        Issue = self.env["sales.territory.quality.issue"]
        # the two customers are shared between companies (no company): each
        # company's overview lists them, the tour reads the current company's
        [group] = Issue.search(
            [
                ("category", "=", "duplicate"),
                ("partner_id", "in", self.duplicates.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        self.assertEqual(group.detail, DUPLICATE_VAT)
        self.assertEqual(group.duplicate_partner_ids, self.duplicates)
        card = self.env["sales.territory.quality"].search(
            [("category", "=", "duplicate"), ("company_id", "=", self.env.company.id)]
        )
        self.assertEqual(
            card.issue_count,
            Issue.search_count(
                [
                    ("category", "=", "duplicate"),
                    ("company_id", "=", card.company_id.id),
                ]
            ),
        )

        self.start_tour("/odoo", "sales_territory_quality_tour", login="admin")

        self.assertEqual(len(self.duplicates.exists()), 2, "nothing was merged")
