import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.modules import module as odoo_module
from odoo.tools import SQL, format_date, format_datetime

_logger = logging.getLogger(__name__)


class SalesTerritoryRealignment(models.Model):
    _name = "sales.territory.realignment"
    _description = "Territory Realignment"
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
            "Realignment of %s", fields.Date.context_today(self)
        ),
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("previewed", "Previewed"),
            ("scheduled", "Scheduled"),
            ("done", "Applied"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    scope = fields.Selection(
        [
            ("all", "All Customers"),
            ("unassigned", "Customers Without Territory"),
            ("territories", "Some Territories"),
        ],
        default="all",
        required=True,
        help="All Customers: every customer assigned by rules. Customers Without "
        "Territory: only those that have none yet. Some Territories: customers that "
        "are in the chosen territories (or their sub-territories) or that the rules "
        "would move into them.",
    )
    territory_ids = fields.Many2many(
        "sales.territory",
        string="Territories",
        check_company=True,
        help="Sub-territories are included.",
    )
    unassign_unmatched = fields.Boolean(
        string="Unassign Unmatched Customers",
        help="Remove the territory of customers that no rule matches any more. "
        "Off: they keep their current territory.",
    )
    carry_open_documents = fields.Boolean(
        string="Move Open Quotations and Leads",
        default=True,
        help="Quotations (not confirmed) and open leads of a moved customer follow it "
        "to its new territory, when they were in its old one.",
    )
    effective_date = fields.Date(
        help="Scheduled realignments are applied on this date by a scheduled action "
        "(e.g. the first day of the next quarter).",
        tracking=True,
    )
    preview_date = fields.Datetime(readonly=True, copy=False)
    applied_date = fields.Datetime(readonly=True, copy=False)
    applied_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    line_ids = fields.One2many(
        "sales.territory.realignment.line", "realignment_id", string="Proposed Moves"
    )
    balance_ids = fields.One2many(
        "sales.territory.realignment.balance",
        "realignment_id",
        help="Customers and revenue of the last twelve months of each territory "
        "touched by the moves (and of its peers), before and after, as previewed.",
    )
    customer_cv_before = fields.Float(
        compute="_compute_balance_spread",
        string="Customers Spread Before (CV %)",
        digits=(16, 1),
        help="Coefficient of variation (standard deviation over mean) of the "
        "customers of the territories of the balance, before the moves.",
    )
    customer_cv_after = fields.Float(
        compute="_compute_balance_spread",
        string="Customers Spread After (CV %)",
        digits=(16, 1),
    )
    revenue_cv_before = fields.Float(
        compute="_compute_balance_spread",
        string="Revenue Spread Before (CV %)",
        digits=(16, 1),
    )
    revenue_cv_after = fields.Float(
        compute="_compute_balance_spread",
        string="Revenue Spread After (CV %)",
        digits=(16, 1),
    )
    move_count = fields.Integer(compute="_compute_counts", string="Moves")
    conflict_count = fields.Integer(compute="_compute_counts", string="Conflicts")
    done_count = fields.Integer(compute="_compute_counts", string="Applied Moves")
    skipped_count = fields.Integer(compute="_compute_counts", string="Skipped")

    def _compute_counts(self):
        groups = self.env["sales.territory.realignment.line"]._read_group(
            [("realignment_id", "in", self.ids)],
            ["realignment_id", "conflict", "state"],
            ["__count"],
        )
        counts = {}
        for realignment, conflict, state, count in groups:
            key = "conflict" if conflict else state
            counts.setdefault(realignment.id, {}).setdefault(key, 0)
            counts[realignment.id][key] += count
        for realignment in self:
            c = counts.get(realignment.id, {})
            realignment.conflict_count = c.get("conflict", 0)
            realignment.done_count = c.get("done", 0)
            realignment.skipped_count = c.get("skipped", 0)
            realignment.move_count = (
                c.get("todo", 0) + realignment.done_count + realignment.skipped_count
            )

    @api.depends(
        "balance_ids.customers_before",
        "balance_ids.customers_after",
        "balance_ids.revenue_before",
        "balance_ids.revenue_after",
    )
    def _compute_balance_spread(self):
        def spread(values):
            mean = sum(values) / len(values) if values else 0.0
            if not mean:
                return 0.0
            variance = sum((value - mean) ** 2 for value in values) / len(values)
            return variance**0.5 * 100.0 / mean

        for realignment in self:
            rows = realignment.balance_ids.filtered("territory_id")
            realignment.customer_cv_before = spread(rows.mapped("customers_before"))
            realignment.customer_cv_after = spread(rows.mapped("customers_after"))
            realignment.revenue_cv_before = spread(rows.mapped("revenue_before"))
            realignment.revenue_cv_after = spread(rows.mapped("revenue_after"))

    # ------------------------------------------------------------ helpers
    @api.model
    def _commit_batch(self):
        """Commit a finished batch, so that a long run resumes where it stopped.

        Never inside tests (their transaction is rolled back at the end), nor
        while modules are installed (their data loads in savepoints)."""
        if not self._may_commit():
            return False
        self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    @api.model
    def _may_commit(self):
        """Whether long work may commit as it goes: not inside tests (their
        transaction is rolled back at the end), nor while modules are
        installed (their data loads in savepoints)."""
        registry = self.env.registry
        return not (
            odoo_module.current_test or registry.in_test_mode() or not registry.ready
        )

    def _scope_condition(self):
        """SQL condition on a line (alias l) for the chosen scope."""
        self.ensure_one()
        if self.scope == "territories":
            if not self.territory_ids:
                raise UserError(
                    self.env._("Choose the territories to realign, or another scope.")
                )
            subtree = (
                self.env["sales.territory"]
                .with_context(active_test=False)
                .search([("id", "child_of", self.territory_ids.ids)])
            )
            return SQL(
                "(l.current_territory_id = ANY(%(ids)s) "
                "OR l.new_territory_id = ANY(%(ids)s))",
                ids=subtree.ids,
            )
        if self.scope == "unassigned":
            return SQL("l.current_territory_id IS NULL")
        return SQL("TRUE")

    # ------------------------------------------------------------ preview
    def action_preview(self):
        for realignment in self:
            if realignment.state not in ("draft", "previewed"):
                raise UserError(
                    self.env._(
                        "Realignment %(name)s is %(state)s: only draft and "
                        "previewed realignments can be previewed.",
                        name=realignment.name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[realignment.state],
                    )
                )
            realignment._compute_lines()
            self.env["sales.territory.realignment.balance"]._compute(realignment)
            realignment.write(
                {"state": "previewed", "preview_date": fields.Datetime.now()}
            )
        return True

    def _compute_lines(self):
        """Replace the proposed moves by a fresh matching (one set-based query)."""
        self.ensure_one()
        cr = self.env.cr
        self.env.flush_all()
        self._delete_lines()
        Rule = self.env["sales.territory.rule"]
        Partner = self.env["res.partner"]
        where = Partner._territory_customer_where(self.company_id)
        if self.scope == "unassigned":
            where = SQL("%s AND p.territory_id IS NULL", where)
        match = Rule._match_sql(
            Rule._partner_raw_sql(where), self.company_id, large=True
        )
        cr.execute(
            SQL(
                """
WITH m AS MATERIALIZED (%(match)s),
proposal AS (
    SELECT p.id AS partner_id, p.territory_id AS current_territory_id,
           CASE WHEN m.key IS NULL THEN NULL
                WHEN m.conflict THEN p.territory_id
                ELSE m.territory_id END AS new_territory_id,
           m.rule_id, coalesce(m.conflict, FALSE) AS conflict, m.rule_ids
      FROM sales_territory_match_src s
      JOIN res_partner p ON p.id = s.key
      LEFT JOIN m ON m.key = s.key
     WHERE m.conflict
        OR (m.key IS NOT NULL AND m.territory_id IS DISTINCT FROM p.territory_id)
        OR (m.key IS NULL AND %(unassign)s AND p.territory_id IS NOT NULL)
)
INSERT INTO sales_territory_realignment_result
       (realignment_id, company_id, partner_id, current_territory_id,
        new_territory_id, rule_id, conflict, rule_ids)
SELECT %(realignment)s, %(company)s, l.partner_id, l.current_territory_id,
       l.new_territory_id, l.rule_id, l.conflict,
       CASE WHEN l.conflict THEN l.rule_ids END
  FROM proposal l
 WHERE %(scope)s
 ORDER BY l.conflict DESC, l.partner_id
""",
                match=match,
                unassign=bool(self.unassign_unmatched),
                realignment=self.id,
                company=self.company_id.id,
                scope=self._scope_condition(),
            )
        )
        self.env["sales.territory.realignment.line"].invalidate_model()
        self.invalidate_recordset(["line_ids"])

    def _delete_lines(self):
        self.env.cr.execute(
            SQL(
                "DELETE FROM sales_territory_realignment_result "
                "WHERE realignment_id = ANY(%s)",
                self.ids,
            )
        )
        self.env["sales.territory.realignment.line"].invalidate_model()

    def unlink(self):
        self._delete_lines()
        return super().unlink()

    # ------------------------------------------------------------ apply
    def action_apply(self):
        for realignment in self:
            if realignment.state == "done":
                raise UserError(
                    self.env._(
                        "Realignment %(name)s was already applied on %(date)s "
                        "(%(count)s customers moved). Nothing was changed; preview "
                        "a new realignment to move customers again.",
                        name=realignment.name,
                        date=format_datetime(self.env, realignment.applied_date),
                        count=realignment.done_count,
                    )
                )
            if realignment.state == "cancel":
                raise UserError(
                    self.env._("Realignment %s is cancelled.", realignment.name)
                )
        return self._run_or_enqueue_each(
            "_job_apply",
            lambda realignment: realignment._apply_size(),
            lambda realignment: self.env._("Apply realignment %s", realignment.name),
        )

    def _apply_size(self):
        """How many customers applying it moves (before the preview: the
        company's customers that rules may assign)."""
        self.ensure_one()
        if self.state == "draft":
            Partner = self.env["res.partner"]
            where = Partner._territory_customer_where(self.company_id)
            self.env.flush_all()
            self.env.cr.execute(
                SQL("SELECT count(*) FROM res_partner p WHERE %s", where)
            )
            return self.env.cr.fetchone()[0]
        return self.env["sales.territory.realignment.line"].search_count(
            [("realignment_id", "=", self.id), ("state", "=", "todo")]
        )

    def _job_apply(self):
        """Preview (when not done yet) and apply; the summary for the user."""
        self.ensure_one()
        if self.state == "draft":
            self.action_preview()
        self._apply_lines()
        self.invalidate_recordset(["done_count"])
        return self.env._(
            "Realignment %(name)s applied: %(count)s customers moved.",
            name=self.name,
            count=self.done_count,
        )

    def _apply_lines(self, batch_size=10000):
        """Apply the proposed moves in committed batches (resumable)."""
        self.ensure_one()
        self.env.flush_all()
        total = self.env["sales.territory.realignment.line"].search_count(
            [
                ("realignment_id", "=", self.id),
                ("state", "=", "todo"),
                ("conflict", "=", False),
            ]
        )
        done = after_id = 0
        while True:
            self._start_batch()
            count, after_id = self._apply_batch(batch_size, after_id)
            if not count:
                break
            done += count
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=max(total - done, 0)
            )
            self.env["sales.territory.job"]._report_progress(done, total)
        self.write(
            {
                "state": "done",
                "applied_date": fields.Datetime.now(),
                "applied_by_id": self.env.uid,
            }
        )
        _logger.info("Realignment %s applied: %s lines", self.id, done)

    def _start_batch(self):
        """Commit what is done and run the next batch in READ COMMITTED.

        A batch takes seconds while users confirm and edit orders of the moved
        customers, or edit the customers. In REPEATABLE READ (Odoo's), a row
        that another transaction changed after the batch began cannot be
        updated by the batch: a serialization failure, the batch undone,
        retried a few times, then given up. In READ COMMITTED each statement
        waits for the rows being written and checks its conditions again on
        what was committed: an order confirmed meanwhile is no longer carried
        (its territory is frozen), a customer moved by hand meanwhile is
        skipped. Nothing changes where batches are not committed (tests)."""
        if self._commit_batch():
            self.env.cr.execute(SQL("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"))

    def _apply_batch(self, batch_size, after_id=0):
        """Apply the next lines (by id, after ``after_id``); returns how many
        were handled and the last id."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
WITH batch AS (
    SELECT id, partner_id, current_territory_id, new_territory_id, rule_id
      FROM sales_territory_realignment_result
     WHERE realignment_id = %(realignment)s AND id > %(after)s
       AND state = 'todo' AND NOT conflict
     ORDER BY id
     LIMIT %(limit)s
     FOR UPDATE SKIP LOCKED
),
moved AS (
    UPDATE res_partner p
       SET territory_id = b.new_territory_id,
           write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
      FROM batch b
     WHERE p.id = b.partner_id AND p.territory_assignment = 'auto'
       AND p.territory_id IS NOT DISTINCT FROM b.current_territory_id
    RETURNING p.id
)
UPDATE sales_territory_realignment_result l
   SET state = CASE WHEN l.partner_id IN (SELECT id FROM moved) THEN 'done'
                    ELSE 'skipped' END,
       applied_uid = %(uid)s, applied_date = now() AT TIME ZONE 'UTC'
  FROM batch b
 WHERE l.id = b.id
RETURNING l.id, l.state
""",
                realignment=self.id,
                after=after_id,
                limit=batch_size,
                uid=self.env.uid,
            )
        )
        rows = cr.fetchall()
        done_ids = [line_id for line_id, state in rows if state == "done"]
        if done_ids:
            self._propagate(done_ids)
        self.env["res.partner"].invalidate_model(
            ["territory_id", "write_uid", "write_date"]
        )
        self.env["sales.territory.realignment.line"].invalidate_model()
        return len(rows), max((line_id for line_id, _state in rows), default=after_id)

    def _propagate(self, line_ids):
        """Contacts and open documents of the applied lines (the applied lines
        are themselves the audit log of the moves: ``sales.territory.move``)."""
        # contacts share the territory of their commercial entity
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner c
                      SET territory_id = l.new_territory_id
                     FROM sales_territory_realignment_result l
                    WHERE l.id = ANY(%(lines)s)
                      AND c.commercial_partner_id = l.partner_id
                      AND c.id != l.partner_id
                      AND c.territory_id IS DISTINCT FROM l.new_territory_id""",
                lines=line_ids,
            )
        )
        if self.carry_open_documents:
            self._carry_open_documents(line_ids)

    def _carry_open_documents(self, line_ids):
        """Open quotations and leads of the moved customers follow them."""
        cr = self.env.cr
        for table, open_condition in (
            ("sale_order", SQL("d.state IN ('draft', 'sent')")),
            ("crm_lead", SQL("d.active AND coalesce(d.probability, 0) < 100")),
        ):
            cr.execute(
                SQL(
                    """UPDATE %(table)s d
                          SET territory_id = l.new_territory_id,
                              write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
                         FROM sales_territory_realignment_result l
                         JOIN res_partner c ON c.commercial_partner_id = l.partner_id
                        WHERE l.id = ANY(%(lines)s)
                          AND d.partner_id = c.id
                          AND %(open)s
                          AND d.territory_id
                              IS NOT DISTINCT FROM l.current_territory_id""",
                    table=SQL.identifier(table),
                    uid=self.env.uid,
                    lines=line_ids,
                    open=open_condition,
                )
            )
        for model in ("sale.order", "crm.lead"):
            self.env[model].invalidate_model(
                ["territory_id", "write_uid", "write_date"]
            )

    # ------------------------------------------------------------ plans
    def action_schedule(self):
        for realignment in self:
            if not realignment.effective_date:
                raise UserError(
                    self.env._(
                        "Set the effective date of %s before scheduling it.",
                        realignment.name,
                    )
                )
            if realignment.effective_date < fields.Date.context_today(self):
                raise UserError(
                    self.env._(
                        "The effective date of %(name)s, %(date)s, is in the past: "
                        "choose a date from today on, or apply the realignment now.",
                        name=realignment.name,
                        date=format_date(self.env, realignment.effective_date),
                    )
                )
            if realignment.state == "draft":
                realignment.action_preview()
            if realignment.state != "previewed":
                raise UserError(
                    self.env._("Only a previewed realignment can be scheduled.")
                )
        self.write({"state": "scheduled"})
        return True

    def action_cancel(self):
        if any(r.state == "done" for r in self):
            raise UserError(self.env._("An applied realignment cannot be cancelled."))
        self.write({"state": "cancel"})
        return True

    def action_draft(self):
        if any(r.state == "done" for r in self):
            raise UserError(
                self.env._("An applied realignment cannot be set back to draft.")
            )
        self.write({"state": "draft"})
        return True

    @api.model
    def _cron_apply_scheduled(self):
        today = fields.Date.context_today(self)
        plans = self.search(
            [("state", "=", "scheduled"), ("effective_date", "<=", today)], order="id"
        )
        for plan in plans:
            plan._apply_lines()
            self._commit_batch()
        return len(plans)

    def action_view_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Proposed Moves"),
            "res_model": "sales.territory.realignment.line",
            "view_mode": "list,pivot",
            "domain": [("realignment_id", "=", self.id)],
            "context": {"search_default_group_new_territory": 0},
        }

    def action_view_conflicts(self):
        action = self.action_view_lines()
        action["name"] = self.env._("Conflicts")
        action["domain"] = action["domain"] + [("conflict", "=", True)]
        return action

    def action_view_moves(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Territory Moves"),
            "res_model": "sales.territory.move",
            "view_mode": "list,pivot,graph",
            "domain": [("realignment_id", "=", self.id)],
        }


class SalesTerritoryRealignmentLine(models.Model):
    """A proposed move of a realignment (read-only).

    The lines of a realignment of 100,000 customers are written and applied by
    set-based SQL in a plain table, ``sales_territory_realignment_result``,
    without foreign keys nor access columns (they would cost more than the
    moves themselves); this model reads it, joined to its targets so that
    deleted partners, territories or rules simply drop out."""

    _name = "sales.territory.realignment.line"
    _description = "Proposed Territory Move"
    _auto = False
    _log_access = False
    _order = "conflict desc, id"
    _rec_name = "partner_id"

    realignment_id = fields.Many2one("sales.territory.realignment", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    current_territory_id = fields.Many2one("sales.territory", readonly=True)
    new_territory_id = fields.Many2one("sales.territory", readonly=True)
    rule_id = fields.Many2one(
        "sales.territory.rule", string="Winning Rule", readonly=True
    )
    conflict = fields.Boolean(
        readonly=True,
        help="Rules of the same priority put the customer into different territories "
        "of the same depth. The customer is not moved: change a priority or set its "
        "territory by hand.",
    )
    conflict_rule_ids = fields.Many2many(
        "sales.territory.rule",
        compute="_compute_conflict_rule_ids",
        string="Tied Rules",
    )
    state = fields.Selection(
        [("todo", "To Apply"), ("done", "Applied"), ("skipped", "Skipped")],
        readonly=True,
        help="Skipped: the customer changed since the preview (moved by hand or set to "
        "manual), so the proposal was not applied.",
    )
    applied_date = fields.Datetime(readonly=True)

    def init(self):
        self.env.cr.execute(
            SQL(
                """
