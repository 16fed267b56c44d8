from odoo import Command
from odoo.tests import HttpCase, tagged

# Shared with static/tests/tours/sales_channel_tour.js
TERRITORY_NAME = "Tour Channel Region"
CHANNEL_NAME = "Tour Channel"
CUSTOMER_NAME = "Tour Channel Customer"


@tagged("post_install", "-at_install")
class TestChannelUi(HttpCase):
    """A sales manager blocks a channel in a region in the territory x channel
    matrix, then tries to confirm a quotation of that region sold through that
    channel: the confirmation is refused with a message naming the territory."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # no onboarding tour on top of ours (admin has it on in a database
        # without demo data)
        cls.user_admin = cls.env.ref("base.user_admin")
        cls.user_admin.tour_enabled = False
        cls.company = cls.env.ref("base.main_company")
        cls.company.channel_block_mode = "block"
        cls.territory = cls.env["sales.territory"].create(
            {
                "name": TERRITORY_NAME,
                "code": "TOUR-CH",
                "level": "region",
                "company_id": cls.company.id,
            }
        )
        cls.channel = cls.env["sales.channel"].create(
            {
                "name": CHANNEL_NAME,
                "code": "TOUR-CHAN",
                "channel_type": "direct",
                "company_id": cls.company.id,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": CUSTOMER_NAME,
                "is_company": True,
                "territory_id": cls.territory.id,
            }
        )
        product = cls.env["product.product"].create(
            {"name": "Tour Channel Product", "type": "consu", "list_price": 100.0}
        )
        cls.quotation = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "company_id": cls.company.id,
                # the Quotations menu shows the admin's own quotations
                "user_id": cls.user_admin.id,
                "channel_id": cls.channel.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "price_unit": 100.0,
                        }
                    )
                ],
            }
        )

    def test_matrix_tour(self):
        Policy = self.env["sales.territory.channel"]
        self.assertRecordValues(
            self.quotation,
            [
                {
                    "state": "draft",
                    "territory_id": self.territory.id,
                    "channel_id": self.channel.id,
                }
            ],
        )
        self.assertFalse(
            Policy.search(
                [
                    ("territory_id", "=", self.territory.id),
                    ("channel_id", "=", self.channel.id),
                ]
            )
        )

        # Odoo logs each UserError of a request as a WARNING of odoo.http: the
        # refusal is expected, so it is captured (and checked) here, not muted
        with self.assertLogs("odoo.http", "WARNING") as logs:
            self.start_tour("/odoo", "sales_channel_matrix_tour", login="admin")
        self.assertEqual(len(logs.records), 1, logs.output)
        self.assertIn(
            f"Channel {CHANNEL_NAME} is blocked in territory {TERRITORY_NAME}: "
            f"{self.quotation.name} cannot be sold through it.",
            logs.records[0].getMessage(),
        )

        row = Policy.search(
            [
                ("territory_id", "=", self.territory.id),
                ("channel_id", "=", self.channel.id),
            ]
        )
        self.assertRecordValues(row, [{"policy": "blocked"}])
        self.quotation.invalidate_recordset()
        self.assertEqual(
            self.quotation.state, "draft", "the blocked quotation is not confirmed"
        )
