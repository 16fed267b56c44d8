from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from .sales_target import AMOUNT_MEASURES, period_bounds

# What a statement says is fixed once it is approved.
FROZEN_FIELDS = {
    "plan_id",
    "user_id",
    "company_id",
    "date_from",
    "date_to",
    "target_value",
    "actual_value",
    "achievement",
    "payout_percent",
    "base_amount",
    "target_ids",
}


class SalesIncentiveStatement(models.Model):
    """What one person earns under one plan for one period: the targets'
    figures of the period, the achievement, the payout by the plan's curve.
    Computed by the plan (:meth:`SalesIncentivePlan._compute_statements`),
    approved by the person's manager, paid through payroll."""

    _name = "sales.incentive.statement"
    _description = "Sales Incentive Statement"
    _inherit = ["mail.thread", "mail.activity.mixin", "sales.territory.input.mixin"]
    _order = "date_from desc, plan_id, user_id, id"
    _rec_names_search = ["user_id", "plan_id"]
    _check_company_auto = True

    plan_id = fields.Many2one(
        "sales.incentive.plan",
        string="Incentive Plan",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Person",
        required=True,
        index=True,
        readonly=True,
        help="The salesperson or territory manager who earns the payout.",
    )
    role = fields.Selection(related="plan_id.role", store=True)
    measure = fields.Selection(related="plan_id.measure")
    is_amount = fields.Boolean(compute="_compute_is_amount")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="Start", required=True, readonly=True)
    date_to = fields.Date(string="End", required=True, readonly=True)
    period = fields.Char(compute="_compute_period")
    target_value = fields.Float(
        string="Target",
        readonly=True,
        digits="Product Price",
        help="Sum of the targets of the period that count (see the plan's period).",
    )
    actual_value = fields.Float(
        string="Actual",
        readonly=True,
        digits="Product Price",
        help="Sum of the actuals of the same targets when the statement was computed.",
    )
    achievement = fields.Float(
        string="Achievement (%)",
        readonly=True,
        aggregator="avg",
        help="Actual / target.",
    )
    payout_percent = fields.Float(
        string="Payout (%)",
        readonly=True,
        aggregator="avg",
        help="By the plan's levels and cap at the achievement, in % of the base "
        "amount.",
    )
    base_amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="The plan's base amount when the statement was computed.",
    )
    payout_amount = fields.Monetary(
        string="Payout",
        currency_field="currency_id",
        compute="_compute_payout_amount",
        store=True,
        help="Base amount times payout percentage.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved"), ("paid", "Paid")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        readonly=True,
        help="Draft: recomputed with the plan. Approved: fixed, ready for payroll. "
        "Paid: paid out.",
    )
    target_ids = fields.Many2many(
        "sales.target",
        "sales_incentive_statement_target_rel",
        "statement_id",
        "target_id",
        string="Targets",
        readonly=True,
    )
    territory_ids = fields.Many2many(
        "sales.territory",
        "sales_incentive_statement_territory_rel",
        "statement_id",
        "territory_id",
        string="Territories",
        readonly=True,
        help="The person's territories (managed ones for a territory manager) when "
        "the statement was computed: their managers, and the managers of their "
        "parents, see it.",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        index=True,
        readonly=True,
        help="The person's sales team when the statement was computed: its leader "
        "sees it.",
    )
    approved_uid = fields.Many2one("res.users", string="Approved By", readonly=True)
    approved_date = fields.Datetime(string="Approved On", readonly=True)
    paid_date = fields.Date(string="Paid On", readonly=True)
    note = fields.Text(string="Notes")

    _sql_constraints = [
        (
            "plan_user_period_uniq",
            "UNIQUE (plan_id, user_id, date_from)",
            "A person has one statement per plan and period.",
        ),
    ]

    @api.depends("user_id", "plan_id", "date_from", "date_to")
    def _compute_display_name(self):
        for statement in self:
            statement.display_name = " · ".join(
                part
                for part in (
                    statement.user_id.name,
                    statement.plan_id.name,
                    statement.period,
                )
                if part
            )

    @api.depends("date_from", "date_to")
    def _compute_period(self):
        for statement in self:
            start, end = statement.date_from, statement.date_to
            if not (start and end):
                statement.period = False
            elif (start, end) == period_bounds("month", start):
                statement.period = start.strftime("%Y-%m")
            elif (start, end) == period_bounds("quarter", start):
                statement.period = f"{start.year} Q{(start.month - 1) // 3 + 1}"
            elif (start, end) == period_bounds("year", start):
                statement.period = str(start.year)
            else:
                statement.period = (
                    f"{format_date(self.env, start)} – {format_date(self.env, end)}"
                )

    @api.depends("plan_id.measure")
    def _compute_is_amount(self):
        for statement in self:
            statement.is_amount = statement.measure in AMOUNT_MEASURES

    @api.depends("base_amount", "payout_percent", "currency_id")
    def _compute_payout_amount(self):
        for statement in self:
            amount = statement.base_amount * statement.payout_percent / 100.0
            statement.payout_amount = (
                statement.currency_id.round(amount) if statement.currency_id else amount
            )

    def _differs_from(self, vals):
        """Whether writing ``vals`` (figures, team, and Command.set of the
        many2many) would change the statement: a recomputation writes only the
        statements whose figures moved."""
        self.ensure_one()
        for name, value in vals.items():
            field = self._fields[name]
            if field.type == "many2many":
                if set(self[name].ids) != set(value[0][2]):
                    return True
            elif field.type == "many2one":
                if self[name].id != (value or False):
                    return True
            elif field.type in ("float", "monetary"):
                if round(self[name] - value, 6):
                    return True
            elif self[name] != value:
                return True
        return False

    # ------------------------------------------------------------ CRUD
    def write(self, vals):
        self._check_input_values([vals])  # before reading them
        if FROZEN_FIELDS & vals.keys():
            settled = self.filtered(lambda s: s.state != "draft")
            if settled:
                raise UserError(
                    self.env._(
                        "Statement %(statement)s is %(state)s: its figures can no "
                        "longer change. Reset it to draft first.",
                        statement=settled[0].display_name,
                        state=settled[0]._state_label(),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_settled(self):
        settled = self.filtered(lambda s: s.state != "draft")
        if settled:
            raise UserError(
                self.env._(
                    "Statement %(statement)s is %(state)s: only draft statements can "
                    "be deleted.",
                    statement=settled[0].display_name,
                    state=settled[0]._state_label(),
                )
            )

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    # ------------------------------------------------------------ states
    def action_approve(self):
        """Approve draft statements, all or none."""
        approved = self.filtered(lambda s: s.state != "draft")
        if approved:
            raise UserError(
                self.env._(
                    "Statement %(statement)s is already %(state)s (by %(user)s on "
                    "%(date)s): a statement is approved only once.",
                    statement=approved[0].display_name,
                    state=approved[0]._state_label(),
                    user=approved[0].approved_uid.name or "?",
                    date=format_date(self.env, approved[0].approved_date),
                )
            )
        own = self.filtered(lambda s: s.user_id == self.env.user)
        if own and not self.env.user.has_group("sales_territory.group_territory_admin"):
            raise UserError(
                self.env._(
                    "You cannot approve your own statement %(statement)s: your "
                    "manager does.",
                    statement=own[0].display_name,
                )
            )
        self.write(
            {
                "state": "approved",
                "approved_uid": self.env.uid,
                "approved_date": fields.Datetime.now(),
            }
        )
        return True

    def action_pay(self):
        """Mark approved statements paid (after the payroll run), all or none.
        Payroll is the administrators' business, not the managers'."""
        if not (
            self.env.su
            or self.env.user.has_group("sales_territory.group_territory_admin")
        ):
            raise AccessError(
                self.env._("Only sales administrators mark statements as paid.")
            )
        wrong = self.filtered(lambda s: s.state != "approved")
        if wrong:
            raise UserError(
                self.env._(
                    "Statement %(statement)s is %(state)s: only approved statements "
                    "can be marked as paid.",
                    statement=wrong[0].display_name,
                    state=wrong[0]._state_label(),
                )
            )
        self.write({"state": "paid", "paid_date": fields.Date.context_today(self)})
        return True

    def action_draft(self):
        paid = self.filtered(lambda s: s.state == "paid")
        if paid:
            raise UserError(
                self.env._(
                    "Statement %(statement)s is paid: it cannot go back to draft.",
                    statement=paid[0].display_name,
                )
            )
        self.write({"state": "draft", "approved_uid": False, "approved_date": False})
        return True

    def action_recompute(self):
        """Recompute draft statements from the targets' actuals of now."""
        drafts = self.filtered(lambda s: s.state == "draft")
        if drafts != self:
            raise UserError(
                self.env._(
                    "Only draft statements are recomputed: reset %(statement)s to "
                    "draft first.",
                    statement=(self - drafts)[0].display_name,
                )
            )
        for plan in drafts.plan_id:
            mine = drafts.filtered(lambda s, p=plan: s.plan_id == p)
            periods = sorted({(s.date_from, s.date_to) for s in mine})
            plan._compute_statements(periods=periods, users=mine.user_id)
        return True

    def action_export(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Export for Payroll"),
            "res_model": "sales.incentive.export",
            "view_mode": "form",
            "target": "new",
            "context": {"default_statement_ids": self.ids},
        }

    def action_view_targets(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "sales_territory.sales_target_action"
        )
        action["domain"] = [("id", "in", self.target_ids.ids)]
        action["context"] = {}
        return action
