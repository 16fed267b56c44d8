from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

POLICIES = [
    ("preferred", "Preferred"),
    ("allowed", "Allowed"),
    ("blocked", "Blocked"),
]


class SalesTerritoryChannel(models.Model):
    """Which channels serve a territory: one row per territory and channel,
    inherited by the sub-territories that have no row of their own."""

    _name = "sales.territory.channel"
    _description = "Territory x Channel Policy"
    _inherit = ["sales.territory.input.mixin"]
    _order = "territory_id, channel_id"
    _rec_name = "channel_id"
    _check_company_auto = True

    territory_id = fields.Many2one(
        "sales.territory",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    channel_id = fields.Many2one(
        "sales.channel",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    policy = fields.Selection(POLICIES, required=True, default="allowed")
    note = fields.Char(help="Why, for whoever reads the matrix later.")
    company_id = fields.Many2one(
        related="territory_id.company_id", store=True, index=True, precompute=True
    )

    _sql_constraints = [
        (
            "territory_channel_uniq",
            "unique (territory_id, channel_id)",
            "A territory has one policy per channel.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        self._check_input_values(vals_list)
        for vals in vals_list:
            existing = self.search(
                [
                    ("territory_id", "=", vals.get("territory_id")),
                    ("channel_id", "=", vals.get("channel_id")),
                ],
                limit=1,
            )
            if existing:
                raise ValidationError(
                    self.env._(
                        "Territory %(territory)s already has a policy for channel "
                        "%(channel)s (%(policy)s): change it instead of adding one.",
                        territory=existing.territory_id.display_name,
                        channel=existing.channel_id.display_name,
                        policy=dict(
                            self._fields["policy"]._description_selection(self.env)
                        )[existing.policy],
                    )
                )
        return super().create(vals_list)

    @api.constrains("territory_id", "channel_id")
    def _check_same_company(self):
        for row in self:
            if row.territory_id.company_id != row.channel_id.company_id:
                raise ValidationError(
                    self.env._(
                        "Territory %(territory)s and channel %(channel)s belong to "
                        "different companies.",
                        territory=row.territory_id.display_name,
                        channel=row.channel_id.display_name,
                    )
                )

    @api.model
    def _effective(self, territory_ids, channel_ids=None):
        """The policy that applies to each (territory, channel): the row of
        the territory itself, else of its nearest ancestor that has one.

        Returns {(territory id, channel id): (policy, row id)}; pairs without
        any row up the tree are absent (no policy)."""
        if not territory_ids:
            return {}
        self.env.flush_all()
        channel_filter = (
            SQL("AND r.channel_id = ANY(%s)", list(channel_ids))
            if channel_ids is not None
            else SQL()
        )
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (t.id, r.channel_id)
                          t.id, r.channel_id, r.policy, r.id
                     FROM sales_territory t
                     JOIN sales_territory a
                       ON starts_with(t.parent_path, a.parent_path)
                     JOIN sales_territory_channel r ON r.territory_id = a.id
                    WHERE t.id = ANY(%s) %s
                    ORDER BY t.id, r.channel_id, a.depth DESC""",
                list(territory_ids),
                channel_filter,
            )
        )
        return {
            (territory_id, channel_id): (policy, row_id)
            for territory_id, channel_id, policy, row_id in self.env.cr.fetchall()
        }

    # ------------------------------------------------------------ matrix editor
    @api.model
    def get_matrix(self, company_id=None):
        """Data of the matrix editor: territories as rows, channels as columns,
        each cell with its own policy (if any) and the one it inherits."""
        company = (
            self.env["res.company"].browse(company_id)
            if company_id
            else (self.env.company)
        )
        territories = self.env["sales.territory"].search(
            [("company_id", "=", company.id)], order="parent_path"
        )
        channels = self.env["sales.channel"].search(
            [("company_id", "=", company.id), ("child_ids", "=", False)]
        )
        own = {
            (row.territory_id.id, row.channel_id.id): row
            for row in self.search(
                [
                    ("territory_id", "in", territories.ids),
                    ("channel_id", "in", channels.ids),
                ]
            )
        }
        effective = self._effective(territories.ids, channels.ids)
        rows_by_id = {row.id: row for row in own.values()}
        cells = {}
        for (territory_id, channel_id), (policy, row_id) in effective.items():
            row = rows_by_id.get(row_id) or self.browse(row_id)
            cells[f"{territory_id},{channel_id}"] = {
                "policy": policy,
                "own": (territory_id, channel_id) in own,
                "source": row.territory_id.display_name,
            }
        can_edit = self.has_access("write") and self.has_access("create")
        return {
            "territories": [
                {
                    "id": territory.id,
                    "name": territory.name,
                    "complete_name": territory.complete_name,
                    "depth": territory.depth,
                }
                for territory in territories
            ],
            "channels": [
                {"id": channel.id, "name": channel.complete_name}
                for channel in channels
            ],
            "cells": cells,
            "policies": self._fields["policy"]._description_selection(self.env),
            "can_edit": can_edit,
        }

    @api.model
    def set_matrix_policy(self, territory_id, channel_id, policy):
        """Set (or with a false policy, remove) the own policy of a cell."""
        if policy and policy not in dict(POLICIES):
            raise ValidationError(self.env._("Unknown policy %s.", policy))
        if not (self.has_access("write") and self.has_access("create")):
            raise AccessError(
                self.env._(
                    "You are not allowed to change the territory x channel matrix."
                )
            )
        row = self.search(
            [("territory_id", "=", territory_id), ("channel_id", "=", channel_id)]
        )
        if not policy:
            row.unlink()
        elif row:
            row.policy = policy
        else:
            self.create(
                {
                    "territory_id": territory_id,
                    "channel_id": channel_id,
                    "policy": policy,
                }
            )
        return True


class SalesTerritory(models.Model):
    _inherit = "sales.territory"

    channel_policy_ids = fields.One2many(
        "sales.territory.channel", "territory_id", string="Channels"
    )
    channel_gap = fields.Boolean(
        string="No Channel",
        compute="_compute_channel_gap",
        search="_search_channel_gap",
        help="No channel is preferred or allowed in the territory, not even by "
        "inheritance from a parent territory.",
    )

    @api.model
    def _all_territory_ids(self):
        self.env.cr.execute(SQL("SELECT id FROM sales_territory"))
        return [row[0] for row in self.env.cr.fetchall()]

    def _served_territories(self):
        """Ids of self that some channel serves (preferred or allowed)."""
        effective = self.env["sales.territory.channel"]._effective(self.ids)
        return {
            territory_id
            for (territory_id, _channel), (policy, _row) in effective.items()
            if policy != "blocked"
        }

    def _compute_channel_gap(self):
        served = self._served_territories()
        for territory in self:
            territory.channel_gap = territory.id not in served

    def _search_channel_gap(self, operator, value):
        if operator not in ("=", "!="):
            return [("id", "=", 0)]
        served = self.browse(self._all_territory_ids())._served_territories()
        gap = bool(value) == (operator == "=")
        return [("id", "not in" if gap else "in", list(served))]

    def _preferred_channels(self):
        """The preferred channel (own or inherited) of each territory of self
        that has one, in one query: {territory id: channel} (the first by
        channel order when several are preferred)."""
        effective = self.env["sales.territory.channel"]._effective(self.ids)
        preferred = {}
        for (territory_id, channel_id), (policy, _row) in effective.items():
            if policy == "preferred":
                preferred.setdefault(territory_id, self.env["sales.channel"])
                preferred[territory_id] |= self.env["sales.channel"].browse(channel_id)
        return {key: channels.sorted()[:1] for key, channels in preferred.items()}

    def _preferred_channel(self):
        """The preferred channel of the territory (own or inherited), if one."""
        self.ensure_one()
        return self._preferred_channels().get(self.id, self.env["sales.channel"])
