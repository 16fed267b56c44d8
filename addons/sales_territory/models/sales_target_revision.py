from odoo import api, fields, models


class SalesTargetRevision(models.Model):
    _name = "sales.target.revision"
    _description = "Sales Target Revision"
    _order = "date desc, id desc"
    _rec_name = "target_id"

    target_id = fields.Many2one(
        "sales.target", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="target_id.company_id", store=True, index=True)
    old_value = fields.Float(string="Old Target", required=True, readonly=True)
    new_value = fields.Float(string="New Target", required=True, readonly=True)
    difference = fields.Float(compute="_compute_difference", store=True)
    reason = fields.Text(required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Revised By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)

    @api.depends("old_value", "new_value")
    def _compute_difference(self):
        for revision in self:
            revision.difference = revision.new_value - revision.old_value
