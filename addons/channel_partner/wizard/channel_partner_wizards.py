from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class ChannelPartnerDealReject(models.TransientModel):
    _name = "channel.partner.deal.reject"
    _description = "Reject Deal Registrations"

    deal_ids = fields.Many2many("channel.partner.deal", required=True)
    reason = fields.Text(required=True, help="Sent to the partner.")

    def action_reject(self):
        self.deal_ids.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}


class ChannelPartnerForward(models.TransientModel):
    """Forward leads to channel partners: the best candidate of each, or the
    partner chosen among the candidates of a single lead."""

    _name = "channel.partner.forward"
    _description = "Forward Leads to Partners"

    lead_ids = fields.Many2many("crm.lead", required=True)
    candidate_ids = fields.Many2many(
        "res.partner", compute="_compute_candidate_ids", string="Candidates"
    )
    partner_id = fields.Many2one(
        "res.partner",
        domain="[('id', 'in', candidate_ids)]",
        help="Empty: each lead goes to its best candidate (tier weight per open "
        "lead, within capacity).",
    )

    @api.depends("lead_ids")
    def _compute_candidate_ids(self):
        for wizard in self:
            candidates = wizard.lead_ids._forward_candidates()
            partners = self.env["res.partner"]
            for found in candidates.values():
                partners |= self.env["res.partner"].union(*found)
            wizard.candidate_ids = partners

    def action_forward(self):
        if self.partner_id:
            for lead in self.lead_ids:
                if self.partner_id not in lead._forward_candidates()[lead]:
                    raise UserError(
                        self.env._(
                            "%(partner)s cannot take %(lead)s (no agreement for its "
                            "territory and channel, no capacity left, or it declined "
                            "it).",
                            partner=self.partner_id.display_name,
                            lead=lead.name,
                        )
                    )
                lead._forward_to(self.partner_id)
        else:
            self.lead_ids.action_forward()
        return {"type": "ir.actions.act_window_close"}


class ChannelPartnerForwardDecline(models.TransientModel):
    _name = "channel.partner.forward.decline"
    _description = "Decline a Forwarded Lead"

    lead_ids = fields.Many2many("crm.lead", required=True)
    reason = fields.Text(required=True)

    def action_decline(self):
        self.lead_ids.action_forward_decline(self.reason)
        return {"type": "ir.actions.act_window_close"}


class ChannelPartnerRebateGenerate(models.TransientModel):
    """Settle (accrue) the rebates of agreements for the period containing a
    date."""

    _name = "channel.partner.rebate.generate"
    _description = "Compute Rebate Settlements"

    date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="Each agreement is settled for its period (month, quarter or year) "
        "containing this date.",
    )
    agreement_ids = fields.Many2many(
        "channel.partner.agreement",
        string="Agreements",
        domain="[('state', 'in', ('active', 'expired'))]",
        help="Empty: all active and expired agreements.",
    )

    def action_generate(self):
        agreements = self.agreement_ids or self.env["channel.partner.agreement"].search(
            [("state", "in", ("active", "expired"))]
        )
        Rebate = self.env["channel.partner.rebate"]
        Job = self.env["sales.territory.job"]
        if Job._in_background(len(agreements)):
            return Job._enqueue(
                Rebate,
                "_job_generate",
                len(agreements),
                self.env._(
                    "Accrue the rebates of %(count)s agreements for the period of "
                    "%(date)s",
                    count=len(agreements),
                    date=format_date(self.env, self.date),
                ),
                agreement_ids=agreements.ids,
                day=fields.Date.to_string(self.date),
            )._queued_notification()
        rebates = Rebate._generate(agreements, self.date)
        if not rebates:
            raise UserError(
                self.env._(
                    "No agreement runs in the period of %(date)s.", date=self.date
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Rebate Settlements"),
            "res_model": "channel.partner.rebate",
            "view_mode": "list,form",
            "domain": [("id", "in", rebates.ids)],
        }
