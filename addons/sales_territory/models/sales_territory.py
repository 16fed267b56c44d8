from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

LEVELS = [
    ("region", "Region"),
    ("province", "Province"),
    ("city", "City"),
    ("district", "District"),
    ("custom", "Custom"),
]


class SalesTerritory(models.Model):
    _name = "sales.territory"
    _description = "Sales Territory"
    _inherit = ["mail.thread", "mail.activity.mixin", "sales.territory.input.mixin"]
    _parent_name = "parent_id"
    _parent_store = True
    _rec_name = "complete_name"
    _order = "complete_name, id"
    _check_company_auto = True

    name = fields.Char(required=True, index="trigram", tracking=True)
    code = fields.Char(
        index=True,
        tracking=True,
        help="Short code of the territory, unique within a company (e.g. CN-E-ZJ).",
    )
    complete_name = fields.Char(
        compute="_compute_complete_name",
        recursive=True,
        store=True,
        index="trigram",
        help="Full path of the territory in the tree, e.g. East China / Zhejiang.",
    )
    parent_id = fields.Many2one(
        "sales.territory",
        string="Parent Territory",
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many(
        "sales.territory", "parent_id", string="Sub-territories"
    )
    level = fields.Selection(
        LEVELS,
        required=True,
        default="custom",
        help="Kind of area. Reports show each territory under its region: the "
        "nearest territory of level Region above it, or itself.",
    )
    region_id = fields.Many2one(
        "sales.territory",
        compute="_compute_region_id",
        recursive=True,
        store=True,
        index=True,
        help="The nearest territory of level Region above this one (or itself); "
        "the top-level territory when there is none.",
    )
    depth = fields.Integer(
        compute="_compute_depth",
        recursive=True,
        store=True,
        help="0 for a top-level territory, 1 for its children, and so on. "
        "When two rules with the same priority match, the deeper territory wins.",
    )
    sequence = fields.Integer(default=10)
    manager_id = fields.Many2one(
        "res.users",
        string="Territory Manager",
        index=True,
        tracking=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Owns the territory: sees its documents and, with the Territory "
        "Manager access, edits its salespeople, rules and sub-territories.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "sales_territory_member_rel",
        "territory_id",
        "user_id",
        string="Salespeople",
        domain="[('share', '=', False)]",
        help="Salespeople of the territory. With the Own territories access they "
        "see the leads, orders and invoices of this territory and its sub-territories.",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        index=True,
        check_company=True,
        help="Default sales team of the territory: unassigned leads of the "
        "territory are routed to it.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Default Pricelist",
        check_company=True,
        tracking=True,
        help="Quotations of the territory and of its sub-territories (unless they "
        "have their own) use this pricelist, when neither the customer nor the "
        "sales channel gives one. It must be in the company's currency.",
    )
    effective_pricelist_id = fields.Many2one(
        "product.pricelist",
        compute="_compute_effective_pricelist_id",
        recursive=True,
        string="Pricelist in Force",
        help="The territory's own default pricelist, else the one of its nearest "
        "ancestor that has one.",
    )
    active = fields.Boolean(default=True, tracking=True)
    color = fields.Integer()
    description = fields.Html()
    state_ids = fields.Many2many(
        "res.country.state",
        compute="_compute_state_ids",
        string="States",
        help="States named by the assignment rules of this territory.",
    )
    rule_ids = fields.One2many("sales.territory.rule", "territory_id", string="Rules")
    partner_ids = fields.One2many("res.partner", "territory_id", string="Customers")
    partner_count = fields.Integer(compute="_compute_counts", string="Customers #")
    lead_count = fields.Integer(compute="_compute_counts", string="Leads #")
    order_count = fields.Integer(compute="_compute_counts", string="Orders #")
    rule_count = fields.Integer(compute="_compute_counts", string="Rules #")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique (company_id, code)",
            "The code of a territory must be unique within a company.",
        ),
    ]

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for territory in self:
            if territory.parent_id:
                territory.complete_name = (
                    f"{territory.parent_id.complete_name} / {territory.name}"
                )
            else:
                territory.complete_name = territory.name

    @api.depends("level", "parent_id.region_id")
    def _compute_region_id(self):
        for territory in self:
            # the parent's region is either a true region or, when no ancestor is
            # of level Region, the top-level ancestor: both are right for us too
            if territory.level == "region" or not territory.parent_id:
                territory.region_id = territory
            else:
                territory.region_id = territory.parent_id.region_id

    @api.depends("parent_id.depth")
    def _compute_depth(self):
        for territory in self:
            territory.depth = (
                territory.parent_id.depth + 1 if territory.parent_id else 0
            )

    @api.depends("rule_ids.state_ids")
    def _compute_state_ids(self):
        for territory in self:
            territory.state_ids = territory.rule_ids.state_ids

    @api.depends("pricelist_id", "parent_id.effective_pricelist_id")
    def _compute_effective_pricelist_id(self):
        for territory in self:
            territory.effective_pricelist_id = (
                territory.pricelist_id or territory.parent_id.effective_pricelist_id
            )

    def _compute_counts(self):
        domain = [("territory_id", "child_of", self.ids)]
        Partner = self.env["res.partner"]
        counts = {
            "partner_count": Partner._read_group(
                domain + [("parent_id", "=", False)], ["territory_id"], ["__count"]
            ),
            "lead_count": self.env["crm.lead"]._read_group(
                domain, ["territory_id"], ["__count"]
            ),
            "order_count": self.env["sale.order"]._read_group(
                domain, ["territory_id"], ["__count"]
            ),
        }
        rules = dict(
            self.env["sales.territory.rule"]._read_group(
                [("territory_id", "in", self.ids)], ["territory_id"], ["__count"]
            )
        )
        for territory in self:
            prefix = territory.parent_path
            for fname, groups in counts.items():
                territory[fname] = (
                    sum(n for t, n in groups if t.parent_path.startswith(prefix))
                    if prefix
                    else 0
                )
            territory.rule_count = rules.get(territory, 0)

    def _effective_team(self):
        """The sales team of the territory, else of its nearest ancestor."""
        self.ensure_one()
        for territory in reversed(self._ancestors_and_self()):
            if territory.team_id:
                return territory.team_id
        return self.env["crm.team"]

    def _ancestors_and_self(self):
        """Ancestors from the top down to self (by parent_path)."""
        self.ensure_one()
        if not self.parent_path:
            return self
        ids = [int(i) for i in self.parent_path.split("/") if i]
        return self.browse(ids)

    # ------------------------------------------------------------ constraints
    def _check_no_cycle(self, parent):
        """Refuse, before writing, a parent that is the territory or below it."""
        ancestors = {int(i) for i in (parent.parent_path or "").split("/") if i}
        ancestors.add(parent.id)
        looping = self.filtered(lambda t: t.id in ancestors)
        if looping:
            looping._raise_cycle()

    def _raise_cycle(self):
        raise ValidationError(
            self.env._(
                "A territory cannot be its own ancestor: %(names)s would create "
                "a loop in the territory tree.",
                names=", ".join(self.mapped("name")),
            )
        )

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            self._raise_cycle()

    @api.constrains("pricelist_id", "company_id")
    def _check_pricelist(self):
        """A territory's pricelist must be of its company (or shared) and in the
        company's currency: the orders of the territory are priced in it."""
        for territory in self.filtered("pricelist_id"):
            pricelist = territory.pricelist_id
            company = territory.company_id
            if pricelist.company_id and pricelist.company_id != company:
                raise ValidationError(
                    self.env._(
                        "Territory %(territory)s belongs to %(company)s but its "
                        "pricelist %(pricelist)s belongs to %(other)s: choose a "
                        "pricelist of %(company)s or one shared by all companies.",
                        territory=territory.display_name,
                        company=company.name,
                        pricelist=pricelist.display_name,
                        other=pricelist.company_id.name,
                    )
                )
            if pricelist.currency_id != company.currency_id:
                raise ValidationError(
                    self.env._(
                        "The pricelist %(pricelist)s of territory %(territory)s is in "
                        "%(currency)s but %(company)s sells in %(company_currency)s: "
                        "choose a pricelist in %(company_currency)s.",
                        pricelist=pricelist.display_name,
                        territory=territory.display_name,
                        currency=pricelist.currency_id.name,
                        company=company.name,
                        company_currency=company.currency_id.name,
                    )
                )

    @api.constrains("manager_id", "member_ids")
    def _check_internal_users(self):
        for territory in self:
            portal = (territory.manager_id | territory.member_ids).filtered("share")
            if portal:
                raise ValidationError(
                    self.env._(
                        "Territory %(territory)s: managers and salespeople must be "
                        "internal users, and %(users)s is not (portal or public "
                        "users cannot be given a territory).",
                        territory=territory.display_name,
                        users=", ".join(portal.mapped("name")),
                    )
                )

    @api.constrains("active")
    def _check_archive(self):
        archived = self.filtered(lambda t: not t.active)
        if not archived:
            return
        Partner = self.env["res.partner"].with_context(active_test=True)
        groups = Partner._read_group(
            [("territory_id", "in", archived.ids)], ["territory_id"], ["__count"]
        )
        if groups:
            territory, count = groups[0]
            raise ValidationError(
                self.env._(
                    "Territory %(territory)s still has %(count)s customer(s) or "
                    "contact(s). Move them to another territory first (with a "
                    "realignment, or by hand), then archive it.",
                    territory=territory.display_name,
                    count=count,
                )
            )
        children = self.search(
            [("parent_id", "in", archived.ids), ("id", "not in", archived.ids)], limit=1
        )
        if children:
            raise ValidationError(
                self.env._(
                    "Territory %(territory)s still has the active sub-territory "
                    "%(child)s. Archive or move the sub-territories first.",
                    territory=children.parent_id.display_name,
                    child=children.display_name,
                )
            )

    # ------------------------------------------------------------ CRUD
    def _membership_changed(self):
        """Record rules read the territories of the user: refresh them."""
        self.env["res.users"].invalidate_model(
            ["sales_territory_ids", "sales_territory_managed_ids"]
        )
        self.env.registry.clear_cache()

    def _check_code_available(self, vals_list):
        """Refuse a code already used in the company, naming the territory that
        has it (checked before writing, the SQL constraint stays as a guard)."""
        seen = {}
        for vals, record in vals_list:
            code = vals.get("code", record.code if record else False)
            if not code or ("code" not in vals and "company_id" not in vals):
                continue
            company_id = vals.get("company_id") or (
                record.company_id.id if record else self.env.company.id
            )
            if (company_id, code) in seen:
                raise ValidationError(
                    self.env._(
                        "Two territories cannot have the same code %(code)s.", code=code
                    )
                )
            seen[(company_id, code)] = True
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
                        "The code %(code)s is already used by territory %(territory)s "
                        "in %(company)s. Codes are unique within a company.",
                        code=code,
                        territory=other.display_name,
                        company=other.company_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_input_values(vals_list)
        self._check_code_available([(vals, None) for vals in vals_list])
        territories = super().create(vals_list)
        territories._membership_changed()
        return territories

    def write(self, vals):
        self._check_input_values([vals])
        if vals.get("parent_id"):
            self._check_no_cycle(self.browse(vals["parent_id"]))
        if "code" in vals or "company_id" in vals:
            self._check_code_available([(vals, record) for record in self])
        res = super().write(vals)
        if {"member_ids", "manager_id", "parent_id", "active"} & vals.keys():
            self._membership_changed()
        return res

    def unlink(self):
        res = super().unlink()
        self._membership_changed()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search_count([("territory_id", "in", self.ids)], limit=1)
        )
        if used:
            raise UserError(
                self.env._(
                    "Territories that customers belong to cannot be deleted. "
                    "Move their customers first, or archive the territory instead."
                )
            )

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for territory, vals in zip(self, vals_list, strict=True):
            if "name" not in (default or {}):
                vals["name"] = self.env._("%s (copy)", territory.name)
            if territory.code and "code" not in (default or {}):
                vals["code"] = False
        return vals_list

    # ------------------------------------------------------------ actions
    def _action_documents(self, model, name, extra_domain=None):
        self.ensure_one()
        action = {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("territory_id", "child_of", self.id)] + (extra_domain or []),
            "context": {"default_territory_id": self.id},
        }
        return action

    def action_view_partners(self):
        return self._action_documents(
            "res.partner",
            self.env._("Customers of %s", self.name),
            [("is_company", "in", (True, False)), ("parent_id", "=", False)],
        )

    def action_view_leads(self):
        action = self._action_documents(
            "crm.lead", self.env._("Leads and Opportunities of %s", self.name)
        )
        action["view_mode"] = "list,kanban,form"
        return action

    def action_view_orders(self):
        return self._action_documents(
            "sale.order", self.env._("Orders of %s", self.name)
        )

    def action_view_rules(self):
        action = self._action_documents(
            "sales.territory.rule", self.env._("Rules of %s", self.name)
        )
        action["domain"] = [("territory_id", "=", self.id)]
        return action

    @api.model
    def get_import_templates(self):
        """Offered on the import screen: China's regions, provinces and some
        cities (the file is written by docs/import_templates.py)."""
        return [
            {
                "label": self.env._("Import Template for Territories"),
                "template": "/sales_territory/static/xls/sales_territory.xlsx",
            }
        ]
