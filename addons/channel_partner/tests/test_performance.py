from datetime import date, datetime

from odoo.tests import tagged

from .common import PartnerCommon


@tagged("post_install", "-at_install")
class TestPerformance(PartnerCommon):
    """Orders a partner brought (reseller, agent) and sales to it (a
    distributor's sell-in) count in its targets and in the cockpit."""

    def test_targets_and_cockpit(self):
        self.company.channel_exclusivity_mode = "warn"
        y = date.today().year
        month = date.today().month
        when = datetime(y, month, 1, 12)
        # Beta brings a South customer's order (700); Alpha buys (sell-in, 900)
        brought = self._sell(
            self.cust_south,
            [(self.product, 7, 100.0)],
            when,
            channel_partner_id=self.beta.id,
        )
        self._sell(self.alpha, [(self.product, 9, 100.0)], when)
        # a direct sale counts for nobody
        self._sell(self.cust_south, [(self.product, 1, 100.0)], when)
        self.assertEqual(brought.channel_partner_id, self.beta)
        Target = self.env["sales.target"]
        targets = Target.create(
            [
                {
                    "dimension": "channel_partner",
                    "channel_partner_id": partner.id,
                    "measure": "ordered",
                    "period_type": "month",
                    "date_from": date(y, month, 1),
                    "target_value": 1000,
                }
                for partner in (self.alpha, self.beta, self.gamma)
            ]
        )
        targets.action_confirm()
        targets._refresh_actuals()
        self.assertEqual(targets.mapped("actual_value"), [900.0, 700.0, 0.0])
        self.assertEqual(targets[0].display_name.split(" ")[0], "Alpha")
        # the invoice of Beta's order carries it too
        move = self._invoice(brought, date(y, month, 2))
        self.assertEqual(move.channel_partner_id, self.beta)
        # the cockpit by channel partner
        Report = self.env["sales.performance.report"]
        rows = {
            partner: (ordered, invoiced, target)
            for partner, ordered, invoiced, target in Report._read_group(
                [("date", ">=", date(y, month, 1)), ("date", "<=", date(y, month, 28))],
                ["channel_partner_id"],
                [
                    "ordered_amount:sum",
                    "invoiced_amount:sum",
                    "target_ordered_amount:sum",
                ],
            )
        }
        self.assertEqual(rows[self.beta], (700.0, 700.0, 1000.0))
        self.assertEqual(rows[self.alpha][0], 900.0)
        self.assertEqual(rows[self.gamma], (0.0, 0.0, 1000.0))
        # the partner's own header figures
        self.beta.invalidate_recordset()
        self.assertEqual(self.beta.partner_revenue_12m, 700.0)
        self.assertEqual(self.beta.partner_target_achievement, 70.0)
