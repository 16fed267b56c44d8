from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    sales_channel_managed_ids = fields.Many2many(
        "sales.channel",
        compute="_compute_sales_channel_managed_ids",
        string="Managed Channels",
        help="Channels the user manages; record rules extend them to their channels.",
    )

    def _compute_sales_channel_managed_ids(self):
        Channel = self.env["sales.channel"].sudo().with_context(active_test=False)
        for user in self:
            user.sales_channel_managed_ids = Channel.search(
                [("manager_id", "=", user.id)]
            )
