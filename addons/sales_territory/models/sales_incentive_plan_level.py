from odoo import api, fields, models

from .sales_incentive_plan import LEVELS_BATCH_CONTEXT, format_percent


class SalesIncentivePlanLevel(models.Model):
    """A point of a plan's achievement -> payout curve."""

    _name = "sales.incentive.plan.level"
    _description = "Sales Incentive Payout Level"
    _inherit = ["sales.territory.input.mixin"]
    _order = "plan_id, achievement_from, id"

    plan_id = fields.Many2one(
        "sales.incentive.plan", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    achievement_from = fields.Float(
        string="From Achievement (%)",
        required=True,
        help="The level applies from this achievement (actual / target, in %) "
        "up to the next level's.",
    )
    payout = fields.Float(
        string="Payout (%)",
        required=True,
        help="Payout at this achievement, in % of the plan's base amount.",
    )
    mode = fields.Selection(
        [("step", "Step"), ("linear", "Linear to Next Level")],
        string="Up to the Next Level",
        required=True,
        default="linear",
        help="Step: the payout stays at this level's until the next level. Linear: "
        "it rises in a straight line to the next level's payout. Above the last "
        "level the payout stays at its value.",
    )

    @api.depends("achievement_from", "payout", "mode")
    def _compute_display_name(self):
        modes = dict(self._fields["mode"]._description_selection(self.env))
        for level in self:
            level.display_name = self.env._(
                "%(achievement)s %% → %(payout)s %% (%(mode)s)",
                achievement=format_percent(level.achievement_from),
                payout=format_percent(level.payout),
                mode=modes.get(level.mode, ""),
            )

    @api.constrains("achievement_from", "payout", "plan_id")
    def _check_curve(self):
        # levels written through their plan are checked once, by the plan
        if not self.env.context.get(LEVELS_BATCH_CONTEXT):
            self.plan_id._check_levels()
