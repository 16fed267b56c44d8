from odoo import api, fields, models
from odoo.tools import SQL


class SalesTerritoryQualityIssue(models.Model):
    _inherit = "sales.territory.quality.issue"

    category = fields.Selection(
        selection_add=[
            ("order_no_channel", "Orders Without Channel"),
            ("lead_no_territory",),
        ]
    )

    @api.model
    def _quality_checks(self, company):
        """Orders (not cancelled) without sales channel."""
        return [
            *super()._quality_checks(company),
            (
                "order_no_channel",
                SQL(
                    """SELECT o.id, o.partner_id, o.territory_id, o.id,
                              NULL::integer, NULL::integer, o.name, NULL::varchar,
                              NULL::varchar, 1
                         FROM sale_order o
                        WHERE o.company_id = %s AND o.state != 'cancel'
                          AND o.channel_id IS NULL""",
                    company.id,
                ),
            ),
        ]

    def _fix(self):
        """Orders without channel take their customer's channel."""
        fixed = super()._fix()
        orders = self.filtered(lambda i: i.category == "order_no_channel").order_id
        if orders:
            fixed += self.env["sale.order"]._fill_channel_from_customers(orders.ids)
        return fixed


class SalesTerritoryQuality(models.Model):
    _inherit = "sales.territory.quality"

    @api.model
    def _category_descriptions(self):
        return {
            **super()._category_descriptions(),
            "order_no_channel": self.env._(
                "Orders (not cancelled) without sales channel: they are missing "
                "from the channel scorecards. Take the customer's channel."
            ),
        }
