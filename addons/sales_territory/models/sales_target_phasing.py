from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

MONTHS = range(1, 13)


class SalesTargetPhasing(models.Model):
    """How a year's target is spread over its months (seasonality)."""

    _name = "sales.target.phasing"
    _description = "Target Phasing Profile"
    _inherit = ["sales.territory.input.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: shared by all companies."
    )
    description = fields.Text(translate=True)
    share_01 = fields.Float(string="January (%)", default=100 / 12)
    share_02 = fields.Float(string="February (%)", default=100 / 12)
    share_03 = fields.Float(string="March (%)", default=100 / 12)
    share_04 = fields.Float(string="April (%)", default=100 / 12)
    share_05 = fields.Float(string="May (%)", default=100 / 12)
    share_06 = fields.Float(string="June (%)", default=100 / 12)
    share_07 = fields.Float(string="July (%)", default=100 / 12)
    share_08 = fields.Float(string="August (%)", default=100 / 12)
    share_09 = fields.Float(string="September (%)", default=100 / 12)
    share_10 = fields.Float(string="October (%)", default=100 / 12)
    share_11 = fields.Float(string="November (%)", default=100 / 12)
    share_12 = fields.Float(string="December (%)", default=100 / 12)
    total = fields.Float(string="Total (%)", compute="_compute_total")

    def _shares(self):
        self.ensure_one()
        return [self[f"share_{month:02d}"] for month in MONTHS]

    @api.depends(*(f"share_{month:02d}" for month in MONTHS))
    def _compute_total(self):
        for profile in self:
            profile.total = sum(profile._shares())

    @api.constrains(*(f"share_{month:02d}" for month in MONTHS))
    def _check_shares(self):
        for profile in self:
            shares = profile._shares()
            if any(share < 0 for share in shares):
                raise ValidationError(
                    self.env._(
                        "The monthly shares of %(profile)s cannot be negative.",
                        profile=profile.name,
                    )
                )
            if float_compare(sum(shares), 100.0, precision_digits=2):
                raise ValidationError(
                    self.env._(
                        "The monthly shares of %(profile)s add up to %(total)s %%, "
                        "not 100 %%.",
                        profile=profile.name,
                        total=round(sum(shares), 2),
                    )
                )
