from odoo import fields, models
from odoo.tools import SQL


class SalesChannelConflict(models.Model):
    """Customers buying through several channels in the same territory and
    month: where channels compete for the same customer."""

    _name = "sales.channel.conflict"
    _description = "Channel Conflict"
    _auto = False
    _order = "month desc, channel_count desc, amount desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    territory_id = fields.Many2one("sales.territory", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(readonly=True)
    channel_count = fields.Integer(string="Channels", readonly=True)
    channel_names = fields.Char(string="Channels Used", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    amount = fields.Monetary(string="Ordered", readonly=True)

    @property
    def _table_query(self):
        month = self.env["sales.performance.report"]._local_date(SQL("s.date_order"))
        return SQL(
            """
SELECT min(s.id) AS id, p.commercial_partner_id AS partner_id, s.territory_id,
       s.company_id, date_trunc('month', %(month)s)::date AS month,
       count(DISTINCT s.channel_id) AS channel_count,
       string_agg(DISTINCT c.complete_name, ', ') AS channel_names,
       count(*) AS order_count,
       sum(s.amount_untaxed / CASE COALESCE(s.currency_rate, 0)
                              WHEN 0 THEN 1.0 ELSE s.currency_rate END) AS amount
  FROM sale_order s
  JOIN res_partner p ON p.id = s.partner_id
  JOIN res_company co ON co.id = s.company_id
  JOIN res_partner cp ON cp.id = co.partner_id
  JOIN sales_channel c ON c.id = s.channel_id
 WHERE s.state = 'sale'
 GROUP BY p.commercial_partner_id, s.territory_id, s.company_id,
          date_trunc('month', %(month)s)
HAVING count(DISTINCT s.channel_id) > 1
""",
            month=month,
        )

    def action_view_orders(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Orders"),
            "res_model": "sale.order",
            "view_mode": "list,form",
            "domain": [
                ("partner_id", "child_of", self.partner_id.id),
                ("territory_id", "=", self.territory_id.id),
                ("state", "=", "sale"),
            ],
        }
