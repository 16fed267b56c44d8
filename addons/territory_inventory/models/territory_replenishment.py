import math
from collections import defaultdict
from datetime import timedelta
from statistics import NormalDist

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round

LINE_STATES = [
    ("proposed", "Proposed"),
    ("applied", "Applied"),
    ("unchanged", "Unchanged"),
    ("locked", "Locked"),
]


class TerritoryReplenishmentRun(models.Model):
    """One planning of reordering rules from demand: the figures of every
    warehouse and product, what it proposed and what it changed."""

    _name = "territory.replenishment.run"
    _description = "Territory Replenishment Run"
    _inherit = [
        "mail.thread",
        "sales.territory.input.mixin",
        "sales.territory.job.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True,
        default=lambda self: self.env._(
            "Replenishment of %s", fields.Date.context_today(self)
        ),
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    territory_ids = fields.Many2many(
        "sales.territory",
        string="Territories",
        check_company=True,
        help="Plan the warehouses of these territories (and of their sub-territories "
        "and sourcing rules). Empty: every territory warehouse.",
    )
    warehouse_ids = fields.Many2many(
        "stock.warehouse",
        string="Warehouses",
        check_company=True,
        help="Filled when the run starts.",
    )
    mode = fields.Selection(
        [("auto", "Write the Reordering Rules"), ("review", "Propose for Review")],
        required=True,
        default=lambda self: self.env.company.replenishment_mode,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("running", "Running"),
            ("proposed", "To Review"),
            ("done", "Done"),
        ],
        default="draft",
        required=True,
        tracking=True,
    )
    history_days = fields.Integer(readonly=True)
    service_level = fields.Float(string="Service Level (%)", readonly=True)
    review_days = fields.Integer(string="Review Period (days)", readonly=True)
    default_lead_time = fields.Integer(readonly=True)
    run_date = fields.Datetime(readonly=True)
    line_ids = fields.One2many("territory.replenishment.line", "run_id")
    proposed_count = fields.Integer(compute="_compute_counts", string="Proposed")
    applied_count = fields.Integer(compute="_compute_counts", string="Applied")
    unchanged_count = fields.Integer(compute="_compute_counts", string="Unchanged")
    locked_count = fields.Integer(compute="_compute_counts", string="Locked")

    def _compute_counts(self):
        groups = self.env["territory.replenishment.line"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "state"], ["__count"]
        )
        counts = {(run.id, state): count for run, state, count in groups}
        for run in self:
            for state, _label in LINE_STATES:
                run[f"{state}_count"] = counts.get((run.id, state), 0)

    # ------------------------------------------------------------ running
    def _territory_warehouses(self):
        self.ensure_one()
        Territory = self.env["sales.territory"]
        territories = (
            Territory.search([("id", "child_of", self.territory_ids.ids)])
            if self.territory_ids
            else Territory.search([("company_id", "=", self.company_id.id)])
        )
        warehouses = (
            territories.warehouse_id | territories.sourcing_rule_ids.warehouse_id
        )
        for territory in self.territory_ids:
            warehouses |= territory._effective_warehouse()
        return warehouses.filtered(lambda wh: wh.company_id == self.company_id)

    def action_run(self):
        """Plan the run's warehouses, the proposals committed warehouse by
        warehouse. A run left *Running* (the process was stopped) resumes:
        the warehouses whose proposals were committed are kept, the others
        are planned with the run's own settings."""
        for run in self:
            if run.state not in ("draft", "proposed", "running"):
                raise UserError(
                    self.env._("Run %s was already applied: start a new run.", run.name)
                )
        return self._run_or_enqueue_each(
            "_job_run",
            lambda run: run._run_size(),
            lambda run: self.env._("Plan replenishment run %s", run.name),
        )

    def _run_size(self):
        """Product × warehouse pairs the run plans (storable products of the
        company times its territory warehouses)."""
        self.ensure_one()
        if self.state == "running":
            warehouses = self.warehouse_ids - self.line_ids.warehouse_id
        else:
            warehouses = self._territory_warehouses()
        products = self.env["product.product"].search_count(
            [
                ("is_storable", "=", True),
                ("company_id", "in", (False, self.company_id.id)),
            ]
        )
        return len(warehouses) * products

    def _job_run(self):
        self.ensure_one()
        if self.state == "running":
            warehouses = self.warehouse_ids - self.line_ids.warehouse_id
        else:
            warehouses = self._start()
        # the statistics of every warehouse by one query (one reading of the
        # moves), then the proposals committed warehouse by warehouse
        demand = self._demand(warehouses) if warehouses else {}
        Job = self.env["sales.territory.job"]
        for done, warehouse in enumerate(warehouses, start=1):
            self._plan_warehouse(warehouse, demand.get(warehouse.id))
            self.env["sales.territory.realignment"]._commit_batch()
            Job._report_progress(done, len(warehouses))
        if self.mode == "auto":
            self._apply(self.line_ids.filtered(lambda line: line.state == "proposed"))
            self.state = "done"
        else:
            self.state = "proposed"
        return self.env._(
            "Replenishment run %(name)s: %(count)s proposals in %(warehouses)s "
            "warehouses.",
            name=self.name,
            count=len(self.line_ids),
            warehouses=len(self.warehouse_ids),
        )

    def _start(self):
        """Fix the run's warehouses and settings, drop earlier proposals and
        mark it running; returns the warehouses to plan."""
        self.ensure_one()
        company = self.company_id
        warehouses = self._territory_warehouses()
        if not warehouses:
            raise UserError(
                self.env._(
                    "No warehouse to plan: give the territories a warehouse (or "
                    "sourcing rules) first."
                )
            )
        self.write(
            {
                "state": "running",
                "warehouse_ids": [(6, 0, warehouses.ids)],
                "history_days": company.replenishment_history_days,
                "service_level": company.replenishment_service_level,
                "review_days": company.replenishment_review_days,
                "default_lead_time": company.replenishment_lead_time,
                "run_date": fields.Datetime.now(),
            }
        )
        self.line_ids.unlink()
        return warehouses

    def _demand_sql(self, warehouses, since, until, days):
        """Average daily demand and its standard deviation (over every day of the
        window, days without delivery included) of each warehouse and product,
        from the done deliveries to customers: one aggregate query. Days are
        counted back from ``until`` in periods of 24 hours, so that a window of
        N days has exactly N of them whatever the time of day."""
        return SQL(
            """
SELECT d.warehouse_id, d.product_id,
       sum(d.qty) / %(days)s AS mean,
       CASE WHEN %(days)s > 1
            THEN sqrt(GREATEST(sum(d.qty * d.qty) - sum(d.qty) ^ 2 / %(days)s, 0)
                      / (%(days)s - 1))
            ELSE 0 END AS sigma
  FROM (
    SELECT src.warehouse_id, m.product_id,
           floor(extract(epoch FROM %(until)s - m.date) / 86400) AS day,
           sum(m.product_qty) AS qty
      FROM stock_move m
      JOIN stock_location src ON src.id = m.location_id
      JOIN stock_location dst ON dst.id = m.location_dest_id
     WHERE m.state = 'done' AND dst.usage = 'customer'
       AND src.warehouse_id = ANY(%(warehouses)s)
       AND m.date >= %(since)s AND m.date < %(until)s
     GROUP BY 1, 2, 3
  ) d
 GROUP BY d.warehouse_id, d.product_id
""",
            days=float(days),
            warehouses=warehouses.ids,
            since=since,
            until=until,
        )

    def _lead_times(self, templates):
        """Days of the fastest vendor of each product template (else the
        default): {template id: days}."""
        sellers = self.env["product.supplierinfo"]._read_group(
            [("product_tmpl_id", "in", list(templates))],
            ["product_tmpl_id"],
            ["delay:min"],
        )
        delays = {template.id: delay for template, delay in sellers}
        return {
            template: delays.get(template, self.default_lead_time)
            for template in templates
        }

    def _demand(self, warehouses):
        """{warehouse id: {product id: (mean, sigma)}} over the run's history
        window ending now, for all the warehouses at once."""
        self.ensure_one()
        days = self.history_days
        until = fields.Datetime.now()
        self.env.flush_all()
        self.env.cr.execute(
            self._demand_sql(warehouses, until - timedelta(days=days), until, days)
        )
        demand = defaultdict(dict)
        for warehouse, product, mean, sigma in self.env.cr.fetchall():
            demand[warehouse][product] = (mean, sigma)
        return demand

    def _plan_warehouse(self, warehouse, stats):
        """Figures and proposal of every storable product delivered from a
        warehouse; ``stats``: {product id: (mean, sigma)} of the warehouse.
        Thousands of products per warehouse: their figures are read as plain
        values by a few queries and the proposals written by one INSERT,
        without a record per product."""
        self.ensure_one()
        if not stats:
            return
        cr = self.env.cr
        # the storable products, their template and their unit's rounding
        cr.execute(
            SQL(
                """SELECT pp.id, pt.id, uom.rounding
                     FROM product_product pp
                     JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     JOIN uom_uom uom ON uom.id = pt.uom_id
                    WHERE pp.id = ANY(%s) AND pt.is_storable
                    ORDER BY pp.id""",
                list(stats),
            )
        )
        products = cr.fetchall()
        if not products:
            return
        lead_times = self._lead_times({template for _pp, template, _r in products})
        z = NormalDist().inv_cdf(self.service_level / 100.0)
        orderpoints = {
            op.product_id.id: (
                op.id,
                op.territory_locked,
                op.product_min_qty,
                op.product_max_qty,
            )
            for op in self.env["stock.warehouse.orderpoint"].search_fetch(
                [
                    ("warehouse_id", "=", warehouse.id),
                    ("location_id", "=", warehouse.lot_stock_id.id),
                    ("product_id", "in", [product for product, _t, _r in products]),
                ],
                [
                    "product_id",
                    "territory_locked",
                    "product_min_qty",
                    "product_max_qty",
                ],
            )
        }
        rows = []
        for product, template, rounding in products:
            mean, sigma = stats[product]
            lead_time = lead_times[template]
            safety = z * sigma * math.sqrt(lead_time)
            minimum = float_round(
                mean * lead_time + safety,
                precision_rounding=rounding,
                rounding_method="UP",
            )
            maximum = float_round(
                minimum + mean * self.review_days,
                precision_rounding=rounding,
                rounding_method="UP",
            )
            op_id, locked, old_min, old_max = orderpoints.get(product, (None,) * 4)
            if locked:
                state = "locked"
            elif op_id and old_min == minimum and old_max == maximum:
                state = "unchanged"
            else:
                state = "proposed"
            rows.append(
                (
                    product,
                    op_id,
                    mean,
                    sigma,
                    lead_time,
                    safety,
                    minimum,
                    maximum,
                    old_min,
                    old_max,
                    state,
                )
            )
        columns = [list(column) for column in zip(*rows, strict=True)]
        cr.execute(
            SQL(
                """INSERT INTO territory_replenishment_line
                          (run_id, company_id, warehouse_id, product_id, orderpoint_id,
                           demand, sigma, lead_time, safety_stock, min_qty, max_qty,
                           old_min_qty, old_max_qty, state)
                   SELECT %s, %s, %s, v.*
                     FROM unnest(%s::int[], %s::int[], %s::numeric[], %s::numeric[],
                                 %s::int[], %s::numeric[], %s::numeric[],
                                 %s::numeric[], %s::numeric[], %s::numeric[],
                                 %s::varchar[]) AS v""",
                self.id,
                self.company_id.id,
                warehouse.id,
                *columns,
            )
        )
        self.env["territory.replenishment.line"].invalidate_model()

    # ------------------------------------------------------------ applying
    def action_apply(self):
        for run in self:
            if run.state != "proposed":
                raise UserError(self.env._("Only proposals to review can be applied."))
            run._apply(run.line_ids.filtered(lambda line: line.state == "proposed"))
            run.state = "done"
        return True

    def _apply(self, lines):
        """Write the proposals of lines to the reordering rules: updates in one
        statement, new rules created in batches; locked rules are left alone."""
        lines = lines.filtered(lambda line: line.state == "proposed")
        if not lines:
            return
        update = lines.filtered("orderpoint_id")
        locked = update.filtered(lambda line: line.orderpoint_id.territory_locked)
        update -= locked
        locked.write({"state": "locked"})
        if update:
            self.env["stock.warehouse.orderpoint"].flush_model()
            self.env.cr.execute(
                SQL(
                    """UPDATE stock_warehouse_orderpoint op
                          SET product_min_qty = v.min_qty, product_max_qty = v.max_qty,
                              planned_by_territory = TRUE, trigger = 'auto',
                              write_uid = %s, write_date = now() AT TIME ZONE 'UTC'
                         FROM (VALUES %s) AS v(id, min_qty, max_qty)
                        WHERE op.id = v.id AND op.territory_locked IS NOT TRUE""",
                    self.env.uid,
                    SQL(", ").join(
                        SQL(
                            "(%s, %s::numeric, %s::numeric)",
                            line.orderpoint_id.id,
                            line.min_qty,
                            line.max_qty,
                        )
                        for line in update
                    ),
                )
            )
            self.env["stock.warehouse.orderpoint"].invalidate_model()
        create = lines - update - locked
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        created = Orderpoint
        for start in range(0, len(create), 500):
            batch = create[start : start + 500]
            created |= Orderpoint.create(
                [
                    {
                        "warehouse_id": line.warehouse_id.id,
                        "location_id": line.warehouse_id.lot_stock_id.id,
                        "product_id": line.product_id.id,
                        "product_min_qty": line.min_qty,
                        "product_max_qty": line.max_qty,
                        "trigger": "auto",
                        "planned_by_territory": True,
                        "company_id": line.company_id.id,
                    }
                    for line in batch
                ]
            )
        for line, orderpoint in zip(create, created, strict=True):
            line.orderpoint_id = orderpoint
        (update | create).write({"state": "applied"})

    @api.model
    def _cron_plan(self):
        """Weekly: finish the runs a stopped process left running, then plan
        every company's territory warehouses in its own mode."""
        # the weekly job is in the background already
        runs = self.with_context(territory_background=False)
        runs.search([("state", "=", "running")]).action_run()
        for company in self.env["res.company"].search([("active", "=", True)]):
            run = runs.create(
                {"company_id": company.id, "mode": company.replenishment_mode}
            )
            try:
                run.action_run()
            except UserError:
                run.unlink()  # nothing to plan in that company
        return True


