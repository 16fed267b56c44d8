from calendar import monthrange
from datetime import date

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

# Shared with static/tests/tours/sales_territory_tour.js
TERRITORY_CODE = "TOUR-999"
CUSTOMER_NAME = "Tour Realignment Customer"

# Shared with static/tests/tours/sales_territory_tour.js (its background tours)
BACKGROUND_REALIGNMENT = "Tour Background Realignment"

# Shared with static/tests/tours/sales_target_tour.js
PLAN_REGION_NAME = "Tour Plan Region"
PLAN_YEAR = 2031
PLAN_AMOUNT = 120000.0


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    """A consultant creates a territory with a zip rule in the web client, previews
    a realignment and applies it: the customer of that zip range moves there.

    A sales manager plans a year of monthly targets for a region with the plan
    wizard, then reads them in the cockpit next to the region's actuals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # no onboarding tour on top of ours (admin has it on in a database
        # without demo data)
        cls.env.ref("base.user_admin").tour_enabled = False
        cls.customer = cls.env["res.partner"].create(
            {
                "name": CUSTOMER_NAME,
                "is_company": True,
                "country_id": cls.env.ref("base.cn").id,
                "zip": "999123",
            }
        )
        # a region with a confirmed order of this year, so that the cockpit
        # (filtered on the current year) shows it
        cls.plan_region = cls.env["sales.territory"].create(
            {"name": PLAN_REGION_NAME, "code": "TOUR-PLAN", "level": "region"}
        )
        cls.plan_customer = cls.env["res.partner"].create(
            {
                "name": "Tour Plan Customer",
                "is_company": True,
                "territory_id": cls.plan_region.id,
            }
        )
        product = cls.env["product.product"].create(
            {"name": "Tour Plan Product", "type": "consu", "list_price": 1000.0}
        )
        cls.plan_order = cls.env["sale.order"].create(
            {
                "partner_id": cls.plan_customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 2,
                            "price_unit": 1000.0,
                        }
                    )
                ],
            }
        )
        cls.plan_order.action_confirm()

    def test_realignment_tour(self):
        self.assertFalse(self.customer.territory_id)
        Territory = self.env["sales.territory"]
        self.assertFalse(Territory.search([("code", "=", TERRITORY_CODE)]))

        self.start_tour("/odoo", "sales_territory_tour", login="admin")

        territory = Territory.search([("code", "=", TERRITORY_CODE)])
        self.assertEqual(len(territory), 1, "the tour created the territory")
        self.assertRecordValues(
            territory.rule_ids,
            [{"zip_from": "999000", "zip_to": "999999"}],
        )
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.territory_id, territory)
        move = self.env["sales.territory.move"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertRecordValues(
            move,
            [
                {
                    "origin": "realignment",
                    "from_territory_id": False,
                    "to_territory_id": territory.id,
                    "rule_id": territory.rule_ids.id,
                }
            ],
        )
        self.assertEqual(move.realignment_id.state, "done")
        line = move.realignment_id.line_ids.filtered(
            lambda line: line.partner_id == self.customer
        )
        self.assertRecordValues(
            line, [{"new_territory_id": territory.id, "state": "done"}]
        )

    def test_background_job_tour(self):
        """Applying a large realignment in the web client queues a background
        job (the form says so); once the cron has run it, the job list shows
        it done with its result and the message to the user."""
        company = self.env.ref("base.main_company")
        company.background_job_threshold = 0
        realignment = self.env["sales.territory.realignment"].create(
            {"name": BACKGROUND_REALIGNMENT, "company_id": company.id}
        )
        realignment.action_preview()
        self.assertTrue(realignment.line_ids)

        self.start_tour("/odoo", "sales_territory_background_tour", login="admin")

        job = self.env["sales.territory.job"].search(
            [("res_model", "=", realignment._name), ("res_ids", "!=", False)]
        )
        job = job.filtered(lambda j: realignment.id in j.res_ids)
        self.assertEqual(job.state, "queued")
        self.assertEqual(job.user_id, self.env.ref("base.user_admin"))
        self.assertEqual(realignment.state, "previewed")
        self.env["sales.territory.job"]._cron_run()
        self.assertEqual(realignment.state, "done")

        self.start_tour("/odoo", "sales_territory_background_done_tour", login="admin")

    def test_target_plan_tour(self):
        region = self.plan_region
        self.assertEqual(self.plan_order.state, "sale")
        self.assertEqual(self.plan_order.territory_id, region)
        self.assertEqual(self.plan_order.amount_untaxed, 2000.0)
        Target = self.env["sales.target"]
        self.assertFalse(Target.search([("territory_id", "=", region.id)]))

        self.start_tour("/odoo", "sales_target_tour", login="admin")

        targets = Target.search([("territory_id", "=", region.id)], order="date_from")
        self.assertEqual(len(targets), 12, "one target per month of the year")
        self.assertEqual(
            [(t.date_from, t.date_to) for t in targets],
            [
                (
                    date(PLAN_YEAR, month, 1),
                    date(PLAN_YEAR, month, monthrange(PLAN_YEAR, month)[1]),
                )
                for month in range(1, 13)
            ],
            "each month's target runs from its first to its last day",
        )
        self.assertEqual(set(targets.mapped("state")), {"confirmed"})
        self.assertEqual(set(targets.mapped("dimension")), {"territory"})
        self.assertEqual(set(targets.mapped("measure")), {"ordered"})
        self.assertEqual(set(targets.mapped("period_type")), {"month"})
        self.assertAlmostEqual(
            sum(targets.mapped("target_value")), PLAN_AMOUNT, delta=0.01
        )

        # the cockpit: the order in this year, the targets in the plan year
        Report = self.env["sales.performance.report"]
        aggregates = ["ordered_amount:sum", "target_ordered_amount:sum"]

        def figures(domain):
            [(ordered, target)] = Report._read_group(
                [("region_id", "=", region.id), *domain], [], aggregates
            )
            return ordered, target

        ordered, target = figures([])
        self.assertAlmostEqual(ordered, 2000.0, delta=0.01)
        self.assertAlmostEqual(target, PLAN_AMOUNT, delta=0.01)

        this_year = fields.Date.context_today(Target).year
        ordered, target = figures(
            [
                ("date", ">=", date(this_year, 1, 1)),
                ("date", "<=", date(this_year, 12, 31)),
            ]
        )
        self.assertAlmostEqual(ordered, 2000.0, delta=0.01)
        self.assertAlmostEqual(
            target, PLAN_AMOUNT if this_year == PLAN_YEAR else 0.0, delta=0.01
        )

        ordered, target = figures(
            [
                ("date", ">=", date(PLAN_YEAR, 1, 1)),
                ("date", "<=", date(PLAN_YEAR, 12, 31)),
            ]
        )
        self.assertAlmostEqual(
            ordered, 2000.0 if this_year == PLAN_YEAR else 0.0, delta=0.01
        )
        self.assertAlmostEqual(target, PLAN_AMOUNT, delta=0.01)
