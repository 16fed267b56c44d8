from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

from ..report.sales_performance_report import MEASURES

AMOUNT_MEASURES = ("ordered", "invoiced", "margin")

# Context key of the writes that go through the revision wizard.
REVISION_CONTEXT = "sales_target_revision"


def period_bounds(period_type, start):
    """First and last day of the month, quarter or year that contains start."""
    if period_type == "month":
        first = start.replace(day=1)
        return first, first + relativedelta(months=1, days=-1)
    if period_type == "quarter":
        first = start.replace(month=(start.month - 1) // 3 * 3 + 1, day=1)
        return first, first + relativedelta(months=3, days=-1)
    first = start.replace(month=1, day=1)
    return first, first + relativedelta(years=1, days=-1)


class SalesTarget(models.Model):
    _name = "sales.target"
    _description = "Sales Target"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "sales.territory.input.mixin",
        "sales.territory.job.mixin",
    ]
    _order = "date_from desc, dimension, id"
    _rec_names_search = ["territory_id", "user_id", "team_id"]
    _check_company_auto = True

    dimension = fields.Selection(
        [
            ("territory", "Territory"),
            ("user", "Salesperson"),
            ("team", "Sales Team"),
        ],
        required=True,
        default="territory",
        tracking=True,
        help="What the target is set for. Other dimensions may also be set to narrow "
        "it (e.g. a salesperson's target in one territory).",
    )
    territory_id = fields.Many2one(
        "sales.territory",
        index=True,
        tracking=True,
        domain="[('company_id', '=', company_id)]",
        help="Sub-territories count: a region's target counts its provinces.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", index=True, tracking=True, check_company=True
    )
    measure = fields.Selection(
        [
            ("ordered", "Ordered Amount"),
            ("invoiced", "Invoiced Amount"),
            ("margin", "Margin"),
            ("order_count", "Number of Orders"),
            ("new_customers", "New Customers"),
        ],
        required=True,
        default="ordered",
        tracking=True,
        help="Ordered Amount: untaxed total of confirmed orders. Invoiced Amount: "
        "untaxed total of posted customer invoices, net of credit notes. Margin: of "
        "confirmed orders. Number of Orders: confirmed orders. New Customers: "
        "customers whose first confirmed order falls in the period.",
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        index=True,
        tracking=True,
        help="Only sales of this category and its sub-categories count.",
    )
    period_type = fields.Selection(
        [
            ("month", "Month"),
            ("quarter", "Quarter"),
            ("year", "Year"),
            ("custom", "Custom Dates"),
        ],
        string="Period",
        required=True,
        default="month",
    )
    date_from = fields.Date(
        string="Start",
        required=True,
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    date_to = fields.Date(
        string="End",
        required=True,
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    target_value = fields.Float(
        string="Target",
        required=True,
        tracking=True,
        digits="Product Price",
        help="Amount in the company currency, or a number of orders or customers.",
    )
    is_amount = fields.Boolean(compute="_compute_is_amount")
    actual_value = fields.Float(
        string="Actual",
        readonly=True,
        copy=False,
        help="Refreshed every night and with the Refresh button, from the same "
        "figures as the cockpit.",
    )
    expected_value = fields.Float(
        string="Expected by Today",
        readonly=True,
        copy=False,
        help="The target spread evenly over the days of the period, up to the day of "
        "the last refresh.",
    )
    forecast_value = fields.Float(
        string="Pipeline Forecast",
        readonly=True,
        copy=False,
        help="Open opportunities expected to close in the period: expected revenue "
        "times probability (amount measures only).",
    )
    achievement = fields.Float(
        string="Achievement (%)",
        compute="_compute_achievement",
        store=True,
        aggregator="avg",
    )
    variance = fields.Float(compute="_compute_achievement", store=True)
    pace = fields.Float(
        string="Pace (%)",
        compute="_compute_achievement",
        store=True,
        aggregator="avg",
        help="Actual against expected by today. The target is behind pace below "
        "100 % minus the alert threshold of the settings.",
    )
    behind_pace = fields.Boolean(
        compute="_compute_achievement",
        store=True,
        help="Confirmed, in its period (at the last refresh) and behind its "
        "expected-by-today by more than the threshold of the settings.",
    )
    refresh_date = fields.Datetime(string="Last Refresh", readonly=True, copy=False)
    pace_alert_date = fields.Date(
        readonly=True,
        copy=False,
        help="When the manager was alerted that the target is behind; once per target.",
    )
    revision_ids = fields.One2many("sales.target.revision", "target_id")
    revision_count = fields.Integer(compute="_compute_revision_count")

    # ------------------------------------------------------------ computes
    @api.model
    def _dimension_fields(self):
        """Dimension -> field of the target. Extend it to add a dimension."""
        return {"territory": "territory_id", "user": "user_id", "team": "team_id"}

    @api.depends(
        "dimension",
        "territory_id",
        "user_id",
        "team_id",
        "measure",
        "categ_id",
        "period_type",
        "date_from",
        "date_to",
    )
    def _compute_display_name(self):
        measures = dict(self._fields["measure"]._description_selection(self.env))
        for target in self:
            record = target[target._dimension_fields()[target.dimension]]
            parts = [
                record.display_name or "?",
                measures.get(target.measure, ""),
            ]
            if target.categ_id:
                parts.append(target.categ_id.display_name)
            if target.date_from and target.date_to:
                parts.append(target._period_label())
            target.display_name = " · ".join(parts)

    def _period_label(self):
        self.ensure_one()
        if self.period_type == "month":
            return self.date_from.strftime("%Y-%m")
        if self.period_type == "quarter":
            return f"{self.date_from.year} Q{(self.date_from.month - 1) // 3 + 1}"
        if self.period_type == "year":
            return str(self.date_from.year)
        start, end = (format_date(self.env, d) for d in (self.date_from, self.date_to))
        return f"{start} – {end}"

    @api.depends("period_type", "date_from")
    def _compute_dates(self):
        for target in self:
            start = target.date_from or fields.Date.context_today(target)
            if target.period_type == "custom":
                target.date_from = start
                target.date_to = target.date_to or start
            else:
                target.date_from, target.date_to = period_bounds(
                    target.period_type, start
                )

    @api.depends("measure")
    def _compute_is_amount(self):
        for target in self:
            target.is_amount = target.measure in AMOUNT_MEASURES

    @api.depends(
        "target_value",
        "actual_value",
        "expected_value",
        "state",
        "refresh_date",
        "company_id.target_pace_threshold",
    )
    def _compute_achievement(self):
        for target in self:
            value = target.target_value
            target.achievement = 100.0 * target.actual_value / value if value else 0.0
            target.variance = target.actual_value - value
            expected = target.expected_value
            target.pace = 100.0 * target.actual_value / expected if expected else 0.0
            threshold = target.company_id.target_pace_threshold
            as_of = target.refresh_date and target.refresh_date.date()
            target.behind_pace = bool(
                target.state == "confirmed"
                and expected
                and as_of
                and target.date_from <= as_of <= target.date_to
                and target.pace < 100.0 - threshold
            )

    def _compute_revision_count(self):
        counts = dict(
            self.env["sales.target.revision"]._read_group(
                [("target_id", "in", self.ids)], ["target_id"], ["__count"]
            )
        )
        for target in self:
            target.revision_count = counts.get(target, 0)

    # ------------------------------------------------------------ constraints
    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for target in self:
            if target.date_from > target.date_to:
                raise ValidationError(
                    self.env._(
                        "Target %(target)s ends on %(end)s, before it starts on "
                        "%(start)s.",
                        target=target.display_name,
                        end=format_date(self.env, target.date_to),
                        start=format_date(self.env, target.date_from),
                    )
                )

    @api.constrains("target_value")
    def _check_value(self):
        for target in self:
            if target.target_value <= 0:
                raise ValidationError(
                    self.env._(
                        "The target of %(target)s must be greater than zero.",
                        target=target.display_name,
                    )
                )

    @api.constrains(
        "dimension", "territory_id", "user_id", "team_id", "measure", "categ_id"
    )
    def _check_dimension(self):
        for target in self:
            field = target._dimension_fields()[target.dimension]
            if not target[field]:
                raise ValidationError(
                    self.env._(
                        "A target by %(dimension)s needs its %(field)s.",
                        dimension=dict(
                            self._fields["dimension"]._description_selection(self.env)
                        )[target.dimension],
                        field=self._fields[field]._description_string(self.env),
                    )
                )
            if target.measure == "new_customers" and target.categ_id:
                raise ValidationError(
                    self.env._(
                        "New customers are counted by order, not by product: remove "
                        "the product category of %(target)s.",
                        target=target.display_name,
                    )
                )
            if (
                target.territory_id
                and target.territory_id.company_id != target.company_id
            ):
                raise ValidationError(
                    self.env._(
                        "Territory %(territory)s belongs to %(other)s, not to "
                        "%(company)s: choose a territory of %(company)s.",
                        territory=target.territory_id.display_name,
                        other=target.territory_id.company_id.name,
                        company=target.company_id.name,
                    )
                )

    @api.constrains(
        "dimension",
        "territory_id",
        "user_id",
        "team_id",
        "measure",
        "categ_id",
        "period_type",
        "date_from",
        "date_to",
        "company_id",
    )
    def _check_unique(self):
        for target in self:
            domain = [
                ("id", "!=", target.id),
                ("company_id", "=", target.company_id.id),
                ("dimension", "=", target.dimension),
                ("measure", "=", target.measure),
                ("categ_id", "=", target.categ_id.id),
                ("period_type", "=", target.period_type),
                ("date_from", "<=", target.date_to),
                ("date_to", ">=", target.date_from),
            ]
            domain += [
                (field, "=", target[field].id)
                for field in self._dimension_fields().values()
            ]
            other = self.sudo().search(domain, limit=1)
            if other:
                raise ValidationError(
                    self.env._(
                        "There is already a target for the same %(what)s in this "
                        "period: %(other)s. Revise it instead of adding a second one.",
                        what=self.env._("dimension, measure and category"),
                        other=other.display_name,
                    )
                )

    # ------------------------------------------------------------ CRUD, states
    @api.model
    def _normalize_period(self, vals, period_type):
        """A month, quarter or year starts on its first day, whatever day was
        given."""
        if period_type != "custom" and vals.get("date_from"):
            start = fields.Date.to_date(vals["date_from"])
            vals["date_from"], vals["date_to"] = period_bounds(period_type, start)
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        self._check_input_values(vals_list)
        for vals in vals_list:
            self._normalize_period(vals, vals.get("period_type", "month"))
        return super().create(vals_list)

    def write(self, vals):
        self._check_input_values([vals])
        if vals.get("date_from") and len(self) == 1:
            vals = self._normalize_period(
                dict(vals), vals.get("period_type", self.period_type)
            )
        if "target_value" in vals and not self.env.context.get(REVISION_CONTEXT):
            changed = self.filtered(
                lambda t: t.state != "draft" and t.target_value != vals["target_value"]
            )
            if changed:
                raise UserError(
                    self.env._(
                        "The target of %(targets)s is confirmed: change it with "
                        "Revise, which asks for a reason and keeps the history.",
                        targets=", ".join(changed.mapped("display_name")),
                    )
                )
        locked = {"dimension", "measure", "categ_id", "date_from", "date_to"}
        if locked & vals.keys() and any(t.state == "closed" for t in self):
            raise UserError(self.env._("A closed target cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if any(t.state != "draft" for t in self):
            raise UserError(
                self.env._("Only draft targets can be deleted; close the others.")
            )

    def action_confirm(self):
        self.filtered(lambda t: t.state == "draft").write({"state": "confirmed"})
        self._refresh_actuals()
        return True

    def action_close(self):
        self._refresh_actuals()
        self.write({"state": "closed"})
        return True

    def action_draft(self):
        if any(t.revision_ids for t in self):
            raise UserError(
                self.env._("A target that was revised cannot be set back to draft.")
            )
        self.write({"state": "draft"})
        return True

    def action_refresh(self):
        """Refresh the actuals now, or in the background for many targets."""
        return self._action_run_or_enqueue(
            "_job_refresh",
            len(self),
            self.env._("Refresh the actuals of %s targets", len(self)),
        )

    def _job_refresh(self):
        self._refresh_actuals()
        return self.env._("The actuals of %s targets are refreshed.", len(self))

    def action_revise(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Revise Target"),
            "res_model": "sales.target.revise",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_target_id": self.id,
                "default_new_value": self.target_value,
            },
        }

    def action_view_revisions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Revisions"),
            "res_model": "sales.target.revision",
            "view_mode": "list,form",
            "domain": [("target_id", "=", self.id)],
        }

    def action_open_cockpit(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "sales_territory.sales_performance_report_action"
        )
        field = self._dimension_fields()[self.dimension]
        domain = [("date", ">=", self.date_from), ("date", "<=", self.date_to)]
        if field == "territory_id":
            domain.append(("territory_id", "child_of", self.territory_id.id))
        else:
            domain.append((field, "=", self[field].id))
        action["domain"] = domain
        action["context"] = {}
        return action

    # ------------------------------------------------------------ actuals
    def _target_rows_sql(self):
        """The targets of self as rows for :meth:`_compute_actuals`: their
        dimension columns and the territories and categories they cover
        (descendants included) as arrays, each subtree expanded once."""
        dims = [
            name
            for name in self.env["sales.performance.report"]._fact_dimensions()
            if name != "territory_id"
        ]
        return SQL(
            """
WITH picked AS (SELECT * FROM sales_target WHERE id = ANY(%(ids)s)),
territories AS (
    SELECT root.id, array_agg(d.id) AS ids
      FROM sales_territory root
      JOIN sales_territory d ON starts_with(d.parent_path, root.parent_path)
     WHERE root.id IN (SELECT territory_id FROM picked)
     GROUP BY root.id
),
categories AS (
    SELECT root.id, array_agg(d.id) AS ids
      FROM product_category root
      JOIN product_category d ON starts_with(d.parent_path, root.parent_path)
     WHERE root.id IN (SELECT categ_id FROM picked)
     GROUP BY root.id
)
SELECT t.id, t.measure, t.dimension, t.date_from, t.date_to, %(dims)s,
       territories.ids AS territory_ids, categories.ids AS categ_ids
  FROM picked t
  LEFT JOIN territories ON territories.id = t.territory_id
  LEFT JOIN categories ON categories.id = t.categ_id""",
            dims=SQL(", ").join(SQL("t.%s", SQL.identifier(name)) for name in dims),
            ids=self.ids,
        )

    @api.model
    def _compute_actuals(self, targets, by_line, date_from, date_to):
        """The actual of every target row of ``targets`` (SQL giving the rows of
        :meth:`_target_rows_sql`: ``id, measure, dimension, date_from, date_to,
        <dimensions>, territory_ids, categ_ids``), all measures in one pass
        over the facts of the cockpit between date_from and date_to: {id: value}.

        The facts and the targets (territory targets expanded to one row per
        territory they cover) are copied into analysed temporary tables, so
        that the join goes through the key of each target's dimension (hash
        joins) whatever the size; every other dimension set then filters."""
        cr = self.env.cr
        Report = self.env["sales.performance.report"]
        dims = list(Report._fact_dimensions())

        def temporary_table(table, query):
            cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
            cr.execute(
                SQL(
                    "CREATE TEMPORARY TABLE %s ON COMMIT DROP AS %s",
                    SQL.identifier(table),
                    query,
                )
            )
            cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))

        temporary_table("sales_target_rows", targets)
        cr.execute(
            SQL("SELECT bool_or(measure = 'new_customers') FROM sales_target_rows")
        )
        temporary_table(
            "sales_target_facts",
            Report._facts_sql(
                by_line=by_line,
                date_from=date_from,
                date_to=date_to,
                new_customers=bool(cr.fetchone()[0]),
            ),
        )
        temporary_table(
            "sales_target_keys",
            SQL(
                "SELECT tg.id, tg.company_id, key FROM sales_target_rows tg "
                "CROSS JOIN LATERAL unnest(tg.territory_ids) key "
                "WHERE tg.dimension = 'territory'"
            ),
        )
        cr.execute(SQL("SET LOCAL jit = off"))
        filters = [
            SQL("f.company_id = tg.company_id"),
            SQL("f.date BETWEEN tg.date_from AND tg.date_to"),
        ]
        filters += [
            SQL("(tg.%(c)s IS NULL OR f.%(c)s = tg.%(c)s)", c=SQL.identifier(name))
            for name in dims
            if name not in ("company_id", "territory_id")
        ]
        if by_line:
            filters.append(SQL("f.categ_id = ANY(tg.categ_ids)"))
        where = SQL(" AND ").join(filters)
        joins = []
        for dimension, field in self._dimension_fields().items():
            if field == "territory_id":
                join = SQL(
                    """sales_target_keys k
                       JOIN sales_target_facts f
                         ON f.territory_id = k.key AND f.company_id = k.company_id
                       JOIN sales_target_rows tg ON tg.id = k.id"""
                )
            else:
                join = SQL(
                    """sales_target_rows tg
                       JOIN sales_target_facts f ON f.%(f)s = tg.%(f)s
                        AND (tg.territory_ids IS NULL
                             OR f.territory_id = ANY(tg.territory_ids))""",
                    f=SQL.identifier(field),
                )
            joins.append(
                SQL(
                    "SELECT tg.id, tg.measure, f.* FROM %s "
                    "WHERE tg.dimension = %s AND %s",
                    join,
                    dimension,
                    where,
                )
            )
        aggregates = SQL(" ").join(
            SQL(
                "WHEN %s THEN %s",
                measure,
                SQL("count(DISTINCT m.order_id)")
                if column == "order_count"
                else SQL("sum(m.%s)", SQL.identifier(column)),
            )
            for measure, column in MEASURES
        )
        cr.execute(
            SQL(
                """SELECT m.id, CASE m.measure %(aggregates)s END
                     FROM (%(joins)s) m
                    GROUP BY m.id, m.measure""",
                aggregates=aggregates,
                joins=SQL(" UNION ALL ").join(joins),
            )
        )
        return dict(cr.fetchall())

    @api.model
    def _actuals_of(self, rows):
        """Actuals of virtual targets (dicts with id, measure, dimension,
        date_from, date_to, company_id, the dimension fields and optional
        categ_id), e.g. last year's figures for the target plan. {id: value}"""
        if not rows:
            return {}
        dims = [
            name
            for name in self.env["sales.performance.report"]._fact_dimensions()
            if name != "territory_id"
        ]
        Territory = self.env["sales.territory"].with_context(active_test=False)
        Category = self.env["product.category"]
        values = []
        for row in rows:
            territory_ids = (
                Territory.search([("id", "child_of", row["territory_id"])]).ids
                if row.get("territory_id")
                else None
            )
            categ_ids = (
                Category.search([("id", "child_of", row["categ_id"])]).ids
                if row.get("categ_id")
                else None
            )
            values.append(
                SQL(
                    "(%s::int, %s::varchar, %s::varchar, %s::date, %s::date, %s, "
                    "%s::int[], %s::int[])",
                    row["id"],
                    row["measure"],
                    row["dimension"],
                    row["date_from"],
                    row["date_to"],
                    SQL(", ").join(
                        SQL("%s::int", row.get(name) or None) for name in dims
                    ),
                    territory_ids,
                    categ_ids,
                )
            )
        columns = SQL(", ").join(
            SQL.identifier(name)
            for name in (
                "id",
                "measure",
                "dimension",
                "date_from",
                "date_to",
                *dims,
                "territory_ids",
                "categ_ids",
            )
        )
        self.env.flush_all()
        return self._compute_actuals(
            SQL("SELECT * FROM (VALUES %s) AS v(%s)", SQL(", ").join(values), columns),
            any(row.get("categ_id") for row in rows),
            min(row["date_from"] for row in rows),
            max(row["date_to"] for row in rows),
        )

    def _forecast_sql(self):
        """Open opportunities expected to close in the period of each target."""
        dims = self._dimension_fields()
        filters = [
            SQL("l.company_id = t.company_id"),
            SQL("l.date_deadline BETWEEN t.date_from AND t.date_to"),
            SQL(
                "(tt.id IS NULL OR l.territory_id IN (SELECT d.id "
                "FROM sales_territory d "
                "WHERE starts_with(d.parent_path, tt.parent_path)))"
            ),
        ]
        filters += [
            SQL("(t.%(c)s IS NULL OR l.%(c)s = t.%(c)s)", c=SQL.identifier(field))
            for field in dims.values()
            if field != "territory_id" and field in self.env["crm.lead"]._fields
        ]
        return SQL(
            """
SELECT t.id, sum(l.expected_revenue * l.probability / 100.0)
  FROM sales_target t
  LEFT JOIN sales_territory tt ON tt.id = t.territory_id
  JOIN crm_lead l ON l.active AND l.type = 'opportunity'
                 AND COALESCE(l.probability, 0) < 100 AND %(filters)s
 WHERE t.id = ANY(%(ids)s) AND t.measure IN %(amounts)s AND t.categ_id IS NULL
 GROUP BY t.id
""",
            filters=SQL(" AND ").join(filters),
            ids=self.ids,
            amounts=AMOUNT_MEASURES,
        )

    def _refresh_actuals(self):
        """Actual, expected-by-today and forecast of the targets of self (all
        open targets when self is empty), in a few set-based queries."""
        targets = self or self.search([("state", "!=", "closed")])
        targets = targets.filtered(lambda t: t.state != "closed") or targets.browse()
        if not targets:
            return targets
        self.env.flush_all()
        cr = self.env.cr
        values = dict.fromkeys(targets.ids, 0.0)
        for by_line, group in (
            (False, targets.filtered(lambda t: not t.categ_id)),
            (True, targets.filtered("categ_id")),
        ):
            if group:
                values.update(
                    self._compute_actuals(
                        group._target_rows_sql(),
                        by_line,
                        min(group.mapped("date_from")),
                        max(group.mapped("date_to")),
                    )
                )
        cr.execute(targets._forecast_sql())
        forecasts = dict(cr.fetchall())
        today = fields.Date.context_today(self)
        rows = []
        for target in targets:
            days = (target.date_to - target.date_from).days + 1
            elapsed = min(max((today - target.date_from).days + 1, 0), days)
            rows.append(
                (
                    target.id,
                    values.get(target.id) or 0.0,
                    target.target_value * elapsed / days,
                    forecasts.get(target.id) or 0.0,
                )
            )
        cr.execute(
            SQL(
                """UPDATE sales_target t
                      SET actual_value = v.actual, expected_value = v.expected,
                          forecast_value = v.forecast, refresh_date = %s
                     FROM (VALUES %s) AS v(id, actual, expected, forecast)
                    WHERE t.id = v.id""",
                fields.Datetime.now(),
                SQL(", ").join(
                    SQL("(%s, %s::float, %s::float, %s::float)", *row) for row in rows
                ),
            )
        )
        fnames = ["actual_value", "expected_value", "forecast_value", "refresh_date"]
        targets.invalidate_recordset(fnames)
        targets.modified(fnames)
        targets.flush_recordset()
        return targets

    # ------------------------------------------------------------ crons
    @api.model
    def _cron_refresh(self):
        targets = self.search([("state", "!=", "closed")])
        for company in targets.company_id:
            targets.filtered(lambda t, c=company: t.company_id == c)._refresh_actuals()
            self.env["sales.territory.realignment"]._commit_batch()
        # targets whose period ended a month ago are closed
        stale = fields.Date.context_today(self) - timedelta(days=31)
        self.search(
            [("state", "=", "confirmed"), ("date_to", "<", stale)]
        ).action_close()
        return True

    @api.model
    def _cron_pace_alerts(self):
        """Once per target: an activity for its manager when it falls behind."""
        today = fields.Date.context_today(self)
        behind = self.search(
            [
                ("state", "=", "confirmed"),
                ("behind_pace", "=", True),
                ("pace_alert_date", "=", False),
                ("date_from", "<=", today),
                ("date_to", ">=", today),
            ]
        )
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for target in behind:
            user = target._responsible_user()
            target.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=user.id,
                summary=self.env._("Target behind pace"),
                note=self.env._(
                    "%(target)s: %(actual)s achieved, %(expected)s expected by today "
                    "(pace %(pace)s %%).",
                    target=target.display_name,
                    actual=round(target.actual_value, 2),
                    expected=round(target.expected_value, 2),
                    pace=round(target.pace),
                ),
            )
        behind.write({"pace_alert_date": today})
        return len(behind)

    def _responsible_user(self):
        """Who is alerted: the territory's manager (or an ancestor's), the
        salesperson, the team leader, else the creator."""
        self.ensure_one()
        if self.territory_id:
            for territory in reversed(self.territory_id._ancestors_and_self()):
                if territory.manager_id:
                    return territory.manager_id
        return self.user_id or self.team_id.user_id or self.create_uid

    @api.model
    def get_import_templates(self):
        """Offered on the import screen: a year of monthly targets of two
        regions of the territories template; import the territories first."""
        return [
            {
                "label": self.env._("Import Template for Sales Targets"),
                "template": "/sales_territory/static/xls/sales_target.xlsx",
            }
        ]
