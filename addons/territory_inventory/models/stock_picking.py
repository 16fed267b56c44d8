from collections import defaultdict

from odoo import api, fields, models

from odoo.addons.sales_territory.models.sales_territory_rule import normalize_zip


class StockPicking(models.Model):
    _inherit = "stock.picking"

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
            ordered = pickings.sorted(
                lambda p: (
                    normalize_zip(p.partner_id.zip),
                    p.partner_id.city or "",
                    p.id,
                )
            )
            for position, picking in enumerate(ordered, start=1):
                picking.batch_sequence = position  # route order in the batch
            batches |= Batch.create(
                {
                    "description": territory.complete_name,
                    "picking_type_id": picking_type.id,
                    "company_id": picking_type.company_id.id,
                    "picking_ids": [(6, 0, ordered.ids)],
                }
            )
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
