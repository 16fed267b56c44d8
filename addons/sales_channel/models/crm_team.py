from odoo import fields, models


class CrmTeam(models.Model):
    _name = "crm.team"
    _inherit = ["crm.team", "sales.territory.input.mixin"]

    channel_id = fields.Many2one(
        "sales.channel",
        string="Sales Channel",
        domain="[('company_id', '=?', company_id)]",
        help="Orders of the team take this channel when the customer has none.",
    )
