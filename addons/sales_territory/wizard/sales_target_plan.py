from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class SalesTargetPlan(models.TransientModel):
    """Plan a year of monthly targets for several territories or salespeople
    in one go: from an annual amount and a phasing profile, or from last
    year's actuals and a growth rate; preview, adjust, create."""

    _name = "sales.target.plan"
    _description = "Sales Target Plan"

    state = fields.Selection(
        [("setup", "Setup"), ("preview", "Preview")], default="setup", required=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    year = fields.Integer(
        required=True, default=lambda self: fields.Date.context_today(self).year
    )
    dimension = fields.Selection(
        [("territory", "Territories"), ("user", "Salespeople")],
        string="Targets For",
        required=True,
        default="territory",
    )
    territory_ids = fields.Many2many(
        "sales.territory",
        string="Territories",
        domain="[('company_id', '=', company_id)]",
    )
    user_ids = fields.Many2many(
        "res.users", string="Salespeople", domain="[('share', '=', False)]"
    )
    measure = fields.Selection(
        selection=lambda self: (
            self.env["sales.target"]._fields["measure"]._description_selection(self.env)
        ),
        required=True,
        default="ordered",
    )
    categ_id = fields.Many2one("product.category", string="Product Category")
    mode = fields.Selection(
        [
            ("amount", "Annual Amount and Phasing"),
            ("growth", "Last Year's Actuals and Growth"),
        ],
        required=True,
        default="amount",
    )
    annual_amount = fields.Float(
        string="Annual Target", help="For each territory or salesperson."
    )
    phasing_id = fields.Many2one(
        "sales.target.phasing",
        default=lambda self: self.env.ref(
            "sales_territory.phasing_flat", raise_if_not_found=False
        ),
        help="How the annual target is spread over the months.",
    )
    growth = fields.Float(
        string="Growth (%)", help="Applied to each month of last year's actuals."
    )
    confirm = fields.Boolean(
        string="Create Confirmed",
        help="Create the targets confirmed rather than draft.",
    )
    line_ids = fields.One2many("sales.target.plan.line", "plan_id", string="Targets")
    total = fields.Float(compute="_compute_total")

    @api.depends("line_ids.amount")
    def _compute_total(self):
        for plan in self:
            plan.total = sum(plan.line_ids.mapped("amount"))

    def _entities(self):
        """(field, record) of each territory or salesperson of the plan."""
        if self.dimension == "territory":
            return [("territory_id", territory) for territory in self.territory_ids]
        return [("user_id", user) for user in self.user_ids]

    def _check_setup(self):
        if not self._entities():
            raise UserError(
                self.env._("Choose the territories or salespeople to plan for.")
            )
        if not 2000 <= self.year <= 2200:
            raise UserError(self.env._("%s is not a year to plan.", self.year))
        if self.mode == "amount":
            if self.annual_amount <= 0:
                raise UserError(
                    self.env._("The annual target must be greater than zero.")
                )
            if not self.phasing_id:
                raise UserError(
                    self.env._(
                        "Choose how to spread the annual target over the months."
                    )
                )
        if self.measure == "new_customers" and self.categ_id:
            raise UserError(
                self.env._(
                    "New customers are counted by order, not by product: remove the "
                    "product category."
                )
            )

    def _months(self):
        for month in range(1, 13):
            first = date(self.year, month, 1)
            yield month, first, first + relativedelta(months=1, days=-1)

    def action_preview(self):
        self.ensure_one()
        self._check_setup()
        entities = self._entities()
        if self.mode == "amount":
            shares = self.phasing_id._shares()
            amounts = {
                (record, month): self.annual_amount * shares[month - 1] / 100.0
                for _field, record in entities
                for month, _first, _last in self._months()
            }
            last_year = {}
        else:
            rows, keys = [], {}
            for field, record in entities:
                for month, first, last in self._months():
                    key = len(rows) + 1
                    keys[key] = (record, month)
                    rows.append(
                        {
                            "id": key,
                            "measure": self.measure,
                            "dimension": self.dimension,
                            "date_from": first - relativedelta(years=1),
                            "date_to": last - relativedelta(years=1),
                            "company_id": self.company_id.id,
                            field: record.id,
                            "categ_id": self.categ_id.id,
                        }
                    )
            actuals = self.env["sales.target"]._actuals_of(rows)
            last_year = {keys[key]: value or 0.0 for key, value in actuals.items()}
            factor = 1 + self.growth / 100.0
            amounts = {key: value * factor for key, value in last_year.items()}
        commands = [(5, 0, 0)]
        for field, record in entities:
            for month, first, last in self._months():
                commands.append(
                    (
                        0,
                        0,
                        {
                            field: record.id,
                            "month": month,
                            "date_from": first,
                            "date_to": last,
                            "last_year": last_year.get((record, month), 0.0),
                            "amount": round(amounts.get((record, month), 0.0), 2),
                        },
                    )
                )
        self.write({"line_ids": commands, "state": "preview"})
        return self._reopen()

    def action_back(self):
        self.write({"state": "setup", "line_ids": [(5, 0, 0)]})
        return self._reopen()

    def action_create(self):
        self.ensure_one()
        if self.state != "preview" or not self.line_ids:
            raise UserError(self.env._("Preview the targets before creating them."))
        zero = self.line_ids.filtered(lambda line: line.amount <= 0)
        if zero:
            raise UserError(
                self.env._(
                    "%(count)s planned target(s) are zero (no sales last year?): "
                    "set their target or remove them before creating the targets.",
                    count=len(zero),
                )
            )
        targets = self.env["sales.target"].create(
            [
                {
                    "dimension": self.dimension,
                    "territory_id": line.territory_id.id,
                    "user_id": line.user_id.id,
                    "measure": self.measure,
                    "categ_id": self.categ_id.id,
                    "period_type": "month",
                    "date_from": line.date_from,
                    "date_to": line.date_to,
                    "target_value": line.amount,
                    "company_id": self.company_id.id,
                }
                for line in self.line_ids
            ]
        )
        if self.confirm:
            targets.action_confirm()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Planned Targets"),
            "res_model": "sales.target",
            "view_mode": "list,form",
            "domain": [("id", "in", targets.ids)],
        }

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Plan Targets"),
        }


class SalesTargetPlanLine(models.TransientModel):
    _name = "sales.target.plan.line"
    _description = "Planned Sales Target"
    _order = "territory_id, user_id, month"

    plan_id = fields.Many2one("sales.target.plan", required=True, ondelete="cascade")
    territory_id = fields.Many2one("sales.territory", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    month = fields.Integer(readonly=True)
    date_from = fields.Date(readonly=True)
    date_to = fields.Date(readonly=True)
    last_year = fields.Float(readonly=True)
    amount = fields.Float(string="Target")
