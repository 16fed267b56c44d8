from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

CHANNEL_TYPES = [
    ("direct", "Direct Sales"),
    ("key_account", "Key Accounts"),
    ("ecommerce", "E-commerce"),
    ("marketplace", "Marketplace"),
    ("retail", "Retail Store"),
    ("distributor", "Distributor"),
    ("agent", "Agent"),
    ("telesales", "Telesales"),
    ("other", "Other"),
]
INDIRECT_TYPES = ("distributor", "agent")
ONLINE_TYPES = ("ecommerce", "marketplace")


class SalesChannel(models.Model):
    _name = "sales.channel"
    _description = "Sales Channel"
    _inherit = ["mail.thread", "mail.activity.mixin", "sales.territory.input.mixin"]
    _parent_name = "parent_id"
    _parent_store = True
    _rec_name = "complete_name"
    _order = "sequence, complete_name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, index="trigram", tracking=True)
    code = fields.Char(
        index=True, tracking=True, help="Short code, unique within a company."
    )
    complete_name = fields.Char(
        compute="_compute_complete_name", recursive=True, store=True, index="trigram"
    )
    sequence = fields.Integer(default=10)
    channel_type = fields.Selection(
        CHANNEL_TYPES, string="Type", required=True, default="direct", tracking=True
    )
    sales_mode = fields.Selection(
        [("direct", "Direct"), ("indirect", "Indirect")],
        compute="_compute_modes",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="Indirect: sold through distributors, resellers or agents.",
    )
    is_online = fields.Boolean(
        string="Online",
        compute="_compute_modes",
        store=True,
        readonly=False,
        precompute=True,
    )
    parent_id = fields.Many2one(
        "sales.channel",
        string="Channel Group",
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("sales.channel", "parent_id", string="Channels")
    manager_id = fields.Many2one(
        "res.users",
        string="Channel Manager",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", index=True, check_company=True
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        check_company=True,
        help="Orders of the channel use this pricelist unless the customer has one of "
        "its own.",
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Payment Terms",
        check_company=True,
        help="Default payment terms of the channel's orders when the customer has "
        "none.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    active = fields.Boolean(default=True, tracking=True)
    color = fields.Integer()
    description = fields.Html()
    policy_ids = fields.One2many(
        "sales.territory.channel", "channel_id", string="Territories"
    )
    territory_count = fields.Integer(
        compute="_compute_territory_count", search="_search_territory_count"
    )
    # KPI header (current month, from the cockpit's figures)
    month_revenue = fields.Monetary(compute="_compute_month_kpis")
    month_margin_rate = fields.Float(compute="_compute_month_kpis")
    month_order_count = fields.Integer(compute="_compute_month_kpis")
    month_target = fields.Monetary(compute="_compute_month_kpis")
    month_achievement = fields.Float(compute="_compute_month_kpis")
    customer_count = fields.Integer(compute="_compute_counts")
    order_count = fields.Integer(compute="_compute_counts")
    lead_count = fields.Integer(compute="_compute_counts")
    scorecard_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique (company_id, code)",
            "The code of a sales channel must be unique within a company.",
        ),
    ]

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for channel in self:
            channel.complete_name = (
                f"{channel.parent_id.complete_name} / {channel.name}"
                if channel.parent_id
                else channel.name
            )

    @api.depends("channel_type")
    def _compute_modes(self):
        for channel in self:
            channel.sales_mode = (
                "indirect" if channel.channel_type in INDIRECT_TYPES else "direct"
            )
            channel.is_online = channel.channel_type in ONLINE_TYPES

    def _compute_territory_count(self):
        counts = dict(
            self.env["sales.territory.channel"]._read_group(
                [("channel_id", "in", self.ids), ("policy", "!=", "blocked")],
                ["channel_id"],
                ["__count"],
            )
        )
        for channel in self:
            channel.territory_count = counts.get(channel, 0)

    def _search_territory_count(self, operator, value):
        if operator not in ("=", "!=", ">", ">=", "<", "<=") or not isinstance(
            value, int
        ):
            raise UserError(self.env._("Unsupported search on the territory count."))
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT c.id FROM sales_channel c
                     LEFT JOIN sales_territory_channel r
                       ON r.channel_id = c.id AND r.policy != 'blocked'
                    GROUP BY c.id HAVING count(r.id) %s %s""",
                SQL(operator),
                value,
            )
        )
        return [("id", "in", [row[0] for row in self.env.cr.fetchall()])]

    def _compute_month_kpis(self):
        today = fields.Date.context_today(self)
        first = today.replace(day=1)
        Report = self.env["sales.performance.report"]
        figures = {
            channel: (ordered, margin, orders)
            for channel, ordered, margin, orders in Report._read_group(
                [
                    ("channel_id", "in", self.ids),
                    ("date", ">=", first),
                    ("date", "<=", today),
                ],
                ["channel_id"],
                ["ordered_amount:sum", "margin:sum", "order_count:sum"],
            )
        }
        targets = {
            channel: (target, actual)
            for channel, target, actual in self.env["sales.target"]._read_group(
                [
                    ("dimension", "=", "channel"),
                    ("channel_id", "in", self.ids),
                    ("measure", "=", "ordered"),
                    ("territory_id", "=", False),
                    ("date_from", "<=", today),
                    ("date_to", ">=", today),
                    ("state", "!=", "draft"),
                ],
                ["channel_id"],
                ["target_value:sum", "actual_value:sum"],
            )
        }
        for channel in self:
            ordered, margin, orders = figures.get(channel, (0.0, 0.0, 0))
            target, actual = targets.get(channel, (0.0, 0.0))
            channel.month_revenue = ordered
            channel.month_margin_rate = 100.0 * margin / ordered if ordered else 0.0
            channel.month_order_count = orders
            channel.month_target = target
            channel.month_achievement = 100.0 * actual / target if target else 0.0

    def _compute_counts(self):
        domain = [("channel_id", "in", self.ids)]
        counts = {
            "customer_count": self.env["res.partner"]._read_group(
                domain + [("parent_id", "=", False)], ["channel_id"], ["__count"]
            ),
            "order_count": self.env["sale.order"]._read_group(
                domain, ["channel_id"], ["__count"]
            ),
            "lead_count": self.env["crm.lead"]._read_group(
                domain, ["channel_id"], ["__count"]
            ),
            "scorecard_count": self.env["sales.channel.scorecard"]._read_group(
                domain, ["channel_id"], ["__count"]
            ),
        }
        for fname, groups in counts.items():
            values = dict(groups)
            for channel in self:
                channel[fname] = values.get(channel, 0)

    # ------------------------------------------------------------ constraints
    def _check_before_write(self, vals_list):
        """Cycles and duplicate codes, refused before writing with a message
        naming what is wrong (the SQL constraint stays as a guard)."""
        for vals, record in vals_list:
            if vals.get("parent_id") and record:
                parent = self.browse(vals["parent_id"])
                ancestors = {int(i) for i in (parent.parent_path or "").split("/") if i}
                if record.id in ancestors | {parent.id}:
                    raise ValidationError(
                        self.env._(
                            "Channel %(channel)s cannot be in group %(group)s: the "
                            "group is the channel itself or one of its channels.",
                            channel=record.display_name,
                            group=parent.display_name,
                        )
                    )
            code = vals.get("code")
            if code:
                company_id = vals.get("company_id") or (
                    record.company_id.id if record else self.env.company.id
                )
                other = self.with_context(active_test=False).search(
                    [
                        ("code", "=", code),
                        ("company_id", "=", company_id),
                        ("id", "!=", record.id if record else 0),
                    ],
                    limit=1,
                )
                if other:
                    raise ValidationError(
                        self.env._(
                            "The code %(code)s is already used by channel %(channel)s.",
                            code=code,
                            channel=other.display_name,
                        )
                    )

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A channel group cannot contain itself."))

    def _managers_changed(self):
        """Record rules read the channels a user manages: refresh them."""
        self.env["res.users"].invalidate_model(["sales_channel_managed_ids"])
        self.env.registry.clear_cache()

    @api.model_create_multi
    def create(self, vals_list):
        self._check_input_values(vals_list)
        self._check_before_write([(vals, None) for vals in vals_list])
        channels = super().create(vals_list)
        channels._managers_changed()
        return channels

    def write(self, vals):
        self._check_input_values([vals])
        if "parent_id" in vals or "code" in vals:
            self._check_before_write([(vals, record) for record in self])
        res = super().write(vals)
        if {"manager_id", "parent_id", "active"} & vals.keys():
            self._managers_changed()
        return res

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for channel, vals in zip(self, vals_list, strict=True):
            if "name" not in (default or {}):
                vals["name"] = self.env._("%s (copy)", channel.name)
            vals["code"] = False
        return vals_list

    # ------------------------------------------------------------ actions
    def _action(self, model, name, domain=None, view_mode="list,form"):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": view_mode,
            "domain": domain or [("channel_id", "=", self.id)],
            "context": {"default_channel_id": self.id},
        }

    def action_view_orders(self):
        return self._action("sale.order", self.env._("Orders of %s", self.name))

    def action_view_customers(self):
        return self._action(
            "res.partner",
            self.env._("Customers of %s", self.name),
            [("channel_id", "=", self.id), ("parent_id", "=", False)],
        )

    def action_view_leads(self):
        return self._action(
            "crm.lead",
            self.env._("Leads of %s", self.name),
            view_mode="list,kanban,form",
        )

    def action_view_scorecards(self):
        return self._action(
            "sales.channel.scorecard",
            self.env._("Scorecards of %s", self.name),
            view_mode="list,pivot,graph",
        )

    def action_view_performance(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "sales_territory.sales_performance_report_action"
        )
        action["domain"] = [("channel_id", "=", self.id)]
        return action

    @api.model
    def get_import_templates(self):
        """Offered on the import screen: channel groups and their channels
        (the file is written by docs/import_templates.py)."""
        return [
            {
                "label": self.env._("Import Template for Sales Channels"),
                "template": "/sales_channel/static/xls/sales_channel.xlsx",
            }
        ]
