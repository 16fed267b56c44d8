from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import TerritoryCommon


class BalanceCommon(TerritoryCommon):
    @classmethod
    def _confirmed(cls, customer, amount, days_ago=10, **vals):
        """A confirmed order of ``amount`` (untaxed) ``days_ago`` days ago."""
        order = cls._order(
            customer,
            partner_shipping_id=customer.id,
            order_line=[
                Command.create(
                    {
                        "product_id": cls.product.id,
                        "product_uom_qty": 1,
                        "price_unit": amount,
                        "tax_id": [Command.clear()],
                    }
                )
            ],
            **vals,
        )
        order.action_confirm()
        order.date_order = fields.Datetime.now() - timedelta(days=days_ago)
        return order


@tagged("post_install", "-at_install")
class TestTerritoryBalance(BalanceCommon):
    """Customers, revenue of the last twelve months, open pipeline and current
    targets of North, South and Key Accounts (the children of Territoria) and of
    two salespeople, with their deviations, computed here by hand:

    customers (sub-territories included): North 3, South 2, Key Accounts 0
    revenue: North 1,000 + 500 = 1,500; South 300 + 200 = 500; Key Accounts 0
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rep_n, rep_s = cls.user_north_rep, cls.user_south_rep
        cls.n1 = cls._customer("N1", cls.state_north, "999999", user_id=rep_n.id)
        cls.n2 = cls._customer("N2", cls.state_north, "999998", user_id=rep_n.id)
        cls.c1 = cls._customer("C1", cls.state_north, "150000", user_id=rep_n.id)
        cls.s1 = cls._customer("S1", cls.state_south, user_id=rep_s.id)
        cls.p1 = cls._customer("P1", cls.state_south, "20500", user_id=rep_s.id)
        assert (cls.n1 | cls.n2).territory_id == cls.north
        assert cls.c1.territory_id == cls.north_city
        assert cls.s1.territory_id == cls.south and cls.p1.territory_id == cls.port

        cls._confirmed(cls.n1, 1000.0, user_id=rep_n.id)
        cls._confirmed(cls.c1, 500.0, user_id=rep_n.id)
        cls._confirmed(cls.s1, 300.0, user_id=rep_s.id)
        cls._confirmed(cls.p1, 200.0, days_ago=300, user_id=rep_s.id)
        # not counted: older than twelve months, a quotation, a cancelled order
        cls._confirmed(cls.n2, 700.0, days_ago=400, user_id=rep_n.id)
        cls._order(cls.s1, user_id=rep_s.id)
        cls._confirmed(cls.s1, 900.0, user_id=rep_s.id)._action_cancel()

        Lead = cls.env["crm.lead"]
        Lead.create(
            {
                "name": "C1 deal",
                "type": "opportunity",
                "partner_id": cls.c1.id,
                "user_id": rep_n.id,
                "expected_revenue": 800.0,
                "probability": 50.0,
            }
        )
        won = Lead.create(
            {
                "name": "S1 won",
                "type": "opportunity",
                "partner_id": cls.s1.id,
                "user_id": rep_s.id,
                "expected_revenue": 5000.0,
            }
        )
        won.action_set_won()
        lost = Lead.create(
            {
                "name": "P1 lost",
                "type": "opportunity",
                "partner_id": cls.p1.id,
                "user_id": rep_s.id,
                "expected_revenue": 4000.0,
            }
        )
        lost.action_set_lost()

        today = fields.Date.context_today(cls.env["sales.target"])
        month = today.replace(day=1)
        Target = cls.env["sales.target"]

        def target(value, state="confirmed", date_from=month, **vals):
            record = Target.create(
                dict(
                    {
                        "dimension": "territory",
                        "measure": "ordered",
                        "period_type": "month",
                        "date_from": date_from,
                        "target_value": value,
                    },
                    **vals,
                )
            )
            if state == "confirmed":
                record.action_confirm()
            return record

        target(2000.0, territory_id=cls.north.id)
        target(300.0, territory_id=cls.port.id)
        target(1500.0, dimension="user", user_id=rep_n.id)
        # not counted: a draft, a past month, another measure
        target(9000.0, state="draft", territory_id=cls.south.id)
        target(
            9000.0,
            territory_id=cls.north.id,
            date_from=(month - timedelta(days=1)).replace(day=1),
        )
        target(9000.0, territory_id=cls.north.id, measure="invoiced")

    def _rows(self, domain):
        return {
            row.territory_id or row.user_id: row
            for row in self.env["sales.territory.balance"].search(domain)
        }

    def test_territory_figures_and_spread(self):
        rows = self._rows([("parent_id", "=", self.root.id)])
        self.assertEqual(set(rows), {self.north, self.south, self.key_accounts})
        north, south, key = rows[self.north], rows[self.south], rows[self.key_accounts]
        self.assertRecordValues(
            north | south | key,
            [
                {
                    "dimension": "territory",
                    "customer_count": 3,
                    "revenue": 1500.0,
                    "pipeline": 800.0,
                    "target": 2000.0,
                    "peer_count": 3,
                },
                {
                    "dimension": "territory",
                    "customer_count": 2,
                    "revenue": 500.0,
                    "pipeline": 0.0,
                    "target": 300.0,
                    "peer_count": 3,
                },
                {
                    "dimension": "territory",
                    "customer_count": 0,
                    "revenue": 0.0,
                    "pipeline": 0.0,
                    "target": 0.0,
                    "peer_count": 3,
                },
            ],
        )
        # means: 5 / 3 customers, 2,000 / 3 revenue
        self.assertAlmostEqual(north.customer_mean, 5 / 3, places=4)
        self.assertAlmostEqual(north.revenue_mean, 666.67, places=2)
        self.assertAlmostEqual(north.customer_deviation, 80.0, places=4)
        self.assertAlmostEqual(south.customer_deviation, 20.0, places=4)
        self.assertAlmostEqual(key.customer_deviation, -100.0, places=4)
        self.assertAlmostEqual(north.revenue_deviation, 125.0, places=4)
        self.assertAlmostEqual(south.revenue_deviation, -25.0, places=4)
        self.assertAlmostEqual(north.revenue_gap, 833.33, places=2)
        self.assertAlmostEqual(south.revenue_gap, -166.67, places=2)
        # spread: population standard deviation over mean
        self.assertAlmostEqual(north.revenue_cv, 93.54, places=2)
        self.assertAlmostEqual(north.customer_cv, 74.83, places=2)
        self.assertEqual((north.revenue_min, north.revenue_max), (0.0, 1500.0))
        self.assertAlmostEqual(north.largest_deviation, 125.0, places=4)
        self.assertAlmostEqual(south.largest_deviation, 25.0, places=4)
        self.assertEqual(north.balance_state, "out")
        self.assertEqual(south.balance_state, "out")  # 25 % from the mean
        self.assertEqual(key.balance_state, "out")

    def test_sub_territories_are_peers(self):
        rows = self._rows([("parent_id", "=", self.south.id)])
        self.assertEqual(set(rows), {self.port, self.capital})
        port, capital = rows[self.port], rows[self.capital]
        self.assertRecordValues(
            port | capital,
            [
                {"customer_count": 1, "revenue": 200.0, "target": 300.0},
                {"customer_count": 0, "revenue": 0.0, "target": 0.0},
            ],
        )
        self.assertAlmostEqual(port.revenue_deviation, 100.0, places=4)
        self.assertAlmostEqual(port.revenue_cv, 100.0, places=4)
        # the parent's row adds them up with its own customer
        south = self._rows([("territory_id", "=", self.south.id)])[self.south]
        self.assertEqual(south.customer_count, 2)

    def test_salespeople(self):
        rows = self._rows(
            [("user_id", "in", (self.user_north_rep | self.user_south_rep).ids)]
        )
        north, south = rows[self.user_north_rep], rows[self.user_south_rep]
        self.assertRecordValues(
            north | south,
            [
                {
                    "dimension": "user",
                    "customer_count": 3,
                    "revenue": 1500.0,
                    "pipeline": 800.0,
                    "target": 1500.0,
                    "parent_id": False,
                },
                {
                    "dimension": "user",
                    "customer_count": 2,
                    "revenue": 500.0,
                    "pipeline": 0.0,
                    "target": 0.0,
                    "parent_id": False,
                },
            ],
        )
        # compared with every salesperson of the company
        peers = self.env["sales.territory.balance"].search(
            [("dimension", "=", "user"), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(north.peer_count, len(peers))
        mean = sum(peers.mapped("revenue")) / len(peers)
        self.assertAlmostEqual(north.revenue_mean, mean, places=2)
        self.assertAlmostEqual(
            north.revenue_deviation, (1500.0 - mean) * 100.0 / mean, places=2
        )

    def test_grouped_by_peer_group(self):
        [(parent, count, customers, revenue, cv)] = self.env[
            "sales.territory.balance"
        ]._read_group(
            [("parent_id", "=", self.root.id)],
            ["parent_id"],
            ["__count", "customer_count:sum", "revenue:sum", "revenue_cv:max"],
        )
        self.assertEqual((parent, count, customers, revenue), (self.root, 3, 5, 2000))
        self.assertAlmostEqual(cv, 93.54, places=2)

    def test_access(self):
        """A salesperson of North City sees North City (and nothing above or
        beside it) and their own row."""
        Balance = self.env["sales.territory.balance"].with_user(self.user_north_rep)
        rows = Balance.search([])
        self.assertEqual(
            {row.territory_id or row.user_id for row in rows},
            {self.north_city, self.user_north_rep},
        )


@tagged("post_install", "-at_install")
class TestRealignmentBalance(BalanceCommon):
    """A new territory Lake under North takes North's zip codes 990000-999999:
    A1 (revenue 1,000) moves from North to Lake, U (no territory, revenue 250)
    moves to Lake, A2 (400) stays in North, B (300) stays in North City.

    before: North 2 / 1,400, North City 1 / 300, Lake 0 / 0
    after:  North 1 / 400,   North City 1 / 300, Lake 2 / 1,250
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a1 = cls._customer("A1", cls.state_north, "995000")
        cls.a2 = cls._customer("A2", cls.state_north, "880000")
        cls.b = cls._customer("B", cls.state_north, "150000")
        cls.company.territory_auto_assign = False
        cls.u = cls._customer("U", cls.state_north, "991000")
        cls.company.territory_auto_assign = True
        assert (cls.a1 | cls.a2).territory_id == cls.north and not cls.u.territory_id
        cls._confirmed(cls.a1, 1000.0)
        cls._confirmed(cls.a2, 400.0)
        cls._confirmed(cls.b, 300.0)
        cls._confirmed(cls.u, 250.0)
        cls._confirmed(cls.a1, 5000.0, days_ago=500)  # too old to count
        cls.lake = cls.env["sales.territory"].create(
            {"name": "Lake", "code": "T-NL", "parent_id": cls.north.id}
        )
        cls.env["sales.territory.rule"].create(
            {"territory_id": cls.lake.id, "zip_from": "990000", "zip_to": "999999"}
        )
        cls.realignment = cls.env["sales.territory.realignment"].create(
            {
                "name": "Lake realignment",
                "scope": "territories",
                "territory_ids": [Command.set(cls.root.ids)],
            }
        )

    def test_before_after(self):
        self.realignment.action_preview()
        rows = {row.territory_id: row for row in self.realignment.balance_ids}
        # the touched territories (North, Lake, no territory) and their peers
        self.assertEqual(
            set(rows),
            {
                self.env["sales.territory"],
                self.north,
                self.lake,
                self.north_city,
                self.south,
                self.key_accounts,
            },
        )
        fields_ = [
            "touched",
            "customers_before",
            "customers_after",
            "customers_delta",
            "revenue_before",
            "revenue_after",
            "revenue_delta",
        ]
        expected = {
            self.north: [True, 2, 1, -1, 1400.0, 400.0, -1000.0],
            self.lake: [True, 0, 2, 2, 0.0, 1250.0, 1250.0],
            self.north_city: [False, 1, 1, 0, 300.0, 300.0, 0.0],
            self.south: [False, 0, 0, 0, 0.0, 0.0, 0.0],
            self.key_accounts: [False, 0, 0, 0, 0.0, 0.0, 0.0],
        }
        for territory, values in expected.items():
            self.assertRecordValues(
                rows[territory], [dict(zip(fields_, values, strict=True))]
            )
        # the customers without territory: one fewer, 250 less
        unassigned = rows[self.env["sales.territory"]]
        self.assertTrue(unassigned.touched)
        self.assertEqual(unassigned.name, "Without Territory")
        self.assertEqual(unassigned.customers_delta, -1)
        self.assertEqual(unassigned.customers_after, unassigned.customers_before - 1)
        self.assertAlmostEqual(unassigned.revenue_delta, -250.0)
        # spread of customers over the five territories: before 0, 0, 2, 1, 0
        # (mean 0.6, deviation 0.8), after 0, 2, 1, 1, 0 (mean 0.8, dev. 0.748)
        # (shown with one decimal)
        self.assertEqual(self.realignment.customer_cv_before, 133.3)
        self.assertEqual(self.realignment.customer_cv_after, 93.5)
        # revenue before 0, 0, 1400, 300, 0; after 0, 1250, 400, 300, 0
        self.assertEqual(self.realignment.revenue_cv_before, 159.6)
        self.assertEqual(self.realignment.revenue_cv_after, 117.6)

    def test_preview_again_and_apply(self):
        self.realignment.action_preview()
        first = self.realignment.balance_ids
        self.realignment.action_preview()
        self.assertFalse(first.exists(), "a new preview replaces the balance")
        self.assertEqual(len(self.realignment.balance_ids), 6)
        self.realignment.action_apply()
        self.assertEqual(self.a1.territory_id, self.lake)
        # the balance stays as it was previewed
        north = self.realignment.balance_ids.filtered(
            lambda row: row.territory_id == self.north
        )
        self.assertEqual((north.customers_before, north.customers_after), (2, 1))

    def test_conflicts_are_not_moved(self):
        twin = self.env["sales.territory"].create(
            {"name": "Twin Lake", "code": "T-NT", "parent_id": self.north.id}
        )
        self.env["sales.territory.rule"].create(
            {"territory_id": twin.id, "zip_from": "990000", "zip_to": "999999"}
        )
        self.realignment.action_preview()
        rows = {row.territory_id: row for row in self.realignment.balance_ids}
        # A1 and U are tied between Lake and Twin Lake: nobody moves
        self.assertFalse(rows.get(self.lake))
        self.assertFalse(self.realignment.balance_ids)
