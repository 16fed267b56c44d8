from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "sales.territory.input.mixin"]

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
    background_job_threshold = fields.Integer(
        string="Background Jobs Above",
        default=1000,
        help="A realignment, target refresh, scorecard build, rebate settlement or "
        "replenishment run over more records than this (customers, targets, "
        "scorecards, settlements, product × warehouse pairs) runs as a background "
        "job: the browser is not held, its progress shows under Background Jobs "
        "and you are notified when it ends. Smaller runs are done at once.",
    )
    target_pace_threshold = fields.Float(
        string="Pace Alert Threshold (%)",
        default=10.0,
        help="A confirmed target is behind pace when its actual is below what is "
        "expected by today by more than this percentage; the person responsible "
        "(the territory's manager, else the salesperson or the team leader) then "
        "gets an activity, once.",
    )
    segment_window_days = fields.Integer(
        string="RFM Window (days)",
        default=365,
        help="Customer segments look at the confirmed orders of the last this many "
        "days: frequency counts them, monetary sums their untaxed amount. A customer "
        "whose last order is older is Lapsed.",
    )
    segment_new_days = fields.Integer(
        string="New Customer Period (days)",
        default=90,
        help="A customer whose first confirmed order is at most this many days old "
        "is New (unless Lapsed). Not longer than the RFM window.",
    )

    segment_date = fields.Date(
        string="Customer Segments Computed On",
        readonly=True,
        copy=False,
        help="The day (in the company's time zone) of the last computation of "
        "the customer segments.",
    )

    @api.constrains("segment_window_days", "segment_new_days")
    def _check_segment_days(self):
        for company in self:
            if company.segment_window_days <= 0:
                raise ValidationError(
                    self.env._(
                        "The RFM window of %(company)s must be a positive number of "
                        "days, not %(days)s (365 looks at the last year of orders).",
                        company=company.name,
                        days=company.segment_window_days,
                    )
                )
            if not 0 < company.segment_new_days <= company.segment_window_days:
                raise ValidationError(
                    self.env._(
                        "The new customer period of %(company)s must be a positive "
                        "number of days, at most the RFM window (%(window)s days), "
                        "not %(days)s.",
                        company=company.name,
                        window=company.segment_window_days,
                        days=company.segment_new_days,
                    )
                )

    @api.constrains("background_job_threshold")
    def _check_background_job_threshold(self):
        for company in self:
            if company.background_job_threshold < 0:
                raise ValidationError(
                    self.env._(
                        "The background job threshold of %(company)s is a number of "
                        "records, not %(count)s: 0 sends every run to the "
                        "background, 1000 only runs over more than 1,000 records.",
                        company=company.name,
                        count=company.background_job_threshold,
                    )
                )
