from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare, float_round


class TerritoryRebalanceProposal(models.Model):
    """Stock to move from a warehouse with too much to one below its minimum."""

    _name = "territory.rebalance.proposal"
    _description = "Rebalancing Proposal"
    _inherit = ["sales.territory.input.mixin"]
    _order = "state, id desc"
    _rec_name = "product_id"
    _check_company_auto = True

    product_id = fields.Many2one("product.product", required=True, index=True)
    uom_id = fields.Many2one(related="product_id.uom_id")
    from_warehouse_id = fields.Many2one(
        "stock.warehouse", string="From", required=True, check_company=True
    )
    to_warehouse_id = fields.Many2one(
        "stock.warehouse", string="To", required=True, check_company=True
    )
    quantity = fields.Float(required=True, digits="Product Unit of Measure")
    from_cover_days = fields.Float(
        string="Cover at Source (days)",
        readonly=True,
        help="Days of demand the free stock of the source covers, before the move.",
    )
    to_free_qty = fields.Float(
        string="Free at Destination", readonly=True, digits="Product Unit of Measure"
    )
    to_min_qty = fields.Float(
        string="Destination Minimum", readonly=True, digits="Product Unit of Measure"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [
            ("proposed", "Proposed"),
            ("done", "Transfer Created"),
            ("cancel", "Cancelled"),
        ],
        default="proposed",
        required=True,
    )
    picking_ids = fields.Many2many("stock.picking", string="Transfers", readonly=True)

    @api.constrains("from_warehouse_id", "to_warehouse_id", "quantity")
    def _check_moves(self):
        for proposal in self:
            if proposal.from_warehouse_id == proposal.to_warehouse_id:
                raise ValidationError(
                    self.env._(
                        "%(product)s cannot be moved from warehouse %(warehouse)s to "
                        "itself: choose another destination.",
                        product=proposal.product_id.display_name,
                        warehouse=proposal.from_warehouse_id.display_name,
                    )
                )
            if proposal.quantity <= 0:
                raise ValidationError(
                    self.env._("The quantity to move must be greater than zero.")
                )

    # ------------------------------------------------------------ proposing
    @api.model
    def _propose(self, company=None):
        """Replace the open proposals of the company: for each product, the
        warehouses above the surplus limit (days of cover) give to those below
        their minimum (reordering rule), largest surplus to largest need."""
        company = company or self.env.company
        Run = self.env["territory.replenishment.run"]
        warehouses = Run.new({"company_id": company.id})._territory_warehouses()
        self.search(
            [("company_id", "=", company.id), ("state", "=", "proposed")]
        ).unlink()
        if len(warehouses) < 2:
            return self
        days = company.replenishment_history_days
        until = fields.Datetime.now()
        self.env.flush_all()
        self.env.cr.execute(
            Run._demand_sql(warehouses, until - timedelta(days=days), until, days)
        )
        demand = {
            (wh, product): mean for wh, product, mean, _sigma in self.env.cr.fetchall()
        }
        self.env.cr.execute(
            SQL(
                """SELECT op.warehouse_id, op.product_id, op.product_min_qty
                     FROM stock_warehouse_orderpoint op
                    WHERE op.active AND op.warehouse_id = ANY(%s)""",
                warehouses.ids,
            )
        )
        minimums = {(wh, product): qty for wh, product, qty in self.env.cr.fetchall()}
        products = self.env["product.product"].browse(
            {product for _wh, product in demand}
            | {product for _wh, product in minimums}
        )
        free = self.env["sale.order.line"]._free_quantities(products, warehouses)
        limit = company.rebalance_surplus_days
        values = []
        for product in products.filtered("is_storable"):
            rounding = product.uom_id.rounding
            givers, takers = [], []
            for warehouse in warehouses:
                qty = free.get((product.id, warehouse.id), 0.0)
                daily = demand.get((warehouse.id, product.id), 0.0)
                cover = qty / daily if daily else (float("inf") if qty > 0 else 0.0)
                if cover > limit:
                    surplus = qty - daily * limit
                    givers.append([surplus, warehouse, cover])
                minimum = minimums.get((warehouse.id, product.id))
                if (
                    minimum
                    and float_compare(qty, minimum, precision_rounding=rounding) < 0
                ):
                    takers.append([minimum - qty, warehouse, qty, minimum])
            givers.sort(key=lambda giver: -giver[0])
            takers.sort(key=lambda taker: -taker[0])
            for taker in takers:
                for giver in givers:
                    if taker[0] <= 0:
                        break
                    if giver[0] <= 0 or giver[1] == taker[1]:
                        continue
                    qty = float_round(
                        min(giver[0], taker[0]),
                        precision_rounding=rounding,
                        rounding_method="DOWN",
                    )
                    if qty <= 0:
                        continue
                    values.append(
                        {
                            "product_id": product.id,
                            "from_warehouse_id": giver[1].id,
                            "to_warehouse_id": taker[1].id,
                            "quantity": qty,
                            "from_cover_days": min(giver[2], 99999.0),
                            "to_free_qty": taker[2],
                            "to_min_qty": taker[3],
                            "company_id": company.id,
                        }
                    )
                    giver[0] -= qty
                    taker[0] -= qty
        return self.create(values)

    @api.model
    def action_propose(self):
        for company in self.env.companies:
            self._propose(company)
        return {"type": "ir.actions.client", "tag": "reload"}

    # ------------------------------------------------------------ transfers
    def action_create_transfer(self):
        """The inter-warehouse transfer, as Odoo makes it: through the resupply
        route of the destination when it is supplied from the source, else two
        transfers through the company's transit location."""
        for proposal in self:
            if proposal.state != "proposed":
                raise UserError(
                    self.env._("A transfer was already created for this proposal.")
                )
            route = proposal.to_warehouse_id.resupply_route_ids.filtered(
                lambda r, p=proposal: r.supplier_wh_id == p.from_warehouse_id
            )[:1]
            if route:
                pickings = proposal._transfer_by_route(route)
            else:
                pickings = proposal._transfer_by_transit()
            proposal.write({"state": "done", "picking_ids": [(6, 0, pickings.ids)]})
        return self.action_view_transfers()

    def _transfer_by_route(self, route):
        self.ensure_one()
        group = self.env["procurement.group"].create({"name": self._origin_name()})
        self.env["procurement.group"].run(
            [
                self.env["procurement.group"].Procurement(
                    self.product_id,
                    self.quantity,
                    self.product_id.uom_id,
                    self.to_warehouse_id.lot_stock_id,
                    self._origin_name(),
                    self._origin_name(),
                    self.company_id,
                    {
                        "warehouse_id": self.to_warehouse_id,
                        "route_ids": route,
                        "group_id": group,
                    },
                )
            ]
        )
        pickings = self.env["stock.picking"].search([("group_id", "=", group.id)])
        pickings.action_confirm()
        return pickings

    def _transfer_by_transit(self):
        self.ensure_one()
        transit = self.company_id.internal_transit_location_id
        if not transit:
            raise UserError(
                self.env._(
                    "Company %s has no transit location for inter-warehouse transfers.",
                    self.company_id.name,
                )
            )
        Picking = self.env["stock.picking"]
        legs = [
            (
                self.from_warehouse_id.int_type_id,
                self.from_warehouse_id.lot_stock_id,
                transit,
            ),
            (
                self.to_warehouse_id.in_type_id,
                transit,
                self.to_warehouse_id.lot_stock_id,
            ),
        ]
        pickings = Picking
        for picking_type, source, destination in legs:
            pickings |= Picking.create(
                {
                    "picking_type_id": picking_type.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "origin": self._origin_name(),
                    "company_id": self.company_id.id,
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "name": self.product_id.display_name,
                                "product_id": self.product_id.id,
                                "product_uom": self.product_id.uom_id.id,
                                "product_uom_qty": self.quantity,
                                "location_id": source.id,
                                "location_dest_id": destination.id,
                                "company_id": self.company_id.id,
                            },
                        )
                    ],
                }
            )
        pickings.action_confirm()
        return pickings

    def _origin_name(self):
        return self.env._(
            "Rebalancing %(from)s → %(to)s",
            **{
                "from": self.from_warehouse_id.code,
                "to": self.to_warehouse_id.code,
            },
        )

    def action_cancel(self):
        self.filtered(lambda p: p.state == "proposed").write({"state": "cancel"})
        return True

    def action_view_transfers(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Transfers"),
            "res_model": "stock.picking",
            "view_mode": "list,form",
            "domain": [("id", "in", self.picking_ids.ids)],
        }
