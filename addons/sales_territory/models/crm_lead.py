from collections import defaultdict

from odoo import api, fields, models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "sales.territory.input.mixin"]

    territory_id = fields.Many2one(
        "sales.territory",
        compute="_compute_territory_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        domain="[('company_id', '=?', company_id)]",
        help="The customer's territory, else the territory whose rules match the "
        "address of the lead.",
    )

    @api.depends("partner_id", "country_id", "state_id", "zip", "city")
    def _compute_territory_id(self):
        to_match = defaultdict(list)
        for lead in self:
            territory = lead.partner_id.commercial_partner_id.territory_id
            if territory:
                lead.territory_id = territory
            elif lead.country_id or lead.state_id or lead.zip or lead.city:
                lead.territory_id = lead.territory_id
                to_match[lead.company_id or self.env.company].append(lead)
            else:
                lead.territory_id = lead.territory_id
        Rule = self.env["sales.territory.rule"]
        for company, leads in to_match.items():
            winners = Rule._winning_territories(
                [(lead, lead.partner_id.commercial_partner_id) for lead in leads],
                company,
            )
            for lead, territory in zip(leads, winners, strict=True):
                if territory:
                    lead.territory_id = territory

    def _route_to_territory_team(self):
        """Leads without salesperson go to the team of their territory."""
        for lead in self:
            team = lead.territory_id and lead.territory_id._effective_team()
            if (
                team
                and not lead.user_id
                and lead.team_id != team
                and (lead.company_id or self.env.company).territory_lead_routing
            ):
                lead.team_id = team

    @api.onchange("territory_id", "user_id")
    def _onchange_territory_route(self):
        self._route_to_territory_team()

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._route_to_territory_team()
        return leads

    def write(self, vals):
        res = super().write(vals)
        if {"territory_id", "user_id", "partner_id", "zip", "state_id"} & vals.keys():
            self._route_to_territory_team()
        return res