CREATE TABLE IF NOT EXISTS sales_territory_realignment_result (
    id serial PRIMARY KEY,
    realignment_id integer NOT NULL,
    company_id integer NOT NULL,
    partner_id integer NOT NULL,
    current_territory_id integer,
    new_territory_id integer,
    rule_id integer,
    conflict boolean NOT NULL DEFAULT FALSE,
    rule_ids integer[],
    state varchar NOT NULL DEFAULT 'todo',
    applied_uid integer,
    applied_date timestamp
) WITH (fillfactor = 70);
CREATE INDEX IF NOT EXISTS sales_territory_realignment_result_realignment_idx
    ON sales_territory_realignment_result (realignment_id, id);
CREATE INDEX IF NOT EXISTS sales_territory_realignment_result_partner_idx
    ON sales_territory_realignment_result (partner_id);
"""
            )
        )

    @property
    def _table_query(self):
        return SQL(
            """
SELECT l.id, l.realignment_id, l.company_id, l.partner_id,
       current_t.id AS current_territory_id, new_t.id AS new_territory_id,
       rule.id AS rule_id, l.conflict, l.state, l.applied_date
  FROM sales_territory_realignment_result l
  JOIN sales_territory_realignment r ON r.id = l.realignment_id
  JOIN res_partner p ON p.id = l.partner_id
  LEFT JOIN sales_territory current_t ON current_t.id = l.current_territory_id
  LEFT JOIN sales_territory new_t ON new_t.id = l.new_territory_id
  LEFT JOIN sales_territory_rule rule ON rule.id = l.rule_id
"""
        )

    def _compute_conflict_rule_ids(self):
        self.env.cr.execute(
            SQL(
                "SELECT id, rule_ids FROM sales_territory_realignment_result "
                "WHERE id = ANY(%s)",
                self.ids,
            )
        )
        rule_ids = dict(self.env.cr.fetchall())
        Rule = self.env["sales.territory.rule"]
        for line in self:
            line.conflict_rule_ids = Rule.browse(rule_ids.get(line.id) or []).exists()
