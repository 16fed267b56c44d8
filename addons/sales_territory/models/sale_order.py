from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

# Context key that lets code (not users) change the territory of a confirmed order.
FORCE_CONTEXT = "sales_territory_force"


class SaleOrder(models.Model):
    _inherit = "sale.order"

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
