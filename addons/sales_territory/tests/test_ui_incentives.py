from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

# Shared with static/tests/tours/sales_incentive_tour.js
PLAN_NAME = "Tour Incentive Plan"
REP_NAME = "Tour Incentive Rep"


@tagged("post_install", "-at_install")
class TestIncentiveUi(HttpCase):
    """A sales administrator sets up an incentive plan in the web client (a
    salesperson, a base amount, two payout levels, the preview of the curve),
    activates it, computes the statements and approves the salesperson's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").tour_enabled = False
        cls.rep = new_test_user(
            cls.env,
            login="tour_incentive_rep",
            groups="sales_territory.group_territory_user",
            name=REP_NAME,
        )
        product = cls.env["product.product"].create(
            {"name": "Tour Incentive Widget", "type": "consu", "list_price": 100.0}
        )
        customer = cls.env["res.partner"].create(
            {"name": "Tour Incentive Customer", "is_company": True}
        )
        order = cls.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": cls.rep.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 15,
                            "price_unit": 100.0,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        cls.target = cls.env["sales.target"].create(
            {
                "dimension": "user",
                "user_id": cls.rep.id,
                "measure": "ordered",
                "period_type": "month",
                "date_from": fields.Date.context_today(order),
                "target_value": 2000.0,
            }
        )
        cls.target.action_confirm()

    def test_incentive_tour(self):
        self.assertEqual(self.target.actual_value, 1500.0)

        self.start_tour("/odoo", "sales_incentive_tour", login="admin")

        plan = self.env["sales.incentive.plan"].search([("name", "=", PLAN_NAME)])
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.user_ids, self.rep)
        self.assertEqual(
            plan._curve_points(), [(50.0, 25.0, "linear"), (100.0, 100.0, "step")]
        )
        statement = plan.statement_ids
        self.assertEqual(len(statement), 1)
        # 1,500 / 2,000 = 75 %: 25 + 75 x 25 / 50 = 62.5 % of 1,000
        self.assertRecordValues(
            statement,
            [
                {
                    "user_id": self.rep.id,
                    "target_value": 2000.0,
                    "actual_value": 1500.0,
                    "achievement": 75.0,
                    "payout_percent": 62.5,
                    "payout_amount": 625.0,
                    "state": "approved",
                    "approved_uid": self.env.ref("base.user_admin").id,
                }
            ],
        )
        self.assertEqual(statement.target_ids, self.target)
