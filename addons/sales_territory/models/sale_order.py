from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# Context key that lets code (not users) change the territory of a confirmed order.
FORCE_CONTEXT = "sales_territory_force"


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "sales.territory.input.mixin"]

    territory_id = fields.Many2one(
        "sales.territory",
        compute="_compute_territory_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        check_company=True,
        help="From the delivery address (the territory whose rules match it) or the "
        "customer, as set in the Sales settings. Editable on quotations, frozen once "
        "the order is confirmed.",
    )

    pricelist_source = fields.Selection(
        [
            ("customer", "Customer"),
            ("territory", "Territory"),
            ("default", "Default"),
            ("manual", "Chosen by Hand"),
        ],
        string="Pricelist From",
        compute="_compute_pricelist_source",
        store=True,
        precompute=True,
        help="Which step chose the pricelist of the quotation: the customer's own "
        "pricelist, else the sales channel's, else the territory's (or its nearest "
        "ancestor's), else Odoo's default. Chosen by Hand: the pricelist was changed "
        "on the quotation. Kept as it was when the order was confirmed.",
    )

    @api.depends("partner_id", "partner_shipping_id", "company_id")
    def _compute_territory_id(self):
        to_match = defaultdict(list)
        for order in self:
            if order.state in ("sale", "cancel") and order.territory_id:
                order.territory_id = order.territory_id  # frozen once confirmed
                continue
            order.territory_id = order.partner_id.commercial_partner_id.territory_id
            shipping = order.partner_shipping_id
            company = order.company_id or self.env.company
            if (
                company.territory_order_source == "delivery"
                and shipping
                and shipping.type in ("delivery", "other")
            ):
                to_match[company].append(order)
        Rule = self.env["sales.territory.rule"]
        for company, orders in to_match.items():
            winners = Rule._winning_territories(
                [
                    (
                        order.partner_shipping_id,
                        order.partner_shipping_id.commercial_partner_id,
                    )
                    for order in orders
                ],
                company,
            )
            for order, territory in zip(orders, winners, strict=True):
                if territory:
                    order.territory_id = territory

    # ------------------------------------------------------------ pricelist chain
    @api.model
    def _pricelist_chain(self):
        """The steps that choose the pricelist of a quotation, in order:
        ``[(source, method name)]``. Each method is called on the quotations that
        no earlier step priced and returns ``{order: pricelist}`` (orders it has
        no pricelist for are left out); the first step that gives one wins and
        ``source`` (a value of ``pricelist_source``) tells the user which.

        Addons insert their step here (``sales_channel`` puts the channel
        between the customer and the territory) and add the fields it reads to
        :meth:`_pricelist_chain_depends`."""
        return [
            ("customer", "_pricelist_from_customer"),
            ("territory", "_pricelist_from_territory"),
            ("default", "_pricelist_from_default"),
        ]

    @api.model
    def _pricelist_chain_depends(self):
        """Fields of the order that the steps of the chain read."""
        return ["partner_id", "company_id", "territory_id"]

    def _pricelist_choices(self):
        """{order: (source, pricelist)} for the quotations of self that have a
        customer, by the chain of :meth:`_pricelist_chain`."""
        remaining = self.filtered(lambda o: o.state == "draft" and o.partner_id)
        choices = {}
        for source, method in self._pricelist_chain():
            if not remaining:
                break
            found = getattr(remaining, method)()
            for order in remaining:
                if found.get(order):
                    choices[order] = (source, found[order])
            remaining = remaining.filtered(lambda o: o not in choices)
        return choices

    def _pricelist_from_customer(self):
        """The customer's own pricelist: a value of the company-dependent
        property actually set on the customer (its commercial entity) for the
        order's company, read from the column, not Odoo's fallback default."""
        partners = self.partner_id.commercial_partner_id.filtered(
            lambda p: isinstance(p.id, int)
        )
        if not partners:
            return {}
        self.env["res.partner"].flush_model(["specific_property_product_pricelist"])
        self.env.cr.execute(
            SQL(
                "SELECT id, specific_property_product_pricelist FROM res_partner "
                "WHERE id = ANY(%s) "
                "AND specific_property_product_pricelist IS NOT NULL",
                partners.ids,
            )
        )
        values = dict(self.env.cr.fetchall())
        wanted = {}
        for order in self:
            company = order.company_id or self.env.company
            value = values.get(order.partner_id.commercial_partner_id.id) or {}
            if value.get(str(company.id)):
                wanted[order] = (value[str(company.id)], company)
        pricelists = (
            self.env["product.pricelist"]
            .browse({pricelist_id for pricelist_id, _company in wanted.values()})
            .exists()
        )
        no_company = self.env["res.company"]
        result = {}
        for order, (pricelist_id, company) in wanted.items():
            pricelist = pricelists.filtered(lambda p, i=pricelist_id: p.id == i)
            if pricelist.active and pricelist.company_id in (company, no_company):
                result[order] = pricelist
        return result

    def _pricelist_from_territory(self):
        """The default pricelist of the order's territory or of its nearest
        ancestor that has one."""
        return {
            order: order.territory_id.effective_pricelist_id
            for order in self
            if order.territory_id.effective_pricelist_id
        }

    def _pricelist_from_default(self):
        """Odoo's default: the pricelist the customer's form shows (by country
        group, else the first pricelist of the company)."""
        return {
            order: order.with_company(
                order.company_id
            ).partner_id.property_product_pricelist
            for order in self
        }

    @api.depends(lambda self: self._pricelist_chain_depends())
    def _compute_pricelist_id(self):
        res = super()._compute_pricelist_id()
        for order, (_source, pricelist) in self._pricelist_choices().items():
            order.pricelist_id = pricelist
        return res

    @api.depends(lambda self: ["pricelist_id", *self._pricelist_chain_depends()])
    def _compute_pricelist_source(self):
        choices = self._pricelist_choices()
        for order in self:
            if order.state != "draft":
                order.pricelist_source = order.pricelist_source
            elif not order.pricelist_id:
                order.pricelist_source = False
            elif order in choices and choices[order][1] == order.pricelist_id:
                order.pricelist_source = choices[order][0]
            else:
                order.pricelist_source = "manual"

    def write(self, vals):
        if "territory_id" in vals and not self.env.context.get(FORCE_CONTEXT):
            frozen = self.filtered(
                lambda o: (
                    o.state == "sale" and o.territory_id.id != vals["territory_id"]
                )
            )
            if frozen:
                raise UserError(
                    self.env._(
                        "The territory of confirmed order %(orders)s cannot be "
                        "changed: it is frozen at confirmation so that reports stay "
                        "true. Cancel the order and set it back to quotation to change "
                        "it.",
                        orders=", ".join(frozen.mapped("name")),
                    )
                )
        return super().write(vals)

    def _confirmation_error_message(self):
        error = super()._confirmation_error_message()
        if (
            not error
            and not self.territory_id
            and self.company_id.territory_required_to_confirm
        ):
            error = self.env._(
                "Quotation %(order)s has no territory. Set one (or assign the customer "
                "%(customer)s to a territory) before confirming it.",
                order=self.name,
                customer=self.partner_id.display_name,
            )
        return error

    def _get_invoice_grouping_keys(self):
        # one invoice per territory, so that invoices report to the right one
        return super()._get_invoice_grouping_keys() + ["territory_id"]

    def _prepare_invoice(self):
        values = super()._prepare_invoice()
        values["territory_id"] = self.territory_id.id
        return values
