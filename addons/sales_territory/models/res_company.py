from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    territory_auto_assign = fields.Boolean(
        string="Automatic Territory Assignment",
        default=True,
        help="Assign new and re-addressed customers to a territory by the "
        "assignment rules, at once and by a scheduled action.",
    )
    territory_order_source = fields.Selection(
        [("delivery", "Delivery Address"), ("customer", "Customer")],
        string="Order Territory From",
        default="delivery",
        required=True,
        help="Delivery Address: the territory whose rules match the delivery "
        "address of the order (the customer's territory when none does). "
        "Customer: always the customer's territory.",
    )
    territory_lead_routing = fields.Boolean(
        string="Route Leads by Territory",
        default=True,
        help="Leads without a salesperson go to the sales team of their territory.",
    )
    territory_required_to_confirm = fields.Boolean(
        string="Territory Required to Confirm",
        help="A quotation cannot be confirmed without a territory.",
    )
    target_pace_threshold = fields.Float(
        string="Pace Alert Threshold (%)",
        default=10.0,
        help="A confirmed target is behind pace when its actual is below what is "
        "expected by today by more than this percentage; the person responsible "
        "(the territory's manager, else the salesperson or the team leader) then "
        "gets an activity, once.",
    )
