from odoo import api, fields, models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "sales.territory.input.mixin"]

    channel_partner_id = fields.Many2one(
        "res.partner",
        compute="_compute_channel_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        domain="[('is_channel_partner', '=', True), ('is_company', '=', True)]",
        help="The reseller or agent who brought or fulfils the deal: the partner of "
        "the opportunity, else the one holding an approved deal registration on the "
        "customer. Sales to a distributor count as its sell-in without it.",
    )
    exclusivity_warning = fields.Text(
        compute="_compute_exclusivity_warning",
        help="Another partner holds exclusivity in the customer's territory for "
        "these products, or an approved deal registration on the customer.",
    )

    @api.depends("partner_id", "opportunity_id")
    def _compute_channel_partner_id(self):
        protections = self.env["channel.partner.deal"]._protections(
            self.partner_id.commercial_partner_id
        )
        for order in self:
            if order.state in ("sale", "cancel"):
                order.channel_partner_id = order.channel_partner_id
                continue
            customer = order.partner_id.commercial_partner_id
            deal = protections.get(customer.id)
            order.channel_partner_id = (
                order.opportunity_id.channel_partner_id
                or (deal.partner_id if deal else False)
                or order.channel_partner_id
            )

    @api.depends(
        "partner_id",
        "territory_id",
        "channel_partner_id",
        "order_line.product_id",
        "date_order",
    )
    def _compute_exclusivity_warning(self):
        breaches = self._exclusivity_breaches()
        for order in self:
            order.exclusivity_warning = breaches.get(order, False)

    def _exclusivity_breaches(self):
        """{order: message} for the orders of self sold around another partner's
        exclusivity or protected deal, in two queries for all of them."""
        orders = self.filtered(lambda o: o.state in ("draft", "sent", "sale"))
        if not orders:
            return {}
        Agreement = self.env["channel.partner.agreement"]
        holders = {}
        for (company, day), group in (
            orders.filtered("territory_id")
            .grouped(lambda o: (o.company_id, fields.Date.to_date(o.date_order)))
            .items()
        ):
            pairs = {
                (order.territory_id.id, line.product_id.categ_id.id)
                for order in group
                for line in order.order_line
                if line.product_id
            }
            holders[company, day] = Agreement._exclusive_holders(
                sorted(pairs), day, company
            )
        protections = self.env["channel.partner.deal"]._protections(
            orders.partner_id.commercial_partner_id
        )
        breaches = {}
        for order in orders:
            customer = order.partner_id.commercial_partner_id
            ours = order.channel_partner_id.commercial_partner_id | customer
            messages = []
            found = holders.get(
                (order.company_id, fields.Date.to_date(order.date_order)), {}
            )
            agreements = Agreement.union(
                *(
                    found[order.territory_id.id, line.product_id.categ_id.id]
                    for line in order.order_line
                    if (order.territory_id.id, line.product_id.categ_id.id) in found
                )
            )
            for agreement in agreements:
                if agreement.partner_id not in ours:
                    messages.append(
                        self.env._(
                            "%(partner)s holds exclusivity in %(territory)s "
                            "(agreement %(agreement)s, until %(end)s).",
                            partner=agreement.partner_id.display_name,
                            territory=order.territory_id.display_name,
                            agreement=agreement.name,
                            end=agreement.date_end,
                        )
                    )
            deal = protections.get(customer.id)
            if deal and deal.partner_id not in ours:
                messages.append(
                    self.env._(
                        "%(partner)s registered a deal with %(customer)s "
                        "(%(deal)s), protected until %(end)s.",
                        partner=deal.partner_id.display_name,
                        customer=customer.display_name,
                        deal=deal.name,
                        end=deal.protection_end,
                    )
                )
            if messages:
                breaches[order] = "\n".join(messages)
        return breaches

    def _confirmation_error_message(self):
        error = super()._confirmation_error_message()
        if not error and self.company_id.channel_exclusivity_mode == "block":
            breach = self._exclusivity_breaches().get(self)
            if breach:
                error = self.env._(
                    "%(order)s cannot be confirmed: %(breach)s Sell it through that "
                    "partner, or ask a channel manager.",
                    order=self.name,
                    breach=breach,
                )
        return error

    def action_confirm(self):
        breaches = self._exclusivity_breaches()
        res = super().action_confirm()
        for order, breach in breaches.items():
            if order.company_id.channel_exclusivity_mode == "warn":
                order.message_post(
                    body=self.env._("Confirmed despite: %(breach)s", breach=breach)
                )
        return res

    def _prepare_invoice(self):
        values = super()._prepare_invoice()
        values["channel_partner_id"] = self.channel_partner_id.id
        return values

    def _get_invoice_grouping_keys(self):
        return super()._get_invoice_grouping_keys() + ["channel_partner_id"]