class TerritoryReplenishmentLine(models.Model):
    _name = "territory.replenishment.line"
    _description = "Replenishment Proposal"
    _order = "warehouse_id, product_id"
    _rec_name = "product_id"
    _log_access = False

    run_id = fields.Many2one(
        "territory.replenishment.run", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    warehouse_id = fields.Many2one("stock.warehouse", required=True, index=True)
    product_id = fields.Many2one("product.product", required=True, index=True)
    uom_id = fields.Many2one(related="product_id.uom_id")
    orderpoint_id = fields.Many2one("stock.warehouse.orderpoint", ondelete="set null")
    demand = fields.Float(
        string="Daily Demand", digits="Product Unit of Measure", help="Average per day."
    )
    sigma = fields.Float(
        string="Deviation",
        digits="Product Unit of Measure",
        help="Standard deviation of the daily demand.",
    )
    lead_time = fields.Integer(string="Lead Time (days)")
    safety_stock = fields.Float(digits="Product Unit of Measure")
    min_qty = fields.Float(string="New Min", digits="Product Unit of Measure")
    max_qty = fields.Float(string="New Max", digits="Product Unit of Measure")
    old_min_qty = fields.Float(string="Old Min", digits="Product Unit of Measure")
    old_max_qty = fields.Float(string="Old Max", digits="Product Unit of Measure")
    state = fields.Selection(LINE_STATES, required=True, default="proposed")

    def action_apply_selected(self):
        for run in self.run_id:
            run._apply(self.filtered(lambda line, run=run: line.run_id == run))
        return True
