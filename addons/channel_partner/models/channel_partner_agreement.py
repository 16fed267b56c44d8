import itertools
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

REBATE_PERIODS = [
    ("month", "Monthly"),
    ("quarter", "Quarterly"),
    ("year", "Yearly"),
]


class ChannelPartnerAgreement(models.Model):
    """The contract with a channel partner: where and what it may sell, whether
    it does so exclusively, its volume commitment and its rebate (or, for
    agents, commission) scale."""

    _name = "channel.partner.agreement"
    _description = "Channel Partner Agreement"
    _inherit = ["mail.thread", "mail.activity.mixin", "sales.territory.input.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Channel Partner",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_channel_partner', '=', True), ('is_company', '=', True)]",
    )
    partner_kind = fields.Selection(related="partner_id.partner_kind")
    user_id = fields.Many2one(
        "res.users",
        string="Partner Manager",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        tracking=True,
        domain="[('share', '=', False)]",
        help="Receives the renewal reminder. The partner's manager by default.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_start = fields.Date(
        string="Start", required=True, tracking=True, default=fields.Date.context_today
    )
    date_end = fields.Date(string="End", required=True, tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "Active"),
            ("expired", "Expired"),
            ("terminated", "Terminated"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    territory_ids = fields.Many2many(
        "sales.territory",
        string="Authorised Territories",
        check_company=True,
        help="Where the partner may sell (with their sub-territories). Empty: "
        "everywhere.",
    )
    channel_ids = fields.Many2many(
        "sales.channel",
        string="Channels",
        check_company=True,
        help="Through which channels the partner sells. Leads of these channels "
        "may be forwarded to it. Empty: all.",
    )
    categ_ids = fields.Many2many(
        "product.category",
        string="Product Categories",
        help="What the partner may sell (with sub-categories); also what counts in "
        "its rebate volume. Empty: everything.",
    )
    exclusive = fields.Boolean(
        tracking=True,
        help="Only this partner sells these product categories in these "
        "territories during the agreement: orders from others there are flagged "
        "(or blocked, see Settings).",
    )
    volume_commitment = fields.Monetary(
        string="Annual Volume Commitment",
        tracking=True,
        help="The yearly purchase (or, for agents, sales) volume the partner commits "
        "to, untaxed in company currency.",
    )
    volume_basis = fields.Selection(
        [("invoiced", "Invoiced"), ("ordered", "Ordered")],
        default="invoiced",
        required=True,
        help="Invoiced: posted invoices minus credit notes (rebate credit notes "
        "excluded). Ordered: confirmed sales orders.",
    )
    rebate_period = fields.Selection(
        REBATE_PERIODS,
        default="quarter",
        required=True,
        help="The period of each rebate settlement.",
    )
    rebate_line_ids = fields.One2many(
        "channel.partner.agreement.rebate",
        "agreement_id",
        string="Rebate Scale",
        copy=True,
        help="The rate of the highest step reached applies to the whole volume of "
        "the period.",
    )
    rebate_ids = fields.One2many("channel.partner.rebate", "agreement_id")
    rebate_count = fields.Integer(compute="_compute_rebate_count")
    attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Documents",
        help="The signed contract and its annexes.",
    )
    renewal_reminder_date = fields.Date(
        readonly=True,
        copy=False,
        help="When the renewal reminder was scheduled; once per agreement.",
    )
    note = fields.Html(string="Terms")

    @api.depends("partner_id")
    def _compute_user_id(self):
        for agreement in self:
            agreement.user_id = agreement.partner_id.partner_manager_id or (
                agreement.user_id or self.env.user
            )

    def _compute_rebate_count(self):
        counts = dict(
            self.env["channel.partner.rebate"]._read_group(
                [("agreement_id", "in", self.ids)], ["agreement_id"], ["__count"]
            )
        )
        for agreement in self:
            agreement.rebate_count = counts.get(agreement, 0)

    # ------------------------------------------------------------ constraints
    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for agreement in self:
            if agreement.date_end < agreement.date_start:
                raise ValidationError(
                    self.env._(
                        "Agreement %(agreement)s ends (%(end)s) before it starts "
                        "(%(start)s).",
                        agreement=agreement.display_name,
                        end=agreement.date_end,
                        start=agreement.date_start,
                    )
                )

    @api.constrains("volume_commitment")
    def _check_volume_commitment(self):
        for agreement in self:
            if agreement.volume_commitment < 0:
                raise ValidationError(
                    self.env._(
                        "The annual volume commitment of agreement %(agreement)s "
                        "cannot be negative.",
                        agreement=agreement.display_name,
                    )
                )

    @api.constrains("rebate_line_ids")
    def _check_rebate_scale(self):
        for agreement in self:
            lines = agreement.rebate_line_ids.sorted(lambda r: (r.sequence, r.id))
            for lower, upper in itertools.pairwise(lines):
                if upper.amount_from <= lower.amount_from or upper.rate < lower.rate:
                    raise ValidationError(
                        self.env._(
                            "The rebate scale of %(agreement)s must increase: the "
                            "step from %(upper_from)s (%(upper_rate)s %%) follows the "
                            "step from %(lower_from)s (%(lower_rate)s %%).",
                            agreement=agreement.display_name,
                            upper_from=upper.amount_from,
                            upper_rate=upper.rate,
                            lower_from=lower.amount_from,
                            lower_rate=lower.rate,
                        )
                    )

    @api.constrains(
        "state", "exclusive", "territory_ids", "categ_ids", "date_start", "date_end"
    )
    def _check_exclusivity(self):
        for agreement in self.filtered(lambda a: a.state == "active" and a.exclusive):
            other = agreement._overlapping_exclusive()
            if other:
                raise ValidationError(
                    self.env._(
                        "Agreements %(agreement)s (%(partner)s) and %(other)s "
                        "(%(other_partner)s) are both exclusive for the same "
                        "territories and product categories between %(start)s and "
                        "%(end)s. Narrow their territories, categories or dates, or "
                        "make one of them non-exclusive.",
                        agreement=agreement.name,
                        partner=agreement.partner_id.display_name,
                        other=other.name,
                        other_partner=other.partner_id.display_name,
                        start=max(agreement.date_start, other.date_start),
                        end=min(agreement.date_end, other.date_end),
                    )
                )

    def _overlapping_exclusive(self):
        """Another active exclusive agreement of the company overlapping self on
        dates x territories (an empty set or a territory and its descendants) x
        product categories (likewise)."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
SELECT o.id
  FROM channel_partner_agreement a
  JOIN channel_partner_agreement o
    ON o.id != a.id AND o.company_id = a.company_id
   AND o.state = 'active' AND o.exclusive
   AND o.date_start <= a.date_end AND o.date_end >= a.date_start
 WHERE a.id = %(id)s
   AND %(territories)s
   AND %(categories)s
 ORDER BY o.id
 LIMIT 1""",
                id=self.id,
                territories=self._overlap_sql(
                    "channel_partner_agreement_sales_territory_rel",
                    "sales_territory_id",
                    "sales_territory",
                ),
                categories=self._overlap_sql(
                    "channel_partner_agreement_product_category_rel",
                    "product_category_id",
                    "product_category",
                ),
            )
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self.browse()

    @api.model
    def _overlap_sql(self, rel, column, table):
        """Agreements a and o overlap on a tree-shaped many2many: one of them is
        empty, or one of a's nodes is an ancestor-or-self of one of o's or the
        reverse."""
        return SQL(
            """(NOT EXISTS (SELECT 1 FROM %(rel)s r
                            WHERE r.channel_partner_agreement_id = a.id)
                OR NOT EXISTS (SELECT 1 FROM %(rel)s r
                                WHERE r.channel_partner_agreement_id = o.id)
                OR EXISTS (
                    SELECT 1
                      FROM %(rel)s ra
                      JOIN %(table)s na ON na.id = ra.%(column)s
                      JOIN %(rel)s ro ON ro.channel_partner_agreement_id = o.id
                      JOIN %(table)s nb ON nb.id = ro.%(column)s
                     WHERE ra.channel_partner_agreement_id = a.id
                       AND (starts_with(na.parent_path, nb.parent_path)
                            OR starts_with(nb.parent_path, na.parent_path))))""",
            rel=SQL.identifier(rel),
            table=SQL.identifier(table),
            column=SQL.identifier(column),
        )

    # ------------------------------------------------------------ CRUD, states
    @api.model_create_multi
    def create(self, vals_list):
        self._check_input_values(vals_list)  # before reading them
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "channel.partner.agreement"
                ) or self.env._("New")
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft(self):
        if any(agreement.state != "draft" for agreement in self):
            raise UserError(
                self.env._(
                    "Only draft agreements can be deleted; terminate the others."
                )
            )

    def action_activate(self):
        for agreement in self:
            if agreement.state != "draft":
                raise UserError(
                    self.env._(
                        "Agreement %(agreement)s is not a draft.",
                        agreement=agreement.name,
                    )
                )
            if agreement.date_end < fields.Date.context_today(self):
                raise UserError(
                    self.env._(
                        "Agreement %(agreement)s ended on %(end)s: extend it before "
                        "activating it.",
                        agreement=agreement.name,
                        end=agreement.date_end,
                    )
                )
        self.write({"state": "active"})
        prospects = self.partner_id.filtered(
            lambda p: p.partner_lifecycle in ("prospect", "onboarding")
        )
        prospects.write({"partner_lifecycle": "active"})
        return True

    def action_terminate(self):
        self.filtered(lambda a: a.state in ("draft", "active")).write(
            {"state": "terminated"}
        )
        return True

    def action_draft(self):
        self.filtered(lambda a: a.state in ("terminated", "expired")).write(
            {"state": "draft"}
        )
        return True

    def action_renew(self):
        """A draft copy starting the day after the end, for as long."""
        self.ensure_one()
        length = self.date_end - self.date_start
        start = self.date_end + timedelta(days=1)
        renewal = self.copy({"date_start": start, "date_end": start + length})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": renewal.id,
            "view_mode": "form",
        }

    def action_view_rebates(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Rebate Settlements"),
            "res_model": "channel.partner.rebate",
            "view_mode": "list,form",
            "domain": [("agreement_id", "=", self.id)],
            "context": {"default_agreement_id": self.id},
        }

    # ------------------------------------------------------------ coverage
    @api.model
    def _exclusive_holders(self, pairs, date, company):
        """Active exclusive agreements covering territory x category pairs at a
        date: {(territory id, category id): agreement}. An agreement covers a
        pair when the territory is one of its territories' descendants (or it
        has none) and likewise for the category."""
        if not pairs:
            return {}
        self.env.flush_all()
        territory_ids = [t for t, _c in pairs]
        categ_ids = [c for _t, c in pairs]
        self.env.cr.execute(
            SQL(
                """
SELECT v.territory_id, v.categ_id, min(a.id)
  FROM unnest(%(territories)s::int[], %(categs)s::int[]) v(territory_id, categ_id)
  JOIN sales_territory t ON t.id = v.territory_id
  LEFT JOIN product_category c ON c.id = v.categ_id
  JOIN channel_partner_agreement a
    ON a.state = 'active' AND a.exclusive AND a.company_id = %(company)s
   AND a.date_start <= %(date)s AND a.date_end >= %(date)s
 WHERE (NOT EXISTS (SELECT 1 FROM channel_partner_agreement_sales_territory_rel r
                     WHERE r.channel_partner_agreement_id = a.id)
        OR EXISTS (SELECT 1 FROM channel_partner_agreement_sales_territory_rel r
                     JOIN sales_territory rt ON rt.id = r.sales_territory_id
                    WHERE r.channel_partner_agreement_id = a.id
                      AND starts_with(t.parent_path, rt.parent_path)))
   AND (NOT EXISTS (SELECT 1 FROM channel_partner_agreement_product_category_rel r
                     WHERE r.channel_partner_agreement_id = a.id)
        OR EXISTS (SELECT 1 FROM channel_partner_agreement_product_category_rel r
                     JOIN product_category rc ON rc.id = r.product_category_id
                    WHERE r.channel_partner_agreement_id = a.id
                      AND starts_with(c.parent_path, rc.parent_path)))
 GROUP BY v.territory_id, v.categ_id""",
                territories=territory_ids,
                categs=categ_ids,
                company=company.id,
                date=date,
            )
        )
        return {
            (territory_id, categ_id): self.browse(agreement_id)
            for territory_id, categ_id, agreement_id in self.env.cr.fetchall()
        }

    # ------------------------------------------------------------ crons
    @api.model
    def _cron_expiry(self, today=None):
        """Expire the agreements past their end; schedule a renewal activity on
        those ending within 30 days (once each)."""
        today = today or fields.Date.context_today(self)
        expired = self.search([("state", "=", "active"), ("date_end", "<", today)])
        expired.write({"state": "expired"})
        ending = self.search(
            [
                ("state", "=", "active"),
                ("date_end", "<=", today + timedelta(days=30)),
                ("renewal_reminder_date", "=", False),
            ]
        )
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for agreement in ending:
            agreement.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=max(agreement.date_end - timedelta(days=30), today),
                summary=self.env._("Renew the agreement"),
                note=self.env._(
                    "Agreement %(agreement)s with %(partner)s ends on %(end)s.",
                    agreement=agreement.name,
                    partner=agreement.partner_id.display_name,
                    end=agreement.date_end,
                ),
                user_id=agreement.user_id.id or self.env.uid,
            )
        ending.write({"renewal_reminder_date": today})
        return len(expired), len(ending)

    @api.model
    def get_import_templates(self):
        """Offered on the import screen: agreements with their rebate scale
        (one row per step); import the territories, channels and partners
        first."""
        return [
            {
                "label": self.env._("Import Template for Partner Agreements"),
                "template": (
                    "/channel_partner/static/xls/channel_partner_agreement.xlsx"
                ),
            }
        ]


class ChannelPartnerAgreementRebate(models.Model):
    _name = "channel.partner.agreement.rebate"
    _description = "Rebate Scale Step"
    _inherit = ["sales.territory.input.mixin"]
    _order = "agreement_id, sequence, amount_from, id"

    agreement_id = fields.Many2one(
        "channel.partner.agreement", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    amount_from = fields.Monetary(
        string="From Volume",
        required=True,
        help="The step applies when the period's volume reaches this amount.",
    )
    rate = fields.Float(
        string="Rate (%)",
        required=True,
        digits=(5, 2),
        help="Rebate (or commission) in percent of the whole period's volume.",
    )

    _sql_constraints = [
        (
            "rate_range",
            "CHECK(rate >= 0 AND rate <= 100)",
            "A rebate rate is between 0 % and 100 %.",
        ),
        (
            "amount_positive",
            "CHECK(amount_from >= 0)",
            "A rebate step starts at a volume of zero or more.",
        ),
    ]
