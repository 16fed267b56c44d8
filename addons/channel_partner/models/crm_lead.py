from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

FORWARD_STATES = [
    ("forwarded", "Forwarded"),
    ("accepted", "Accepted"),
    ("unassigned", "No Partner Available"),
]
# what a partner's portal user may change on a lead forwarded to it
PORTAL_FIELDS = {"expected_revenue", "probability", "date_deadline", "priority"}


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "sales.territory.input.mixin"]

    forward_partner_id = fields.Many2one(
        "res.partner",
        string="Forwarded To",
        index="btree_not_null",
        tracking=True,
        copy=False,
        domain="[('is_channel_partner', '=', True), ('is_company', '=', True)]",
        help="The channel partner working the lead.",
    )
    forward_state = fields.Selection(
        FORWARD_STATES, string="Forwarding", tracking=True, copy=False, index=True
    )
    forward_date = fields.Datetime(string="Forwarded On", copy=False)
    forward_ids = fields.One2many(
        "channel.partner.lead.forward", "lead_id", string="Forwarding History"
    )
    channel_partner_id = fields.Many2one(
        "res.partner",
        compute="_compute_channel_partner_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        domain="[('is_channel_partner', '=', True), ('is_company', '=', True)]",
        help="The partner who brings or works the deal: the partner it was "
        "forwarded to and who did not decline, or the partner who registered it. "
        "Quotations of the opportunity are credited to it.",
    )
    deal_id = fields.Many2one(
        "channel.partner.deal",
        string="Deal Registration",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    @api.depends("forward_partner_id", "forward_state")
    def _compute_channel_partner_id(self):
        for lead in self:
            if lead.forward_partner_id and lead.forward_state in (
                "forwarded",
                "accepted",
            ):
                lead.channel_partner_id = lead.forward_partner_id
            elif lead.deal_id:
                lead.channel_partner_id = lead.deal_id.partner_id
            elif lead.forward_state == "unassigned":
                lead.channel_partner_id = False
            else:
                lead.channel_partner_id = lead.channel_partner_id

    # ------------------------------------------------------------ candidates
    def _forward_candidates(self, loads=None):
        """Channel partners able to take each lead of self, best first:
        {lead: [partner, ...]}.

        A candidate is an active channel partner of the lead's company with an
        active agreement covering the lead's territory (an agreement territory
        or its descendants, or no territory) and channel (or none), that did
        not decline the lead already and is below its tier's capacity of open
        forwarded leads. The best has the highest tier weight per open lead
        (weight / (open + 1)); ties go to the least loaded, then the oldest.
        ``loads`` ({partner id: open leads}) is updated by the caller when it
        forwards several leads in a row."""
        agreements = self.env["channel.partner.agreement"].search(
            [
                ("state", "=", "active"),
                ("company_id", "in", self.company_id.ids or self.env.companies.ids),
                ("partner_id.partner_lifecycle", "=", "active"),
            ]
        )
        if loads is None:
            loads = self._forward_loads(agreements.partner_id)
        declined = {
            (row.lead_id.id, row.partner_id.id)
            for row in self.forward_ids
            if row.state == "declined"
        }
        today = fields.Date.context_today(self)
        result = {}
        for lead in self:
            territory = lead.territory_id
            ancestors = set(territory._ancestors_and_self().ids) if territory else set()
            partners = self.env["res.partner"]
            for agreement in agreements:
                if agreement.company_id != (lead.company_id or agreement.company_id):
                    continue
                if not agreement.date_start <= today <= agreement.date_end:
                    continue
                if agreement.territory_ids and not (
                    ancestors & set(agreement.territory_ids.ids)
                ):
                    continue
                if (
                    agreement.channel_ids
                    and lead.channel_id not in agreement.channel_ids
                ):
                    continue
                partners |= agreement.partner_id
            candidates = []
            for partner in partners:
                if (lead.id, partner.id) in declined:
                    continue
                capacity = partner.partner_tier_id.lead_capacity
                load = loads.get(partner.id, 0)
                if capacity and load >= capacity:
                    continue
                weight = partner.partner_tier_id.forward_weight or 1
                candidates.append((-weight / (load + 1), load, partner.id, partner))
            result[lead] = [row[-1] for row in sorted(candidates, key=lambda r: r[:3])]
        return result

    @api.model
    def _forward_loads(self, partners):
        """Open forwarded leads per partner: {partner id: count}."""
        return {
            partner.id: count
            for partner, count in self.env["crm.lead"]
            .sudo()
            ._read_group(
                [
                    ("forward_partner_id", "in", partners.ids),
                    ("forward_state", "in", ("forwarded", "accepted")),
                    ("probability", "<", 100),
                ],
                ["forward_partner_id"],
                ["__count"],
            )
        }

    # ------------------------------------------------------------ forwarding
    def action_forward(self):
        """Forward each lead of self to its best candidate, keeping the loads
        up to date in between, so that a batch respects capacities."""
        leads = self.filtered(lambda lead: lead.forward_state != "accepted")
        if not leads:
            raise UserError(self.env._("These leads are already accepted by partners."))
        agreements_partners = (
            self.env["channel.partner.agreement"]
            .search([("state", "=", "active")])
            .partner_id
        )
        loads = self._forward_loads(agreements_partners)
        forwarded = self.browse()
        for lead in leads:
            if lead.forward_partner_id and lead.forward_state == "forwarded":
                continue
            candidates = lead._forward_candidates(loads)[lead]
            if not candidates:
                lead._forward_none()
                continue
            lead._forward_to(candidates[0])
            loads[candidates[0].id] = loads.get(candidates[0].id, 0) + 1
            forwarded |= lead
        if len(self) == 1 and not forwarded and self.forward_state != "forwarded":
            raise UserError(
                self.env._(
                    "No channel partner can take %(lead)s: none has an active "
                    "agreement for its territory and channel, capacity left and has "
                    "not already declined it.",
                    lead=self.name,
                )
            )
        return True

    def _forward_to(self, partner, user=None):
        """Forward the lead to the partner: history, followers, e-mail."""
        self.ensure_one()
        previous = self.forward_partner_id
        if previous and previous != partner:
            self._forward_unsubscribe(previous)
        self.write(
            {
                "forward_partner_id": partner.id,
                "forward_state": "forwarded",
                "forward_date": fields.Datetime.now(),
            }
        )
        self.env["channel.partner.lead.forward"].sudo().create(
            {
                "lead_id": self.id,
                "partner_id": partner.id,
                "state": "forwarded",
                "user_id": (user or self.env.user).id,
            }
        )
        self.message_subscribe(partner_ids=partner.ids)
        template = self.env.ref(
            "channel_partner.mail_template_lead_forwarded", raise_if_not_found=False
        )
        if template:
            self.with_context(mail_notify_force_send=False).message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                partner_ids=partner.ids,
            )

    def _forward_none(self):
        """No partner left: back to the salesperson with an activity."""
        self.ensure_one()
        self.write({"forward_partner_id": False, "forward_state": "unassigned"})
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("No channel partner available"),
            note=self.env._(
                "No channel partner can take this lead any more: work it directly "
                "or forward it by hand."
            ),
            user_id=self.user_id.id or self.env.uid,
        )

    def _forward_unsubscribe(self, partner):
        contacts = self.env["res.partner"].search(
            [("id", "child_of", partner.commercial_partner_id.id)]
        )
        self.message_unsubscribe(partner_ids=contacts.ids)

    def _check_forward_access(self):
        """A partner's portal user acts only on leads forwarded to its
        commercial entity; internal users need write access."""
        self.check_access("write")
        if self.env.user._is_portal() or self.env.user.share:
            mine = self.env.user.commercial_partner_id
            if any(lead.forward_partner_id != mine for lead in self):
                raise AccessError(
                    self.env._("This lead is not forwarded to your company.")
                )

    def action_forward_accept(self):
        self._check_forward_access()
        for lead in self:
            if lead.forward_state != "forwarded":
                raise UserError(
                    self.env._(
                        "Lead %(lead)s is not waiting for an answer.", lead=lead.name
                    )
                )
        user = self.env.user
        for lead in self.sudo():
            lead.write({"forward_state": "accepted"})
            lead.env["channel.partner.lead.forward"].create(
                {
                    "lead_id": lead.id,
                    "partner_id": lead.forward_partner_id.id,
                    "state": "accepted",
                    "user_id": user.id,
                }
            )
            if lead.type == "lead":
                lead.convert_opportunity(lead.partner_id)
            lead.message_post(
                body=self.env._(
                    "%(partner)s accepted the lead.",
                    partner=lead.forward_partner_id.display_name,
                ),
                author_id=user.partner_id.id,
            )
        return True

    def action_forward_decline(self, reason):
        """The partner declines: history, then the next candidate."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason why the lead is declined."))
        self._check_forward_access()
        for lead in self:
            if lead.forward_state not in ("forwarded", "accepted"):
                raise UserError(
                    self.env._(
                        "Lead %(lead)s is not forwarded to a partner.", lead=lead.name
                    )
                )
        user = self.env.user
        for lead in self.sudo():
            partner = lead.forward_partner_id
            lead.env["channel.partner.lead.forward"].create(
                {
                    "lead_id": lead.id,
                    "partner_id": partner.id,
                    "state": "declined",
                    "reason": reason,
                    "user_id": user.id,
                }
            )
            lead.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (
                    self.env._("%(partner)s declined the lead.", partner=partner.name),
                    reason,
                ),
                author_id=user.partner_id.id,
            )
            lead._forward_unsubscribe(partner)
            candidates = lead._forward_candidates()[lead]
            if candidates:
                lead._forward_to(candidates[0], user=user)
            else:
                lead._forward_none()
        return True

    def action_forward_update(self, values):
        """A partner's portal update of a lead forwarded to it."""
        self._check_forward_access()
        self._check_portal_fields(values)
        self.sudo().write(values)
        return True

    def _check_portal_fields(self, values):
        forbidden = set(values) - PORTAL_FIELDS
        if forbidden:
            labels = [
                self._fields[name]._description_string(self.env)
                if name in self._fields
                else name
                for name in sorted(forbidden)
            ]
            raise AccessError(
                self.env._(
                    "You may not change %(fields)s of this lead.",
                    fields=", ".join(labels),
                )
            )

    def write(self, vals):
        if not self.env.su and self.env.user.share:
            self._check_portal_fields(vals)
        return super().write(vals)

    def _prepare_opportunity_quotation_context(self):
        context = super()._prepare_opportunity_quotation_context()
        if self.channel_partner_id:
            context["default_channel_partner_id"] = self.channel_partner_id.id
        return context


class ChannelPartnerLeadForward(models.Model):
    _name = "channel.partner.lead.forward"
    _description = "Lead Forwarding History"
    _order = "create_date desc, id desc"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", required=True, index=True)
    state = fields.Selection(
        [
            ("forwarded", "Forwarded"),
            ("accepted", "Accepted"),
            ("declined", "Declined"),
        ],
        required=True,
    )
    reason = fields.Text()
    user_id = fields.Many2one("res.users", string="By", default=lambda s: s.env.user)
    company_id = fields.Many2one(related="lead_id.company_id", store=True)
