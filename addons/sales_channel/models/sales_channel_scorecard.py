from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .res_company import SCORE_WEIGHTS


def month_start(day):
    return day.replace(day=1)


class SalesChannelScorecard(models.Model):
    """A channel's figures for one month, its weighted score and its rank
    among the channels of the company that month."""

    _name = "sales.channel.scorecard"
    _description = "Sales Channel Scorecard"
    _order = "date_from desc, rank, id"
    _rec_name = "channel_id"
    _check_company_auto = True

    channel_id = fields.Many2one(
        "sales.channel", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="Month", required=True, index=True, readonly=True)
    date_to = fields.Date(required=True, readonly=True)
    revenue = fields.Monetary(readonly=True, help="Untaxed amount of confirmed orders.")
    margin = fields.Monetary(readonly=True)
    margin_rate = fields.Float(string="Margin (%)", readonly=True, aggregator="avg")
    order_count = fields.Integer(string="Orders", readonly=True)
    average_order = fields.Monetary(readonly=True, aggregator="avg")
    active_customers = fields.Integer(
        readonly=True, help="Customers with at least one confirmed order in the month."
    )
    new_customers = fields.Integer(
        readonly=True, help="Customers whose first confirmed order is in the month."
    )
    revenue_previous = fields.Monetary(string="Previous Month", readonly=True)
    growth_previous = fields.Float(
        string="Growth vs Previous (%)", readonly=True, aggregator="avg"
    )
    revenue_last_year = fields.Monetary(string="Same Month Last Year", readonly=True)
    growth_last_year = fields.Float(
        string="Growth vs Last Year (%)", readonly=True, aggregator="avg"
    )
    invoiced = fields.Monetary(
        readonly=True, help="Untaxed amount of posted customer invoices."
    )
    refunded = fields.Monetary(
        readonly=True, help="Untaxed amount of posted credit notes."
    )
    refund_rate = fields.Float(
        string="Refund Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Credit notes of the month as a share of the month's invoices (untaxed).",
    )
    leads_won = fields.Integer(readonly=True)
    leads_lost = fields.Integer(readonly=True)
    lost_reason_id = fields.Many2one(
        "crm.lost.reason",
        string="Main Lost Reason",
        readonly=True,
        help="The reason given most often for the leads lost in the month.",
    )
    target_value = fields.Monetary(string="Target", readonly=True)
    target_actual = fields.Monetary(readonly=True)
    target_achievement = fields.Float(
        string="Achievement (%)", readonly=True, aggregator="avg"
    )
    score = fields.Float(
        readonly=True,
        aggregator="avg",
        help="0 to 100: each figure is scaled between the worst and the best channel "
        "of the month (refund rate reversed), then weighted by the settings.",
    )
    rank = fields.Integer(readonly=True, aggregator="min")
    build_date = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "channel_month_uniq",
            "unique (channel_id, date_from)",
            "A channel has one scorecard per month.",
        ),
    ]

    @api.depends("channel_id", "date_from")
    def _compute_display_name(self):
        for card in self:
            month = card.date_from.strftime("%Y-%m") if card.date_from else ""
            card.display_name = f"{card.channel_id.display_name} · {month}"

    # ------------------------------------------------------------ building
    @api.model
    def _order_figures(self, company, first, last):
        """Orders family, one query: by channel and month."""
        Report = self.env["sales.performance.report"]
        self.env.cr.execute(
            SQL(
                """SELECT f.channel_id, date_trunc('month', f.date)::date,
                          sum(f.ordered_amount), sum(f.margin), count(*),
                          count(DISTINCT f.partner_id), sum(f.new_customer_count)
                     FROM (%s) f
                    WHERE f.source = 'order' AND f.company_id = %s
                      AND f.channel_id IS NOT NULL
                    GROUP BY 1, 2""",
                Report._facts_sql(date_from=first, date_to=last),
                company.id,
            )
        )
        return {
            (channel, month): values
            for channel, month, *values in self.env.cr.fetchall()
        }

    @api.model
    def _invoice_figures(self, company, first, last):
        """Invoices family, one query: invoiced and refunded by channel, month."""
        self.env.cr.execute(
            SQL(
                """SELECT m.channel_id, date_trunc('month', m.invoice_date)::date,
                          sum(m.amount_untaxed_signed)
                              FILTER (WHERE m.move_type != 'out_refund'),
                          -sum(m.amount_untaxed_signed)
                              FILTER (WHERE m.move_type = 'out_refund')
                     FROM account_move m
                    WHERE m.state = 'posted' AND m.company_id = %s
                      AND m.move_type IN ('out_invoice', 'out_refund', 'out_receipt')
                      AND m.channel_id IS NOT NULL
                      AND m.invoice_date BETWEEN %s AND %s
                    GROUP BY 1, 2""",
                company.id,
                first,
                last,
            )
        )
        return {
            (channel, month): (invoiced or 0.0, refunded or 0.0)
            for channel, month, invoiced, refunded in self.env.cr.fetchall()
        }

    @api.model
    def _lead_figures(self, company, first, last):
        """Leads family, one query: won, lost and the main lost reason."""
        self.env.cr.execute(
            SQL(
                """WITH closed AS (
                       SELECT l.channel_id,
                              date_trunc('month', %(closed_on)s)::date AS month,
                              l.active AND l.probability = 100 AS won,
                              NOT l.active AND COALESCE(l.probability, 0) = 0 AS lost,
                              l.lost_reason_id
                         FROM crm_lead l
                         JOIN res_company c ON c.id = l.company_id
                         JOIN res_partner cp ON cp.id = c.partner_id
                        WHERE l.company_id = %(company)s AND l.channel_id IS NOT NULL
                          AND %(closed_on)s BETWEEN %(first)s AND %(last)s
                   ),
                   reasons AS (
                       SELECT channel_id, month, lost_reason_id,
                              row_number() OVER (PARTITION BY channel_id, month
                                                 ORDER BY count(*) DESC, lost_reason_id)
                                  AS rk
                         FROM closed WHERE lost AND lost_reason_id IS NOT NULL
                        GROUP BY channel_id, month, lost_reason_id
                   )
                   SELECT c.channel_id, c.month, count(*) FILTER (WHERE c.won),
                          count(*) FILTER (WHERE c.lost), min(r.lost_reason_id)
                     FROM closed c
                     LEFT JOIN reasons r ON r.channel_id = c.channel_id
                                        AND r.month = c.month AND r.rk = 1
                    GROUP BY 1, 2""",
                closed_on=self.env["sales.performance.report"]._local_date(
                    SQL("l.date_closed")
                ),
                company=company.id,
                first=first,
                last=last,
            )
        )
        return {
            (channel, month): (won, lost, reason)
            for channel, month, won, lost, reason in self.env.cr.fetchall()
        }

    @api.model
    def _target_figures(self, company, first, last):
        """Targets family: channel targets (ordered amount) of each month."""
        targets = self.env["sales.target"].search(
            [
                ("company_id", "=", company.id),
                ("dimension", "=", "channel"),
                ("territory_id", "=", False),
                ("measure", "=", "ordered"),
                ("state", "!=", "draft"),
                ("date_from", ">=", first),
                ("date_to", "<=", last),
            ]
        )
        targets._refresh_actuals()
        figures = defaultdict(lambda: [0.0, 0.0])
        for channel, month, target, actual in self.env["sales.target"]._read_group(
            [("id", "in", targets.ids)],
            ["channel_id", "date_from:month"],
            ["target_value:sum", "actual_value:sum"],
        ):
            figures[(channel.id, month_start(month))] = [target, actual]
        return figures

    @api.model
    def _build(self, months, company=None):
        """Build (or rebuild) the scorecards of every channel of the company
        for the given months (their first days): one query per family of
        figures for all channels and months, then scores and ranks."""
        company = company or self.env.company
        months = sorted({month_start(month) for month in months})
        if not months:
            return self
        first = months[0] - relativedelta(years=1)
        last = months[-1] + relativedelta(months=1, days=-1)
        self.env.flush_all()
        orders = self._order_figures(company, first, last)
        invoices = self._invoice_figures(company, months[0], last)
        leads = self._lead_figures(company, months[0], last)
        targets = self._target_figures(company, months[0], last)
        channels = self.env["sales.channel"].search(
            [("company_id", "=", company.id), ("child_ids", "=", False)]
        )
        now = fields.Datetime.now()
        values = []
        for month in months:
            for channel in channels:
                values.append(
                    self._card_values(
                        channel, month, orders, invoices, leads, targets, company
                    )
                )
                values[-1]["build_date"] = now
            self._score(values[-len(channels) :] if channels else [], company)
        # scorecards are snapshots only this method writes (nobody may create,
        # change or delete one by hand): as superuser, for the callers that
        # may build them (the cron, channel managers through the button)
        existing = self.sudo().search(
            [("company_id", "=", company.id), ("date_from", "in", months)]
        )
        existing.unlink()
        return self.browse(self.sudo().create(values).ids)

    @api.model
    def _card_values(self, channel, month, orders, invoices, leads, targets, company):
        def revenue_of(day):
            return (orders.get((channel.id, day)) or (0.0,))[0] or 0.0

        revenue, margin, count, active, new = orders.get(
            (channel.id, month), (0.0, 0.0, 0, 0, 0)
        )
        previous = revenue_of(month - relativedelta(months=1))
        last_year = revenue_of(month - relativedelta(years=1))
        invoiced, refunded = invoices.get((channel.id, month), (0.0, 0.0))
        won, lost, reason = leads.get((channel.id, month), (0, 0, None))
        target, actual = targets.get((channel.id, month), (0.0, 0.0))
        return {
            "channel_id": channel.id,
            "company_id": company.id,
            "date_from": month,
            "date_to": month + relativedelta(months=1, days=-1),
            "revenue": revenue,
            "margin": margin,
            "margin_rate": 100.0 * margin / revenue if revenue else 0.0,
            "order_count": count,
            "average_order": revenue / count if count else 0.0,
            "active_customers": active,
            "new_customers": new,
            "revenue_previous": previous,
            "growth_previous": 100.0 * (revenue - previous) / previous
            if previous
            else 0.0,
            "revenue_last_year": last_year,
            "growth_last_year": 100.0 * (revenue - last_year) / last_year
            if last_year
            else 0.0,
            "invoiced": invoiced,
            "refunded": refunded,
            "refund_rate": 100.0 * refunded / invoiced if invoiced else 0.0,
            "leads_won": won,
            "leads_lost": lost,
            "lost_reason_id": reason,
            "target_value": target,
            "target_actual": actual,
            "target_achievement": 100.0 * actual / target if target else 0.0,
        }

    @api.model
    def _score(self, cards, company):
        """Weighted score (0-100) and rank of the cards of one month."""
        figures = {
            "channel_weight_revenue": ("revenue", False),
            "channel_weight_margin": ("margin_rate", False),
            "channel_weight_growth": ("growth_last_year", False),
            "channel_weight_refund": ("refund_rate", True),
            "channel_weight_target": ("target_achievement", False),
            "channel_weight_new_customers": ("new_customers", False),
        }
        for card in cards:
            card["score"] = 0.0
        for weight_field, _label in SCORE_WEIGHTS:
            key, lower_is_better = figures[weight_field]
            weight = company[weight_field]
            values = [card[key] for card in cards]
            low, high = (min(values), max(values)) if values else (0, 0)
            for card in cards:
                if high == low:
                    scaled = 100.0 if high else 0.0
                else:
                    scaled = 100.0 * (card[key] - low) / (high - low)
                if lower_is_better:
                    scaled = 100.0 - scaled if high != low else 100.0
                card["score"] += weight * scaled / 100.0
        ordered = sorted(cards, key=lambda card: -card["score"])
        rank = 0
        previous = None
        for position, card in enumerate(ordered, start=1):
            if card["score"] != previous:
                rank, previous = position, card["score"]
            card["rank"] = rank

    @api.model
    def action_build_recent(self):
        """The button: this month and the eleven before, for every company of
        the user."""
        if not (
            self.env.su
            or self.env.user.has_group("sales_channel.group_channel_manager")
        ):
            raise AccessError(
                self.env._("Only channel managers build the channel scorecards.")
            )
        size = 12 * self.env["sales.channel"].search_count(
            [("company_id", "in", self.env.companies.ids)]
        )
        result = self.env["sales.territory.job"]._run_or_enqueue(
            self.browse(),
            "_job_build_recent",
            size,
            self.env._("Build the channel scorecards of the last 12 months"),
        )
        if isinstance(result, dict):
            return result
        return {"type": "ir.actions.client", "tag": "reload"}

    @api.model
    def _job_build_recent(self):
        today = month_start(fields.Date.context_today(self))
        months = [today - relativedelta(months=k) for k in range(12)]
        companies = self.env.companies
        for done, company in enumerate(companies, start=1):
            self._build(months, company)
            self.env["sales.territory.job"]._report_progress(done, len(companies))
        return self.env._(
            "The scorecards of %(count)s channels over 12 months are built.",
            count=self.env["sales.channel"].search_count(
                [("company_id", "in", self.env.companies.ids)]
            ),
        )

    @api.model
    def _cron_build(self):
        """Monthly: the month that ended and the current one."""
        today = month_start(fields.Date.context_today(self))
        for company in self.env["res.company"].search([("active", "=", True)]):
            self._build([today - relativedelta(months=1), today], company)
        return True
