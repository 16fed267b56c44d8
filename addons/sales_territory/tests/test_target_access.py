from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_targets import TargetCommon


@tagged("post_install", "-at_install")
class TestTargetAccess(TargetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._sale(cls.cust_city, datetime(2025, 1, 10, 10), qty=2)
        cls._sale(cls.cust_north, datetime(2025, 1, 11, 10), qty=3)
        cls._sale(cls.cust_south, datetime(2025, 1, 12, 10), qty=4)
        cls._sale(
            cls.cust_south,
            datetime(2025, 1, 13, 10),
            qty=1,
            user_id=cls.user_north_rep.id,
        )
        cls.t_north = cls._target(1000)
        cls.t_city = cls._target(500, territory_id=cls.north_city.id)
        cls.t_south = cls._target(800, territory_id=cls.south.id)
        cls.t_rep = cls._target(
            300, dimension="user", user_id=cls.user_north_rep.id, territory_id=False
        )
        cls.targets = cls.t_north | cls.t_city | cls.t_south | cls.t_rep
        cls.targets.action_confirm()

    def _visible(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    def test_salesperson_sees_own_territories_and_own_targets(self):
        self.assertEqual(
            self._visible(self.user_north_rep, self.targets), self.t_city | self.t_rep
        )
        self.assertEqual(
            self._visible(self.user_north_manager, self.targets),
            self.t_north | self.t_city,
        )
        self.assertFalse(self._visible(self.user_salesman, self.targets))
        self.assertEqual(self._visible(self.user_admin, self.targets), self.targets)

    def test_cockpit_rows_follow_the_same_rules(self):
        Report = self.env["sales.performance.report"]
        ours = [("territory_id", "child_of", self.root.id)]
        rows = Report.with_user(self.user_north_rep).search(
            ours + [("source", "=", "order"), ("ordered_amount", "!=", 0)]
        )
        # North City's order, and the South order the rep sold himself
        self.assertEqual(sorted(rows.mapped("ordered_amount")), [100.0, 200.0])
        self.assertEqual(
            set(rows.mapped("territory_id")), {self.north_city, self.south}
        )
        total = Report.with_user(self.user_north_manager)._read_group(
            ours, [], ["ordered_amount:sum"]
        )[0][0]
        self.assertEqual(total, 500.0)
        all_rows = Report.with_user(self.user_admin)._read_group(
            ours, [], ["ordered_amount:sum"]
        )[0][0]
        self.assertEqual(all_rows, 1000.0)

    def test_who_changes_targets(self):
        manager = self.user_north_manager
        created = (
            self.env["sales.target"]
            .with_user(manager)
            .create(
                {
                    "territory_id": self.north_city.id,
                    "measure": "margin",
                    "date_from": "2025-01-01",
                    "target_value": 100,
                }
            )
        )
        created.with_user(manager).action_confirm()
        self.env["sales.target.revise"].with_user(manager)._revise(
            self.t_north, 1100, "Bigger market"
        )
        self.assertEqual(self.t_north.target_value, 1100)
        with self.assertRaises(AccessError):
            self.env["sales.target"].with_user(manager).create(
                {
                    "territory_id": self.south.id,
                    "measure": "margin",
                    "date_from": "2025-01-01",
                    "target_value": 100,
                }
            )
        with self.assertRaises(AccessError):
            self.env["sales.target.revise"].with_user(manager)._revise(
                self.t_south, 900, "Not mine"
            )
        self.assertEqual(self.t_south.target_value, 800)
        with self.assertRaises(AccessError):
            self.t_city.with_user(self.user_north_rep).action_close()
        with self.assertRaises(AccessError):
            self.env["sales.target.plan"].with_user(self.user_north_rep).create(
                {"year": 2026}
            )
