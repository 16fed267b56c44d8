"""Sales incentive plans: an achievement -> payout curve applied to the
actuals of the targets of salespeople or territory managers, period by
period (see :class:`SalesIncentiveStatement`)."""

from collections import defaultdict
from datetime import timedelta
from itertools import pairwise

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

from .sales_target import period_bounds

# Context key of the plan's own writes: its levels are checked once, after all
# of them are written, not after each row (a curve is edited in several rows,
# and a row written before the next one may look like an overlap).
LEVELS_BATCH_CONTEXT = "sales_incentive_levels_batch"

# Target periods that fit in a statement period, preferred first: a quarter's
# statement takes the quarterly target, else the sum of the monthly ones.
FITTING_PERIODS = {
    "month": ("month",),
    "quarter": ("quarter", "month"),
    "year": ("year", "quarter", "month"),
}

# Achievements (%) shown in the preview of a curve, besides its levels.
PREVIEW_POINTS = (0.0, 25.0, 50.0, 75.0, 100.0, 125.0, 150.0, 200.0)


def format_percent(value):
    """50.0 -> '50', 33.333 -> '33.33' (labels of levels and previews)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def curve_payout(points, cap, achievement):
    """Payout (% of the base amount) at ``achievement`` (%).

    ``points`` are the levels ``(achievement_from, payout, mode)`` in
    ascending order of achievement. Below the first level nothing is paid.
    From a level on, the payout is the level's; with the linear mode it rises
    in a straight line to the next level's payout, reached at the next
    level's achievement. Above the last level the payout stays at its value.
    ``cap`` (% of the base amount, 0 for none) bounds the result."""
    payout = 0.0
    for index, (start, value, mode) in enumerate(points):
        if achievement < start:
            break
        payout = value
        if mode == "linear" and index + 1 < len(points):
            end, end_value, _mode = points[index + 1]
            if achievement < end:
                payout = value + (end_value - value) * (achievement - start) / (
                    end - start
                )
    if cap:
        payout = min(payout, cap)
    return payout


class SalesIncentivePlan(models.Model):
    _name = "sales.incentive.plan"
    _description = "Sales Incentive Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "sales.territory.input.mixin"]
    _order = "date_from desc, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        help="Draft: the curve and the participants are being set up. Active: "
        "statements are computed. Closed: no more statements.",
    )
    participant_rule = fields.Selection(
        [
            ("users", "Chosen People"),
            ("teams", "Salespeople of Sales Teams"),
            ("territory_managers", "All Territory Managers"),
        ],
        string="Participants",
        required=True,
        default="users",
        tracking=True,
        help="Chosen People: the people listed. Salespeople of Sales Teams: the "
        "members of the teams chosen, as they are when statements are computed. "
        "All Territory Managers: every manager of a territory of the company.",
    )
    role = fields.Selection(
        [
            ("salesperson", "Salesperson"),
            ("territory_manager", "Territory Manager"),
        ],
        string="Measured As",
        required=True,
        compute="_compute_role",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Salesperson: on their own targets (targets by salesperson). Territory "
        "Manager: on the targets of the territories they manage (targets by "
        "territory, sub-territories included).",
    )
    user_ids = fields.Many2many(
        "res.users",
        "sales_incentive_plan_user_rel",
        "plan_id",
        "user_id",
        string="People",
        domain="[('share', '=', False)]",
        help="The participants when the plan is for chosen people.",
    )
    team_ids = fields.Many2many(
        "crm.team",
        "sales_incentive_plan_team_rel",
        "plan_id",
        "team_id",
        string="Sales Teams",
        help="Their members take part when the plan is for salespeople of teams.",
    )
    measure = fields.Selection(
        selection=lambda self: (
            self.env["sales.target"]._fields["measure"]._description_selection(self.env)
        ),
        required=True,
        default="ordered",
        tracking=True,
        help="The measure of the targets whose achievement is paid. Only targets "
        "of this measure, confirmed or closed and without a product category, count.",
    )
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        string="Period",
        required=True,
        default="month",
        tracking=True,
        help="One statement per person and period. A period takes the targets of "
        "the same period, else the sum of the shorter ones it contains (the months "
        "of a quarter); targets of custom dates do not count.",
    )
    date_from = fields.Date(
        string="Start",
        required=True,
        tracking=True,
        default=lambda self: fields.Date.context_today(self).replace(month=1, day=1),
        help="Statements are computed for the periods between the start and the end.",
    )
    date_to = fields.Date(
        string="End",
        required=True,
        tracking=True,
        default=lambda self: fields.Date.context_today(self).replace(month=12, day=31),
    )
    base_amount = fields.Monetary(
        currency_field="currency_id",
        tracking=True,
        help="What a person earns per period at 100 % payout; the payout of a "
        "statement is this amount times its payout percentage.",
    )
    cap_payout = fields.Float(
        string="Cap (%)",
        tracking=True,
        help="Highest payout, in % of the base amount, whatever the achievement. "
        "0 for no cap.",
    )
    level_ids = fields.One2many(
        "sales.incentive.plan.level",
        "plan_id",
        string="Payout Levels",
        copy=True,
        help="From which achievement which payout is earned. Below the first level "
        "nothing is paid; above the last one its payout stays.",
    )
    curve_preview = fields.Html(
        compute="_compute_curve_preview",
        sanitize=False,
        help="The payout at a few achievements, by the levels and the cap.",
    )
    statement_ids = fields.One2many("sales.incentive.statement", "plan_id")
    statement_count = fields.Integer(compute="_compute_statement_count")
    note = fields.Text(string="Notes", help="The rules of the plan, for the people.")

    _sql_constraints = [
        (
            "dates_check",
            "CHECK (date_from <= date_to)",
            "An incentive plan cannot end before it starts.",
        ),
        (
            "amounts_check",
            "CHECK (base_amount >= 0 AND cap_payout >= 0)",
            "The base amount and the cap of an incentive plan cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------ computes
    @api.depends("participant_rule")
    def _compute_role(self):
        for plan in self:
            if plan.participant_rule == "teams":
                plan.role = "salesperson"
            elif plan.participant_rule == "territory_managers":
                plan.role = "territory_manager"
            else:
                plan.role = plan.role or "salesperson"

    def _curve_points(self):
        """The levels as ``(achievement_from, payout, mode)``, ascending."""
        self.ensure_one()
        return [
            (level.achievement_from, level.payout, level.mode)
            for level in self.level_ids.sorted(lambda lv: (lv.achievement_from, lv.id))
        ]

    def _payout_percent(self, achievement):
        """Payout (% of the base amount) of the plan at ``achievement`` (%)."""
        self.ensure_one()
        return curve_payout(self._curve_points(), self.cap_payout, achievement)

    @api.depends(
        "level_ids.achievement_from",
        "level_ids.payout",
        "level_ids.mode",
        "cap_payout",
        "base_amount",
        "currency_id",
    )
    def _compute_curve_preview(self):
        for plan in self:
            points = plan._curve_points()
            achievements = sorted(
                set(PREVIEW_POINTS) | {start for start, _payout, _mode in points}
            )
            rows = Markup()
            for achievement in achievements:
                payout = curve_payout(points, plan.cap_payout, achievement)
                rows += Markup(
                    "<tr><td class='text-end'>%s %%</td><td class='text-end'>%s %%</td>"
                    "<td class='text-end'>%s</td></tr>"
                ) % (
                    format_percent(achievement),
                    format_percent(payout),
                    format_amount(
                        self.env, plan.base_amount * payout / 100.0, plan.currency_id
                    )
                    if plan.currency_id
                    else "",
                )
            plan.curve_preview = Markup(
                "<table class='table table-sm o_incentive_curve'><thead><tr>"
                "<th class='text-end'>%s</th><th class='text-end'>%s</th>"
                "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
            ) % (
                self.env._("Achievement"),
                self.env._("Payout"),
                self.env._("Amount"),
                rows,
            )

    def _compute_statement_count(self):
        counts = dict(
            self.env["sales.incentive.statement"]._read_group(
                [("plan_id", "in", self.ids)], ["plan_id"], ["__count"]
            )
        )
        for plan in self:
            plan.statement_count = counts.get(plan, 0)

    # ------------------------------------------------------------ constraints
    @api.constrains("level_ids", "cap_payout")
    def _check_levels(self):
        """Levels in ascending achievement, each starting at its own
        achievement and paying at least as much as the one below."""
        for plan in self:
            levels = plan.level_ids.sorted(
                lambda lv: (lv.achievement_from, lv.payout, lv.id)
            )
            for level in levels:
                if level.achievement_from < 0 or level.payout < 0:
                    raise ValidationError(
                        self.env._(
                            "Level %(level)s of plan %(plan)s: achievement and "
                            "payout cannot be negative.",
                            level=level.display_name,
                            plan=plan.display_name,
                        )
                    )
            for lower, upper in pairwise(levels):
                if round(lower.achievement_from - upper.achievement_from, 4) == 0:
                    raise ValidationError(
                        self.env._(
                            "Levels %(first)s and %(second)s of plan %(plan)s overlap: "
                            "both start at %(achievement)s %% achievement. Give each "
                            "level its own starting achievement.",
                            first=lower.display_name,
                            second=upper.display_name,
                            plan=plan.display_name,
                            achievement=format_percent(lower.achievement_from),
                        )
                    )
                if upper.payout < lower.payout:
                    raise ValidationError(
                        self.env._(
                            "Levels of plan %(plan)s go backwards: level %(upper)s "
                            "pays less than level %(lower)s below it. The payout "
                            "must not fall as the achievement rises.",
                            plan=plan.display_name,
                            upper=upper.display_name,
                            lower=lower.display_name,
                        )
                    )

    @api.constrains("participant_rule", "role")
    def _check_role(self):
        for plan in self:
            if (plan.participant_rule, plan.role) in (
                ("teams", "territory_manager"),
                ("territory_managers", "salesperson"),
            ):
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s: the salespeople of sales teams are measured "
                        "as salespeople, territory managers as territory managers.",
                        plan=plan.display_name,
                    )
                )

    # ------------------------------------------------------------ CRUD, states
    @api.model_create_multi
    def create(self, vals_list):
        plans = super(
            SalesIncentivePlan, self.with_context(**{LEVELS_BATCH_CONTEXT: True})
        ).create(vals_list)
        return plans.with_env(self.env)

    def write(self, vals):
        return super(
            SalesIncentivePlan, self.with_context(**{LEVELS_BATCH_CONTEXT: True})
        ).write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_settled(self):
        settled = self.statement_ids.filtered(lambda s: s.state != "draft")
        if settled:
            raise UserError(
                self.env._(
                    "Plan %(plan)s has approved or paid statements: close or archive "
                    "it instead of deleting it.",
                    plan=settled.plan_id[:1].display_name,
                )
            )

    def action_activate(self):
        for plan in self:
            if not plan.level_ids:
                raise UserError(
                    self.env._(
                        "Plan %(plan)s has no payout level: add at least one.",
                        plan=plan.display_name,
                    )
                )
            if not plan._participants():
                raise UserError(
                    self.env._(
                        "Plan %(plan)s has no participant: choose people, sales "
                        "teams with members, or territories with managers.",
                        plan=plan.display_name,
                    )
                )
        self.write({"state": "active"})
        return True

    def action_close(self):
        self.write({"state": "closed"})
        return True

    def action_draft(self):
        self.write({"state": "draft"})
        return True

    def action_compute_statements(self):
        """Button: the statements of every period started so far."""
        for plan in self:
            if plan.state != "active":
                raise UserError(
                    self.env._(
                        "Plan %(plan)s is not active: activate it to compute its "
                        "statements.",
                        plan=plan.display_name,
                    )
                )
        for plan in self:
            statements, missing = plan._compute_statements()
            body = self.env._(
                "%(count)s statements computed for %(periods)s periods.",
                count=len(statements),
                periods=len(plan._statement_periods()),
            )
            if missing:
                body += " " + self.env._(
                    "No target for: %(people)s.",
                    people=", ".join(missing.mapped("name")),
                )
            plan.message_post(body=body)
        return self.action_view_statements()

    def action_view_statements(self):
        action = self.env["ir.actions.actions"]._for_xml_id(
            "sales_territory.sales_incentive_statement_action"
        )
        action["domain"] = [("plan_id", "in", self.ids)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------ statements
    def _participants(self):
        """The active internal users who take part in the plan today."""
        self.ensure_one()
        if self.participant_rule == "teams":
            users = self.team_ids.sudo().member_ids
        elif self.participant_rule == "territory_managers":
            users = (
                self.env["sales.territory"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", self.company_id.id),
                        ("manager_id", "!=", False),
                    ]
                )
                .manager_id
            )
        else:
            users = self.user_ids
        return users.filtered(lambda u: u.active and not u.share)

    def _statement_periods(self, until=None):
        """(first day, last day) of the plan's periods started by ``until``
        (today by default)."""
        self.ensure_one()
        until = min(self.date_to, until or fields.Date.context_today(self))
        start = period_bounds(self.period_type, self.date_from)[0]
        periods = []
        while start <= until:
            periods.append(period_bounds(self.period_type, start))
            start = periods[-1][1] + timedelta(days=1)
        return periods

    def _managed_territories(self, users):
        """{territory: manager} of the territories the users manage, only the
        top ones (a sub-territory of a territory the same person manages is
        counted through it, not twice)."""
        territories = (
            self.env["sales.territory"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("manager_id", "in", users.ids),
                ]
            )
        )
        managed = {t.id: t.manager_id for t in territories}
        tops = {}
        for territory in territories:
            ancestors = [int(i) for i in territory.parent_path.split("/")[:-2]]
            if not any(managed.get(a) == territory.manager_id for a in ancestors):
                tops[territory] = territory.manager_id
        return tops

    def _target_figures(self, keys, periods):
        """{(key, period start): (target, actual, target ids)} of the plan's
        measure, for the dimension of its role (key: a user for salespeople, a
        territory for managers), from one read group over the targets.

        Of the targets that fit a period, those of the plan's period are
        preferred, then the next shorter ones; a salesperson's targets narrowed
        to a territory or a team count only without an overall one."""
        self.ensure_one()
        Target = self.env["sales.target"].sudo()
        dimension = "user" if self.role == "salesperson" else "territory"
        key_field = Target._dimension_fields()[dimension]
        others = [f for f in Target._dimension_fields().values() if f != key_field]
        domain = [
            ("company_id", "=", self.company_id.id),
            ("state", "in", ("confirmed", "closed")),
            ("measure", "=", self.measure),
            ("categ_id", "=", False),
            ("dimension", "=", dimension),
            (key_field, "in", keys.ids),
            ("period_type", "in", FITTING_PERIODS[self.period_type]),
            ("date_from", ">=", periods[0][0]),
            ("date_to", "<=", periods[-1][1]),
        ]
        open_targets = Target.search(domain + [("state", "=", "confirmed")])
        if open_targets:
            open_targets._refresh_actuals()
        rows = Target._read_group(
            domain,
            [key_field, f"date_from:{self.period_type}", "period_type", *others],
            ["target_value:sum", "actual_value:sum", "id:array_agg"],
        )
        candidates = defaultdict(list)
        for key, start, period_type, *rest in rows:
            narrowed = any(rest[: len(others)])
            candidates[key, start].append((period_type, narrowed, *rest[len(others) :]))
        figures = {}
        preference = FITTING_PERIODS[self.period_type]
        for (key, start), found in candidates.items():
            best = min(preference.index(row[0]) for row in found)
            found = [row for row in found if preference.index(row[0]) == best]
            if any(not row[1] for row in found):
                found = [row for row in found if not row[1]]
            figures[key, start] = (
                sum(row[2] for row in found),
                sum(row[3] for row in found),
                [i for row in found for i in row[4]],
            )
        return figures

    def _compute_statements(self, periods=None, users=None):
        """Create or refresh the draft statements of the plan for ``periods``
        (default: every period started so far) and ``users`` (default: the
        participants). Approved and paid statements stay as they are; drafts
        of people who no longer have a target are removed.

        Returns (statements written, participants without any target)."""
        self.ensure_one()
        periods = periods or self._statement_periods()
        if not periods:
            return self.env["sales.incentive.statement"], self.env["res.users"]
        participants = self._participants()
        if users is not None:
            participants &= users
        if self.role == "salesperson":
            owners = {user: user for user in participants}
            keys = participants
        else:
            owners = self._managed_territories(participants)
            keys = self.env["sales.territory"].union(*owners)
        figures = self._target_figures(keys, periods) if keys else {}
        # sum by person and period (a manager of several territories)
        totals = defaultdict(lambda: [0.0, 0.0, [], self.env["sales.territory"]])
        for (key, start), (target, actual, target_ids) in figures.items():
            total = totals[owners[key], start]
            total[0] += target
            total[1] += actual
            total[2] += target_ids
            if self.role == "territory_manager":
                total[3] |= key
        covered = self._covered_territories(participants)
        ends = dict(periods)
        Statement = self.env["sales.incentive.statement"]
        existing = {
            (s.user_id, s.date_from): s.with_env(self.env)
            for s in Statement.sudo().search(
                [
                    ("plan_id", "=", self.id),
                    ("user_id", "in", participants.ids),
                    ("date_from", "in", list(ends)),
                ]
            )
        }
        to_create, written = [], Statement
        for (user, start), (target, actual, target_ids, managed) in totals.items():
            if start not in ends:
                continue
            achievement = 100.0 * actual / target if target else 0.0
            vals = {
                "target_value": target,
                "actual_value": actual,
                "achievement": achievement,
                "payout_percent": self._payout_percent(achievement),
                "base_amount": self.base_amount,
                "territory_ids": [
                    Command.set(
                        (
                            managed
                            if self.role == "territory_manager"
                            else covered[user]
                        ).ids
                    )
                ],
                "team_id": user.sudo().sale_team_id.id,
                "target_ids": [Command.set(sorted(target_ids))],
            }
            statement = existing.pop((user, start), None)
            if statement is None:
                vals.update(
                    plan_id=self.id,
                    user_id=user.id,
                    company_id=self.company_id.id,
                    date_from=start,
                    date_to=ends[start],
                )
                to_create.append(vals)
            elif statement.state == "draft":
                if statement._differs_from(vals):
                    statement.write(vals)
                written |= statement
        written |= Statement.create(to_create)
        Statement.union(*existing.values()).filtered(
            lambda s: s.state == "draft"
        ).unlink()
        paid = {person.id for person, _start in totals}
        return written, participants.filtered(lambda u: u.id not in paid)

    def _covered_territories(self, users):
        """{user: territories where the user is a salesperson or the manager}:
        whoever manages one of them (or an ancestor) sees the statements."""
        covered = defaultdict(lambda: self.env["sales.territory"])
        territories = (
            self.env["sales.territory"]
            .sudo()
            .search(
                ["|", ("member_ids", "in", users.ids), ("manager_id", "in", users.ids)]
            )
        )
        for territory in territories:
            for user in (territory.member_ids | territory.manager_id) & users:
                covered[user] |= territory
        return covered
