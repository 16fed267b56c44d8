from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ChannelPartnerSellout(models.Model):
    """A distributor's sale to an end customer (secondary sales), uploaded by
    the distributor; the report of sell-out by territory, product and
    partner."""

    _name = "channel.partner.sellout"
    _description = "Sell-out Line"
    _inherit = ["sales.territory.input.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Distributor",
        required=True,
        index=True,
        domain="[('is_channel_partner', '=', True), ('is_company', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, index=True)
    product_id = fields.Many2one("product.product", required=True, index=True)
    categ_id = fields.Many2one(
        related="product_id.categ_id", store=True, string="Product Category"
    )
    customer_id = fields.Many2one(
        "res.partner", string="End Customer", required=True, index=True
    )
    territory_id = fields.Many2one(
        "sales.territory",
        compute="_compute_territory_id",
        store=True,
        index=True,
        help="The end customer's territory.",
    )
    region_id = fields.Many2one(
        related="territory_id.region_id", store=True, string="Region"
    )
    quantity = fields.Float(required=True, digits="Product Unit of Measure")
    amount = fields.Monetary()
    import_id = fields.Many2one(
        "channel.partner.sellout.import.log", readonly=True, index="btree_not_null"
    )

    @api.depends("customer_id.territory_id")
    def _compute_territory_id(self):
        for line in self:
            line.territory_id = line.customer_id.commercial_partner_id.territory_id

    @api.constrains("quantity", "amount")
    def _check_figures(self):
        for line in self:
            if line.quantity <= 0 or line.amount < 0:
                raise ValidationError(
                    self.env._(
                        "Sell-out of %(product)s: the quantity must be above zero "
                        "and the amount not negative.",
                        product=line.product_id.display_name,
                    )
                )


class ChannelPartnerStock(models.Model):
    """What a distributor holds in stock, as it reports it at a date."""

    _name = "channel.partner.stock"
    _description = "Partner Stock"
    _inherit = ["sales.territory.input.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Distributor",
        required=True,
        index=True,
        domain="[('is_channel_partner', '=', True), ('is_company', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Date(required=True, index=True)
    product_id = fields.Many2one("product.product", required=True, index=True)
    categ_id = fields.Many2one(
        related="product_id.categ_id", store=True, string="Product Category"
    )
    quantity = fields.Float(required=True, digits="Product Unit of Measure")
    import_id = fields.Many2one(
        "channel.partner.sellout.import.log", readonly=True, index="btree_not_null"
    )

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if line.quantity < 0:
                raise ValidationError(
                    self.env._(
                        "Stock of %(product)s cannot be negative.",
                        product=line.product_id.display_name,
                    )
                )


class ChannelPartnerSelloutImportLog(models.Model):
    """One uploaded file of sell-out or stock."""

    _name = "channel.partner.sellout.import.log"
    _description = "Sell-out Upload"
    _order = "create_date desc, id desc"

    name = fields.Char(string="File", required=True)
    partner_id = fields.Many2one("res.partner", string="Distributor", required=True)
    company_id = fields.Many2one("res.company", required=True)
    kind = fields.Selection(
        [("sellout", "Sell-out"), ("stock", "Stock")], required=True
    )
    line_count = fields.Integer(string="Lines")
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
