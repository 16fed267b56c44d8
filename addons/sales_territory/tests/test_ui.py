from odoo.tests import HttpCase, tagged

# Shared with static/tests/tours/sales_territory_tour.js
TERRITORY_CODE = "TOUR-999"
CUSTOMER_NAME = "Tour Realignment Customer"


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    """A consultant creates a territory with a zip rule in the web client, previews
    a realignment and applies it: the customer of that zip range moves there."""

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
