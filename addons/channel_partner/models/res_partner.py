from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

PARTNER_KINDS = [
    ("distributor", "Distributor"),
    ("reseller", "Reseller"),
    ("agent", "Agent"),
    ("franchise", "Franchise"),
    ("referral", "Referral Partner"),
]
LIFECYCLE = [
    ("prospect", "Prospect"),
    ("onboarding", "Onboarding"),
    ("active", "Active"),
    ("suspended", "Suspended"),
    ("terminated", "Terminated"),
]


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "sales.territory.input.mixin"]

    is_channel_partner = fields.Boolean(
        string="Channel Partner",
        index=True,
        tracking=True,
        help="A distributor, reseller, agent, franchise or referral partner.",
    )
    partner_kind = fields.Selection(PARTNER_KINDS, tracking=True)
    partner_tier_id = fields.Many2one(
        "channel.partner.tier", string="Tier", index=True, tracking=True
    )
    tier_since = fields.Date(tracking=True)
    partner_manager_id = fields.Many2one(
        "res.users",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    partner_lifecycle = fields.Selection(
        LIFECYCLE, string="Partner Status", default="prospect", tracking=True
    )
    partner_revenue_12m = fields.Monetary(
        string="Revenue (12 months)",
        compute="_compute_partner_kpis",
        currency_field="partner_currency_id",
        help="Sales through the partner (orders it brought or fulfils) and to it "
        "(sell-in) in the last twelve months.",
    )
    partner_growth = fields.Float(
        string="Growth (%)",
        compute="_compute_partner_kpis",
        help="Against the twelve months before.",
    )
    partner_target_achievement = fields.Float(
        string="Target Achievement (%)", compute="_compute_partner_kpis"
    )
    partner_punctuality = fields.Float(
        string="Payment Punctuality (%)",
        compute="_compute_partner_kpis",
        help="Share of its invoices of the last twelve months paid by their due date.",
    )
    partner_open_leads = fields.Integer(
        string="Open Forwarded Leads", compute="_compute_partner_kpis"
    )
    partner_currency_id = fields.Many2one(
        "res.currency", compute="_compute_partner_kpis"
    )
    agreement_ids = fields.One2many("channel.partner.agreement", "partner_id")
    agreement_count = fields.Integer(compute="_compute_partner_counts")
    rebate_count = fields.Integer(compute="_compute_partner_counts")
    deal_count = fields.Integer(compute="_compute_partner_counts")

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "is_channel_partner",
            "partner_kind",
            "partner_tier_id",
            "tier_since",
            "partner_manager_id",
            "partner_lifecycle",
        ]

    def _compute_partner_counts(self):
        for fname, model in (
            ("agreement_count", "channel.partner.agreement"),
            ("rebate_count", "channel.partner.rebate"),
            ("deal_count", "channel.partner.deal"),
        ):
            counts = dict(
                self.env[model]._read_group(
                    [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
                )
            )
            for partner in self:
                partner[fname] = counts.get(partner, 0)

    def _compute_partner_kpis(self):
        kpis = self._partner_kpis(self.filtered("is_channel_partner").ids)
        for partner in self:
            values = kpis.get(partner.id, {})
            partner.partner_revenue_12m = values.get("revenue", 0.0)
            partner.partner_growth = values.get("growth", 0.0)
            partner.partner_target_achievement = values.get("achievement", 0.0)
            partner.partner_punctuality = values.get("punctuality", 0.0)
            partner.partner_open_leads = values.get("open_leads", 0)
            partner.partner_currency_id = self.env.company.currency_id

    @api.model
    def _partner_kpis(self, partner_ids, today=None):
        """Figures of channel partners, one query per family for all of them:
        {partner id: {revenue, previous, growth, achievement, punctuality,
        open_leads}}. Revenue comes from the cockpit's facts (the partner as
        the channel partner of orders, or as their customer: its sell-in)."""
        if not partner_ids:
            return {}
        today = today or fields.Date.context_today(self)
        start = today - relativedelta(years=1) + timedelta(days=1)
        before = start - relativedelta(years=1)
        Report = self.env["sales.performance.report"]
        result = {pid: {} for pid in partner_ids}
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT f.channel_partner_id,
                          sum(f.ordered_amount) FILTER (WHERE f.date >= %(start)s),
                          sum(f.ordered_amount) FILTER (WHERE f.date < %(start)s)
                     FROM (%(facts)s) f
                    WHERE f.source = 'order' AND f.channel_partner_id = ANY(%(ids)s)
                    GROUP BY 1""",
                facts=Report._facts_sql(
                    date_from=before, date_to=today, new_customers=False
                ),
                start=start,
                ids=list(partner_ids),
            )
        )
        for pid, revenue, previous in self.env.cr.fetchall():
            revenue, previous = revenue or 0.0, previous or 0.0
            result[pid]["revenue"] = revenue
            result[pid]["previous"] = previous
            result[pid]["growth"] = (
                100.0 * (revenue - previous) / previous if previous else 0.0
            )
        for partner, target, actual in self.env["sales.target"]._read_group(
            [
                ("channel_partner_id", "in", list(partner_ids)),
                ("state", "in", ("confirmed", "closed")),
                ("date_to", ">=", start),
                ("date_from", "<=", today),
            ],
            ["channel_partner_id"],
            ["target_value:sum", "actual_value:sum"],
        ):
            result[partner.id]["achievement"] = (
                100.0 * actual / target if target else 0.0
            )
        self.env.cr.execute(
            SQL(
                """WITH invoices AS (
                       SELECT m.commercial_partner_id AS partner_id,
                              m.invoice_date_due,
                              (SELECT max(apr.max_date)
                                 FROM account_move_line aml
                                 JOIN account_partial_reconcile apr
                                   ON apr.debit_move_id = aml.id
                                WHERE aml.move_id = m.id
                                  AND aml.display_type = 'payment_term') AS paid_on,
                              m.payment_state
                         FROM account_move m
                        WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
                          AND m.commercial_partner_id = ANY(%(ids)s)
                          AND m.invoice_date >= %(start)s
                          AND m.invoice_date_due <= %(today)s
                   )
                   SELECT partner_id,
                          100.0 * count(*) FILTER (
                              WHERE payment_state IN ('paid', 'in_payment', 'reversed')
                                AND paid_on <= invoice_date_due)
                          / count(*)
                     FROM invoices GROUP BY partner_id""",
                ids=list(partner_ids),
                start=start,
                today=today,
            )
        )
        for pid, punctuality in self.env.cr.fetchall():
            result[pid]["punctuality"] = float(punctuality)
        for partner, count in self.env["crm.lead"]._read_group(
            [
                ("forward_partner_id", "in", list(partner_ids)),
                ("forward_state", "in", ("forwarded", "accepted")),
                ("probability", "<", 100),
            ],
            ["forward_partner_id"],
            ["__count"],
        ):
            result[partner.id]["open_leads"] = count
        return result

    def write(self, vals):
        res = super().write(vals)
        if vals.get("partner_tier_id"):
            tier = self.env["channel.partner.tier"].browse(vals["partner_tier_id"])
            if tier.pricelist_id:
                commercial = self.filtered(lambda p: p.id == p.commercial_partner_id.id)
                commercial.property_product_pricelist = tier.pricelist_id
        return res

    def action_view_channel_partner_agreements(self):
        return self._channel_partner_action(
            "channel.partner.agreement", self.env._("Agreements")
        )

    def action_view_channel_partner_rebates(self):
        return self._channel_partner_action(
            "channel.partner.rebate", self.env._("Rebates")
        )

    def action_view_channel_partner_deals(self):
        return self._channel_partner_action(
            "channel.partner.deal", self.env._("Deal Registrations")
        )

    def _channel_partner_action(self, model, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("partner_id", "=", self.commercial_partner_id.id)],
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    @api.model
    def get_import_templates(self):
        """Besides Odoo's customers template: distributors, resellers and
        agents with their kind, status and channel."""
        return super().get_import_templates() + [
            {
                "label": self.env._("Import Template for Channel Partners"),
                "template": "/channel_partner/static/xls/channel_partner.xlsx",
            }
        ]
