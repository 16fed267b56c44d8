from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.sales_target import REVISION_CONTEXT


class SalesTargetRevise(models.TransientModel):
    _name = "sales.target.revise"
    _description = "Revise a Sales Target"
    _inherit = ["sales.territory.input.mixin"]

    target_id = fields.Many2one("sales.target", required=True, ondelete="cascade")
    current_value = fields.Float(
        related="target_id.target_value", string="Current Target"
    )
    new_value = fields.Float(string="New Target", required=True)
    reason = fields.Text(
        help="Why the target changes: kept in the history of the target."
    )

    @api.model
    def _revise(self, target, new_value, reason):
        """Change a confirmed target, leaving a revision (the one way to do it)."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._(
                    "Give the reason why the target of %(target)s changes: it is kept "
                    "in its history.",
                    target=target.display_name,
                )
            )
        if target.state != "confirmed":
            raise UserError(
                self.env._(
                    "Only confirmed targets can be revised; %(target)s is %(state)s.",
                    target=target.display_name,
                    state=dict(
                        target._fields["state"]._description_selection(self.env)
                    )[target.state],
                )
            )
        if new_value <= 0:
            raise UserError(
                self.env._(
                    "The new target of %(target)s must be greater than zero.",
                    target=target.display_name,
                )
            )
        if new_value == target.target_value:
            raise UserError(
                self.env._(
                    "The new target of %(target)s is the same as the current one.",
                    target=target.display_name,
                )
            )
        revision = self.env["sales.target.revision"].create(
            {
                "target_id": target.id,
                "old_value": target.target_value,
                "new_value": new_value,
                "reason": reason,
            }
        )
        target.with_context(**{REVISION_CONTEXT: True}).target_value = new_value
        target.message_post(
            body=self.env._(
                "Target revised from %(old)s to %(new)s: %(reason)s",
                old=revision.old_value,
                new=new_value,
                reason=reason,
            )
        )
        return revision

    def action_apply(self):
        self.ensure_one()
        self._revise(self.target_id, self.new_value, self.reason)
        return {"type": "ir.actions.act_window_close"}
