from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, date_utils, float_round, format_date


def period_bounds(period, day):
    """First and last day of the rebate period (month, quarter, year) of day."""
    if period == "month":
        start = day.replace(day=1)
        return start, start + relativedelta(months=1, days=-1)
    if period == "quarter":
        return date_utils.get_quarter(day)
    return day.replace(month=1, day=1), day.replace(month=12, day=31)


class ChannelPartnerRebate(models.Model):
    """The settlement of an agreement's rebate (distributors, resellers) or
    commission (agents) for one period: the volume achieved, the step of the
    scale it reaches and the amount, then the credit note or vendor bill."""

    _name = "channel.partner.rebate"
    _description = "Rebate Settlement"
    _inherit = ["mail.thread", "sales.territory.job.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/"
    )
    agreement_id = fields.Many2one(
        "channel.partner.agreement",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    # precomputed: thousands of settlements are created at once, in one INSERT
    partner_id = fields.Many2one(
        related="agreement_id.partner_id",
        store=True,
        index=True,
        precompute=True,
        string="Partner",
    )
    company_id = fields.Many2one(
        related="agreement_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    kind = fields.Selection(
        [("rebate", "Rebate"), ("commission", "Commission")],
        compute="_compute_kind",
        store=True,
        precompute=True,
        help="Agents earn a commission, paid by a vendor bill; the other partners "
        "a rebate, paid by a credit note.",
    )
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    settled_from = fields.Date(
        compute="_compute_settled_from",
        store=True,
        precompute=True,
        help="Technical: the start of the period while the settlement is not "
        "cancelled; unique per agreement.",
    )
    volume = fields.Monetary(
        readonly=True,
        help="Untaxed volume of the period in company currency (invoiced or "
        "ordered, see the agreement), in the agreement's product categories.",
    )
    rate = fields.Float(
        string="Rate (%)",
        readonly=True,
        digits=(5, 2),
        help="The rate of the highest step of the scale the volume reaches.",
    )
    amount = fields.Monetary(readonly=True, tracking=True)
    state = fields.Selection(
        [
            ("draft", "Accrued"),
            ("confirmed", "Confirmed"),
            ("done", "Settled"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
        help="Accrued: figures follow the sales until confirmed. Settled: the "
        "credit note or vendor bill exists.",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Accounting Document",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    computed_on = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "period_unique",
            "UNIQUE(agreement_id, settled_from)",
            "This period of the agreement is already settled.",
        ),
        (
            "period_order",
            "CHECK(date_to >= date_from)",
            "A period ends after it starts.",
        ),
    ]

    @api.depends("agreement_id.partner_id.partner_kind")
    def _compute_kind(self):
        for rebate in self:
            rebate.kind = (
                "commission"
                if rebate.agreement_id.partner_id.partner_kind == "agent"
                else "rebate"
            )

    @api.depends("state", "date_from")
    def _compute_settled_from(self):
        for rebate in self:
            rebate.settled_from = (
                rebate.date_from if rebate.state != "cancel" else False
            )

    @api.depends("agreement_id", "date_from", "date_to")
    def _compute_display_name(self):
        for rebate in self:
            rebate.display_name = (
                f"{rebate.name} · {rebate.partner_id.display_name or ''} "
                f"({rebate.date_from} – {rebate.date_to})"
            )

    @api.constrains("agreement_id", "date_from", "date_to", "state")
    def _check_overlap(self):
        """One query for all the settlements checked (thousands at once)."""
        self.flush_model(["agreement_id", "date_from", "date_to", "state"])
        self.env.cr.execute(
            SQL(
                """SELECT r.id, o.id
                     FROM channel_partner_rebate r
                     JOIN channel_partner_rebate o
                       ON o.agreement_id = r.agreement_id AND o.id != r.id
                      AND o.state != 'cancel'
                      AND o.date_from <= r.date_to AND o.date_to >= r.date_from
                    WHERE r.id = ANY(%s) AND r.state != 'cancel'
                    ORDER BY r.id, o.id
                    LIMIT 1""",
                self.ids,
            )
        )
        row = self.env.cr.fetchone()
        if row:
            rebate, other = self.browse(row[0]), self.browse(row[1])
            raise ValidationError(
                self.env._(
                    "The period %(from)s – %(to)s of agreement %(agreement)s is "
                    "already settled by %(other)s: a period is settled once.",
                    **{"from": rebate.date_from, "to": rebate.date_to},
                    agreement=rebate.agreement_id.name,
                    other=other.name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        unnamed = [vals for vals in vals_list if vals.get("name", "/") == "/"]
        for vals, name in zip(unnamed, self._next_names(len(unnamed)), strict=True):
            vals["name"] = name or "/"
        # settled_from is in the INSERT (precomputed): that of settlements
        # cancelled meanwhile is written first, their period is free
        self.flush_model(["settled_from"])
        return super().create(vals_list)

    @api.model
    def _next_names(self, count):
        """``count`` references from the settlements' sequence (as
        ``next_by_code`` draws them), the numbers in one query when the
        sequence is a standard one: a settlement run creates thousands."""
        if not count:
            return []
        Sequence = self.env["ir.sequence"]
        Sequence.check_access("read")
        sequence = Sequence.search(
            [
                ("code", "=", "channel.partner.rebate"),
                ("company_id", "in", [self.env.company.id, False]),
            ],
            order="company_id",
            limit=1,
        )
        if not sequence:
            return [False] * count
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence._next() for _i in range(count)]
        # the PostgreSQL sequence behind a standard ir.sequence
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        # get_next_char() of each number, the prefix and suffix interpolated once
        prefix, suffix = sequence._get_prefix_suffix()
        return [
            f"{prefix}{number:0{sequence.padding}d}{suffix}"
            for (number,) in self.env.cr.fetchall()
        ]

    @api.ondelete(at_uninstall=False)
    def _unlink_except_settled(self):
        if any(rebate.state in ("confirmed", "done") for rebate in self):
            raise UserError(
                self.env._("Cancel confirmed settlements instead of deleting them.")
            )

    # ------------------------------------------------------------ figures
    def _volumes(self):
        """{settlement id: volume} of self, in one query over the cockpit's
        facts (by line, for the product categories), the settlements listed
        in a temporary table by the database itself."""
        if not self:
            return {}
        Report = self.env["sales.performance.report"]
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """CREATE TEMPORARY TABLE IF NOT EXISTS channel_partner_rebate_rows (
                       id int, partner_id int, company_id int, date_from date,
                       date_to date, source varchar, categ_ids int[]
                   ) ON COMMIT DROP;
                   TRUNCATE channel_partner_rebate_rows"""
            )
        )
        cr.execute(
            SQL(
                """
INSERT INTO channel_partner_rebate_rows
SELECT r.id, r.partner_id, r.company_id, r.date_from, r.date_to,
       CASE a.volume_basis WHEN 'ordered' THEN 'order' ELSE 'invoice' END,
       (SELECT array_agg(DISTINCT d.id)
          FROM channel_partner_agreement_product_category_rel rel
          JOIN product_category root ON root.id = rel.product_category_id
          JOIN product_category d ON starts_with(d.parent_path, root.parent_path)
         WHERE rel.channel_partner_agreement_id = a.id)
  FROM channel_partner_rebate r
  JOIN channel_partner_agreement a ON a.id = r.agreement_id
 WHERE r.id = ANY(%s)""",
                self.ids,
            )
        )
        cr.execute(SQL("ANALYZE channel_partner_rebate_rows"))
        cr.execute(
            SQL("SELECT min(date_from), max(date_to) FROM channel_partner_rebate_rows")
        )
        date_from, date_to = cr.fetchone()
        # the planner cannot estimate the join of the facts with the
        # settlements (1 row expected, tens of thousands found): its cost
        # passes the JIT's limits and PostgreSQL would spend longer compiling
        # the query than running it (11.9 s instead of 2.5 s on 1,000,000
        # lines), as for the cockpit's own queries
        cr.execute(SQL("SET LOCAL jit = off"))
        cr.execute(
            SQL(
                """
SELECT r.id, sum(CASE r.source WHEN 'order' THEN f.ordered_amount
                                ELSE f.invoiced_amount END)
  FROM channel_partner_rebate_rows r
  JOIN (%(facts)s) f
    ON f.channel_partner_id = r.partner_id AND f.company_id = r.company_id
   AND f.source = r.source AND f.date BETWEEN r.date_from AND r.date_to
   AND (r.categ_ids IS NULL OR f.categ_id = ANY(r.categ_ids))
 WHERE f.move_id IS NULL
    OR NOT EXISTS (SELECT 1 FROM channel_partner_rebate x WHERE x.move_id = f.move_id)
 GROUP BY r.id""",
                facts=Report._facts_sql(
                    by_line=True,
                    date_from=date_from,
                    date_to=date_to,
                    new_customers=False,
                ),
            )
        )
        volumes = dict(cr.fetchall())
        cr.execute(SQL("TRUNCATE channel_partner_rebate_rows"))
        return volumes

    def _scales(self):
        """{agreement id: [(volume from, rate)]} of the settlements' agreements,
        in the scale's order, in one query."""
        self.env["channel.partner.agreement.rebate"].flush_model(
            ["agreement_id", "sequence", "amount_from", "rate"]
        )
        self.env.cr.execute(
            SQL(
                """SELECT agreement_id, amount_from, rate
                     FROM channel_partner_agreement_rebate
                    WHERE agreement_id = ANY(%s)
                    ORDER BY agreement_id, sequence, amount_from, id""",
                self.agreement_id.ids,
            )
        )
        scales = {}
        for agreement_id, amount_from, rate in self.env.cr.fetchall():
            scales.setdefault(agreement_id, []).append((amount_from, rate))
        return scales

    @api.model
    def _scale_rate(self, scale, volume):
        """The rate of the highest step of ``scale`` ([(volume from, rate)] in
        the scale's order) the volume reaches (0 below the first)."""
        rate = 0.0
        for amount_from, step_rate in scale:
            if volume >= amount_from:
                rate = step_rate
        return rate

    def _rate_of(self, volume):
        """The rate of the highest step the volume reaches (0 below the first)."""
        self.ensure_one()
        return self._scale_rate(self._scales().get(self.agreement_id.id, ()), volume)

    def _compute_figures(self):
        """Volume, rate and amount of the accrued settlements of self: the
        volumes in one query, the scales in another, all written in one
        statement."""
        drafts = self.filtered(lambda r: r.state == "draft")
        if not drafts:
            return
        volumes = drafts._volumes()
        scales = drafts._scales()
        ids, volume_list, rates, amounts = [], [], [], []
        for rebate in drafts:
            volume = volumes.get(rebate.id) or 0.0
            rate = self._scale_rate(scales.get(rebate.agreement_id.id, ()), volume)
            ids.append(rebate.id)
            volume_list.append(volume)
            rates.append(rate)
            amounts.append(
                float_round(
                    volume * rate / 100.0,
                    precision_rounding=rebate.currency_id.rounding or 0.01,
                )
            )
        self.env.cr.execute(
            SQL(
                """UPDATE channel_partner_rebate r
                      SET volume = v.volume, rate = v.rate, amount = v.amount,
                          computed_on = %(now)s
                     FROM unnest(%(ids)s::int[], %(volumes)s::numeric[],
                                 %(rates)s::float8[], %(amounts)s::numeric[])
                          v(id, volume, rate, amount)
                    WHERE r.id = v.id""",
                ids=ids,
                volumes=volume_list,
                rates=rates,
                amounts=amounts,
                now=fields.Datetime.now(),
            )
        )
        drafts.invalidate_recordset(["volume", "rate", "amount", "computed_on"])

    @api.model
    def _generate(self, agreements, day):
        """Settlements of the period containing ``day`` for the agreements
        (those lacking one are created), figures computed set-based. Returns
        the settlements of that period."""
        agreements = agreements.filtered(lambda a: a.state in ("active", "expired"))
        periods = {
            agreement: period_bounds(agreement.rebate_period, day)
            for agreement in agreements
        }
        periods = {
            agreement: (max(first, agreement.date_start), min(last, agreement.date_end))
            for agreement, (first, last) in periods.items()
            if agreement.date_start <= last and agreement.date_end >= first
        }
        if not periods:
            return self.browse()
        existing = self.search(
            [
                ("agreement_id", "in", [a.id for a in periods]),
                ("state", "!=", "cancel"),
                ("date_from", "<=", max(last for _f, last in periods.values())),
                ("date_to", ">=", min(first for first, _l in periods.values())),
            ]
        )
        found = {}
        for rebate in existing:
            first, last = periods[rebate.agreement_id]
            if rebate.date_from <= last and rebate.date_to >= first:
                found[rebate.agreement_id] = rebate
        new = self.with_context(mail_create_nolog=True, tracking_disable=True).create(
            [
                {"agreement_id": agreement.id, "date_from": first, "date_to": last}
                for agreement, (first, last) in periods.items()
                if agreement not in found
            ]
        )
        settlements = new | self.union(*found.values())
        settlements._compute_figures()
        return settlements

    # ------------------------------------------------------------ actions
    def action_compute(self):
        if any(rebate.state != "draft" for rebate in self):
            raise UserError(
                self.env._("Only accrued settlements are recomputed; reset them first.")
            )
        return self._action_run_or_enqueue(
            "_job_compute",
            len(self),
            self.env._("Recompute %s rebate settlements", len(self)),
        )

    def _job_compute(self):
        self._compute_figures()
        return self.env._("%s rebate settlements recomputed.", len(self))

    @api.model
    def _job_generate(self, agreement_ids, day):
        """The settlements of the agreements for the period of ``day`` (an ISO
        date: a background job's arguments are JSON)."""
        Agreement = self.env["channel.partner.agreement"]
        agreements = Agreement.browse(agreement_ids).exists()
        rebates = self._generate(agreements, fields.Date.to_date(day))
        return self.env._(
            "%(count)s rebate settlements accrued for the period of %(date)s.",
            count=len(rebates),
            date=format_date(self.env, fields.Date.to_date(day)),
        )

    def action_confirm(self):
        for rebate in self:
            if rebate.state != "draft":
                raise UserError(
                    self.env._(
                        "Settlement %(rebate)s is not accrued: it cannot be confirmed.",
                        rebate=rebate.name,
                    )
                )
        self._compute_figures()
        self.write({"state": "confirmed"})
        return True

    def action_draft(self):
        for rebate in self:
            if rebate.move_id and rebate.move_id.state != "cancel":
                raise UserError(
                    self.env._(
                        "Settlement %(rebate)s has its document %(move)s: cancel the "
                        "document first.",
                        rebate=rebate.name,
                        move=rebate.move_id.display_name,
                    )
                )
        self.write({"state": "draft", "move_id": False})
        return True

    def action_cancel(self):
        for rebate in self:
            if rebate.move_id and rebate.move_id.state == "posted":
                raise UserError(
                    self.env._(
                        "Settlement %(rebate)s is paid by %(move)s, which is posted: "
                        "reverse it first.",
                        rebate=rebate.name,
                        move=rebate.move_id.display_name,
                    )
                )
        self.move_id.filtered(lambda m: m.state == "draft").button_cancel()
        self.write({"state": "cancel"})
        return True

    def _document_values(self):
        """Values of the credit note (rebate) or vendor bill (commission)."""
        self.ensure_one()
        company = self.company_id
        if self.kind == "commission":
            move_type = "in_invoice"
            product = company.channel_commission_product_id or self.env.ref(
                "channel_partner.product_agent_commission"
            )
        else:
            move_type = "out_refund"
            product = company.channel_rebate_product_id or self.env.ref(
                "channel_partner.product_channel_rebate"
            )
        return {
            "move_type": move_type,
            "partner_id": self.partner_id.id,
            "company_id": company.id,
            "invoice_date": fields.Date.context_today(self),
            "invoice_origin": self.name,
            "ref": self.name,
            "currency_id": self.currency_id.id,
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": product.id,
                        "name": self.env._(
                            "%(kind)s of %(agreement)s, %(from)s – %(to)s: "
                            "%(rate)s %% of %(volume)s",
                            kind=dict(
                                self._fields["kind"]._description_selection(self.env)
                            )[self.kind],
                            agreement=self.agreement_id.name,
                            rate=self.rate,
                            volume=self.currency_id.format(self.volume),
                            **{"from": self.date_from, "to": self.date_to},
                        ),
                        "quantity": 1,
                        "price_unit": self.amount,
                    },
                )
            ],
        }

    def action_create_document(self):
        """One credit note or vendor bill per confirmed settlement (draft, to be
        posted by accounting), then open them. Whoever may settle (write the
        settlements) creates the drafts without invoicing rights, as salespeople
        create the invoices of their orders."""
        self.check_access("write")
        for rebate in self:
            if rebate.state != "confirmed":
                raise UserError(
                    self.env._(
                        "Confirm settlement %(rebate)s before creating its document.",
                        rebate=rebate.name,
                    )
                )
            if rebate.amount <= 0:
                raise UserError(
                    self.env._(
                        "Settlement %(rebate)s amounts to nothing: there is no "
                        "document to create (cancel it instead).",
                        rebate=rebate.name,
                    )
                )
        moves = self.env["account.move"]
        for company, rebates in self.grouped("company_id").items():
            created = (
                self.env["account.move"]
                .sudo()
                .with_company(company)
                .create([rebate._document_values() for rebate in rebates])
                .sudo(False)
            )
            for rebate, move in zip(rebates, created, strict=True):
                rebate.write({"move_id": move.id, "state": "done"})
            moves |= created
        return self._action_open_moves(moves)

    def action_view_document(self):
        return self._action_open_moves(self.move_id)

    def _action_open_moves(self, moves):
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Rebate Documents"),
            "res_model": "account.move",
            "domain": [("id", "in", moves.ids)],
            "view_mode": "list,form",
        }
        if len(moves) == 1:
            action.update(view_mode="form", res_id=moves.id)
        return action

    # ------------------------------------------------------------ cron
    @api.model
    def _cron_accrue(self, today=None):
        """Accrue the current period of every active agreement and bring the
        previous period's accrued settlements up to date."""
        today = today or fields.Date.context_today(self)
        Agreement = self.env["channel.partner.agreement"]
        agreements = Agreement.search(
            [
                ("state", "in", ("active", "expired")),
                ("date_end", ">=", today - relativedelta(years=1)),
            ]
        )
        current = self._generate(agreements, today)
        previous = self.browse()
        for period, group in agreements.grouped("rebate_period").items():
            first, _last = period_bounds(period, today)
            previous |= self._generate(group, first - relativedelta(days=1))
        return current | previous
