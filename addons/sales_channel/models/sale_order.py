from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "sales.territory.input.mixin"]

    channel_id = fields.Many2one(
        "sales.channel",
        string="Sales Channel",
        compute="_compute_channel_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        check_company=True,
        help="The customer's channel, else the sales team's, else the company's "
        "default. A channel with a pricelist prices the quotation, unless the "
        "customer has a pricelist of its own (before the territory's pricelist).",
    )

    @api.depends("partner_id", "team_id", "company_id")
    def _compute_channel_id(self):
        for order in self:
            if order.state in ("sale", "cancel") and order.channel_id:
                order.channel_id = order.channel_id
                continue
            order.channel_id = (
                order.partner_id.commercial_partner_id.channel_id
                or order.team_id.channel_id
                or order.company_id.default_channel_id
            )

    pricelist_source = fields.Selection(
        selection_add=[("channel", "Sales Channel"), ("territory",)],
        ondelete={"channel": "set null"},
    )

    @api.model
    def _pricelist_chain(self):
        """The channel's pricelist comes after the customer's own and before
        the territory's."""
        chain = super()._pricelist_chain()
        sources = [source for source, _method in chain]
        position = sources.index("territory") if "territory" in sources else 1
        chain.insert(position, ("channel", "_pricelist_from_channel"))
        return chain

    @api.model
    def _pricelist_chain_depends(self):
        return [*super()._pricelist_chain_depends(), "channel_id"]

    def _pricelist_from_channel(self):
        return {
            order: order.channel_id.pricelist_id
            for order in self
            if order.channel_id.pricelist_id
        }

    @api.depends("channel_id")
    def _compute_payment_term_id(self):
        res = super()._compute_payment_term_id()
        for order in self:
            if not order.payment_term_id and order.channel_id.payment_term_id:
                order.payment_term_id = order.channel_id.payment_term_id
        return res

    @api.model
    def _fill_channel_from_customers(self, order_ids=None):
        """Orders without channel take their customer's (one statement), e.g.
        after channels were given to customers who already had orders; only the
        orders of ``order_ids`` when given."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE sale_order o SET channel_id = c.channel_id
                     FROM res_partner p
                     JOIN res_partner c ON c.id = p.commercial_partner_id
                     JOIN sales_channel ch ON ch.id = c.channel_id
                    WHERE p.id = o.partner_id AND o.channel_id IS NULL
                      AND ch.company_id = o.company_id AND %(orders)s""",
                orders=SQL("o.id = ANY(%s)", list(order_ids))
                if order_ids is not None
                else SQL("TRUE"),
            )
        )
        self.invalidate_model(["channel_id"])
        return self.env.cr.rowcount

    def _prepare_invoice(self):
        values = super()._prepare_invoice()
        values["channel_id"] = self.channel_id.id
        return values

    def _get_invoice_grouping_keys(self):
        return super()._get_invoice_grouping_keys() + ["channel_id"]

    # ------------------------------------------------------------ territory x channel
    def _blocking_policies(self):
        """Orders of self whose territory blocks their channel: {order: row}."""
        orders = self.filtered(lambda o: o.territory_id and o.channel_id)
        if not orders:
            return {}
        Policy = self.env["sales.territory.channel"]
        effective = Policy._effective(orders.territory_id.ids, orders.channel_id.ids)
        blocked = {}
        for order in orders:
            policy, row_id = effective.get(
                (order.territory_id.id, order.channel_id.id), (None, None)
            )
            if policy == "blocked":
                blocked[order] = Policy.browse(row_id)
        return blocked

    def _blocked_message(self, row):
        self.ensure_one()
        values = {
            "channel": self.channel_id.display_name,
            "territory": self.territory_id.display_name,
            "origin": row.territory_id.display_name,
            "order": self.name,
        }
        if row.territory_id != self.territory_id:
            return self.env._(
                "Channel %(channel)s is blocked in territory %(territory)s (policy "
                "inherited from %(origin)s): %(order)s cannot be sold through it. "
                "Choose another channel, or change the policy in Sales > "
                "Configuration > Channels > Territory x Channel Matrix.",
                **values,
            )
        return self.env._(
            "Channel %(channel)s is blocked in territory %(territory)s: %(order)s "
            "cannot be sold through it. Choose another channel, or change the policy "
            "in Sales > Configuration > Channels > Territory x Channel Matrix.",
            **values,
        )

    def _confirmation_error_message(self):
        error = super()._confirmation_error_message()
        if not error and self.company_id.channel_block_mode == "block":
            row = self._blocking_policies().get(self)
            if row:
                error = self._blocked_message(row)
        return error

    def action_confirm(self):
        res = super().action_confirm()
        # block mode refused them before (_confirmation_error_message): only
        # the orders of companies in warn mode are looked up again
        warned = self.filtered(lambda o: o.company_id.channel_block_mode == "warn")
        for order, row in warned._blocking_policies().items():
            order.message_post(body=order._blocked_message(row))
        return res

    @api.onchange("channel_id", "territory_id")
    def _onchange_channel_policy(self):
        row = self._blocking_policies().get(self)
        if row and self.state in ("draft", "sent"):
            return {
                "warning": {
                    "title": self.env._("Blocked channel"),
                    "message": self._blocked_message(row),
                }
            }

    def write(self, vals):
        if "channel_id" in vals:
            confirmed = self.filtered(
                lambda o: o.state == "sale" and o.channel_id.id != vals["channel_id"]
            )
            if confirmed:
                raise UserError(
                    self.env._(
                        "The channel of confirmed order %(orders)s cannot be changed.",
                        orders=", ".join(confirmed.mapped("name")),
                    )
                )
        return super().write(vals)
