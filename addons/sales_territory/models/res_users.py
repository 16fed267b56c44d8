from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    sales_territory_ids = fields.Many2many(
        "sales.territory",
        compute="_compute_sales_territory_ids",
        string="My Territories",
        help="Territories where the user is a salesperson or the manager; record "
        "rules extend them to their sub-territories.",
    )
    sales_territory_managed_ids = fields.Many2many(
        "sales.territory",
        compute="_compute_sales_territory_ids",
        string="Managed Territories",
    )

    def _compute_sales_territory_ids(self):
        Territory = self.env["sales.territory"].sudo().with_context(active_test=False)
        for user in self:
            managed = Territory.search([("manager_id", "=", user.id)])
            member = Territory.search([("member_ids", "in", user.id)])
            user.sales_territory_managed_ids = managed
            user.sales_territory_ids = managed | member

    @api.model_create_multi
    def create(self, vals_list):
        # the partner of a user is not a customer: no territory by rules
        users = super(
            ResUsers, self.with_context(sales_territory_no_assign=True)
        ).create(vals_list)
        return users.with_env(self.env)
