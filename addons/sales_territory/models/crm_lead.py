from collections import defaultdict

from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

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
            rows = [
                (
                    index,
                    lead.country_id.id,
                    lead.state_id.id,
                    lead.zip,
                    lead.city,
                    lead.partner_id.commercial_partner_id.industry_id.id,
                    lead.partner_id.commercial_partner_id.category_id.ids,
                )
                for index, lead in enumerate(leads)
            ]
            matches = Rule._match_rows(rows, company)
            for index, lead in enumerate(leads):
                match = matches.get(index)
                if match and not match.conflict:
                    lead.territory_id = match.territory_id

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
