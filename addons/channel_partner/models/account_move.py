from odoo import fields, models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "sales.territory.input.mixin"]

    channel_partner_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        tracking=True,
        domain="[('is_channel_partner', '=', True), ('is_company', '=', True)]",
        help="The reseller or agent who brought or fulfils the sale (from the "
        "sales order). Counts in its performance and commission.",
    )
    channel_rebate_ids = fields.One2many("channel.partner.rebate", "move_id")
