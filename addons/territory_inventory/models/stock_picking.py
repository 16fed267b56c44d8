from collections import defaultdict

from odoo import api, fields, models
from odoo.osv import expression

from odoo.addons.sales_territory.models.sales_territory_rule import normalize_zip


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "sales.territory.input.mixin"]

    territory_id = fields.Many2one(
        "sales.territory",
        compute="_compute_territory_id",
        store=True,
        index=True,
        help="The territory of the sales order, else of the customer.",
    )

    @api.depends("sale_id.territory_id", "partner_id.territory_id")
    def _compute_territory_id(self):
        for picking in self:
            picking.territory_id = (
                picking.sale_id.territory_id
                or picking.partner_id.commercial_partner_id.territory_id
            )

    @api.model
    def _batch_deliveries_by_territory(self, company=None):
        """Ready delivery orders not yet in a batch, grouped into one batch per
        territory and operation type, ordered by zip code. Returns the batches."""
        domain = [
            ("picking_type_code", "=", "outgoing"),
            ("state", "=", "assigned"),
            ("batch_id", "=", False),
            ("territory_id", "!=", False),
        ]
        if company:
            domain.append(("company_id", "=", company.id))
        groups = defaultdict(lambda: self.env["stock.picking"])
        for picking in self.search(domain):
            groups[(picking.territory_id, picking.picking_type_id)] |= picking
        Batch = self.env["stock.picking.batch"]
        batches = Batch
        for (territory, picking_type), pickings in groups.items():
            batch = Batch.create(
                {
                    "description": territory.complete_name,
                    "picking_type_id": picking_type.id,
                    "company_id": picking_type.company_id.id,
                    "picking_ids": [(6, 0, pickings.ids)],
                }
            )
            batch._sequence_by_zip()
            batches |= batch
        return batches

    @api.model
    def action_batch_by_territory(self):
        batches = self._batch_deliveries_by_territory()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Batches by Territory"),
            "res_model": "stock.picking.batch",
            "view_mode": "list,form",
            "domain": [("id", "in", batches.ids)],
        }

    @api.model
    def _cron_batch_by_territory(self):
        self._batch_deliveries_by_territory()
        return True

    # ------------------------------------------------------------ auto batches
    def _get_possible_pickings_domain(self):
        domain = super()._get_possible_pickings_domain()
        if self.picking_type_id.batch_group_by_territory:
            domain = expression.AND(
                [domain, [("territory_id", "=", self.territory_id.id)]]
            )
        return domain

    def _get_possible_batches_domain(self):
        domain = super()._get_possible_batches_domain()
        if self.picking_type_id.batch_group_by_territory:
            domain = expression.AND(
                [domain, [("picking_ids.territory_id", "=", self.territory_id.id)]]
            )
        return domain

    def _find_auto_batch(self):
        batch = super()._find_auto_batch()
        if batch and self.picking_type_id.batch_group_by_territory:
            batch._sequence_by_zip()
        return batch


class StockPickingBatch(models.Model):
    _inherit = "stock.picking.batch"

    def _sequence_by_zip(self):
        """Route order of the transfers of the batch: by zip code, then city."""
        for batch in self:
            ordered = batch.picking_ids.sorted(
                lambda p: (
                    normalize_zip(p.partner_id.zip),
                    p.partner_id.city or "",
                    p.id,
                )
            )
            for position, picking in enumerate(ordered, start=1):
                picking.batch_sequence = position


class StockPickingType(models.Model):
    _name = "stock.picking.type"
    _inherit = ["stock.picking.type", "sales.territory.input.mixin"]

    batch_group_by_territory = fields.Boolean(
        string="Territory",
        help="Automatically group batches by the territory of the order (or of the "
        "customer), in zip code order.",
    )

    @api.model
    def _get_batch_group_by_keys(self):
        return super()._get_batch_group_by_keys() + ["batch_group_by_territory"]
