from odoo import api, fields, models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "sales.territory.input.mixin"]

    channel_id = fields.Many2one(
        "sales.channel",
        string="Sales Channel",
        compute="_compute_channel_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        domain="[('company_id', '=?', company_id)]",
        help="The customer's channel, else the channel preferred in the lead's "
        "territory, else the team's.",
    )

    @api.depends("partner_id", "territory_id", "team_id")
    def _compute_channel_id(self):
        preferred = self.territory_id._preferred_channels()
        for lead in self:
            lead.channel_id = (
                lead.partner_id.commercial_partner_id.channel_id
                or preferred.get(lead.territory_id.id)
                or lead.team_id.channel_id
                or lead.channel_id
            )
