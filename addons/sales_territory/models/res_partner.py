from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# Context key of the writes made by the assignment engine (not by a user).
AUTO_CONTEXT = "sales_territory_auto"
# Context key of an assignment asked for by a user (e.g. from data quality):
# made even where the settings do not assign customers automatically.
FORCE_ASSIGN_CONTEXT = "sales_territory_force_assign"

# Partner fields that the assignment rules read.
MATCHED_FIELDS = {
    "zip",
    "state_id",
    "country_id",
    "city",
    "category_id",
    "industry_id",
    "parent_id",
    "company_id",
    "territory_assignment",
}


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "sales.territory.input.mixin"]

    territory_id = fields.Many2one(
        "sales.territory",
        index=True,
        tracking=True,
        ondelete="restrict",
        help="Sales territory of the customer, shared by its contacts. Assigned by "
        "the territory rules unless set by hand.",
    )
    territory_assignment = fields.Selection(
        [("auto", "By Rules"), ("manual", "Manual")],
        default="auto",
        required=True,
        tracking=True,
        help="By Rules: the assignment rules and realignments may move the customer. "
        "Manual: the territory was chosen by hand and is never changed by them.",
    )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["territory_id", "territory_assignment"]

    @api.constrains("territory_id", "company_id")
    def _check_territory_company(self):
        for partner in self:
            territory = partner.territory_id
            if (
                territory
                and partner.company_id
                and territory.company_id != partner.company_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(partner)s belongs to %(company)s but territory "
                        "%(territory)s belongs to %(other)s: choose a territory of "
                        "%(company)s.",
                        partner=partner.display_name,
                        company=partner.company_id.name,
                        territory=territory.display_name,
                        other=territory.company_id.name,
                    )
                )

    # ------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get(AUTO_CONTEXT):
            default_territory = self.env.context.get("default_territory_id")
            for vals in vals_list:
                if (
                    vals.get("territory_id") or default_territory
                ) and "territory_assignment" not in vals:
                    vals["territory_assignment"] = "manual"
        partners = super().create(vals_list)
        partners._territory_assign_by_rules()
        return partners

    def write(self, vals):
        auto = self.env.context.get(AUTO_CONTEXT)
        manual_moves = []
        if "territory_id" in vals and not auto:
            if "territory_assignment" not in vals:
                vals = dict(vals, territory_assignment="manual")
            new = vals["territory_id"] or False
            manual_moves = [
                (partner, partner.territory_id)
                for partner in self
                if partner._is_territory_customer() and partner.territory_id.id != new
            ]
        res = super().write(vals)
        if manual_moves:
            self.env["sales.territory.move"]._log(
                [
                    {"partner": partner, "old": old, "new": partner.territory_id}
                    for partner, old in manual_moves
                ],
                origin="manual",
            )
        if not auto and MATCHED_FIELDS & vals.keys():
            self._territory_assign_by_rules()
        return res

    def _is_territory_customer(self):
        self.ensure_one()
        return self.id == self.commercial_partner_id.id

    # ------------------------------------------------------------ assignment
    @api.model
    def _territory_customer_where(self, company):
        """SQL condition (alias p) of the partners that rules may assign for a
        company: active commercial entities of that company (or shared), by rules,
        that are neither an internal user nor a company of the database."""
        return SQL(
            """p.active AND p.id = p.commercial_partner_id
               AND p.territory_assignment = 'auto'
               AND (p.company_id IS NULL OR p.company_id = %(company)s)
               AND NOT EXISTS (SELECT 1 FROM res_users u
                                WHERE u.partner_id = p.id AND NOT u.share)
               AND NOT EXISTS (SELECT 1 FROM res_company c
                                WHERE c.partner_id = p.id)""",
            company=company.id,
        )

    def _territory_assign_by_rules(self, origin="auto"):
        """Move the customers of self to the territory their rules give.

        Customers in conflict (two territories tie) or that no rule matches keep
        their territory. Returns the moves made (``sales.territory.move``).
        """
        Move = self.env["sales.territory.move"]
        if self.env.context.get("sales_territory_no_assign"):
            return Move
        by_company = defaultdict(list)
        for partner in self:
            if partner.id and partner.territory_assignment == "auto":
                company = partner.company_id or self.env.company
                if company.territory_auto_assign or self.env.context.get(
                    FORCE_ASSIGN_CONTEXT
                ):
                    by_company[company].append(partner.id)
        if not by_company:
            return Move
        Rule = self.env["sales.territory.rule"]
        moves = []
        Rule._flush_rules()
        self.flush_model()
        for company, ids in by_company.items():
            where = SQL(
                "p.id = ANY(%s) AND %s", ids, self._territory_customer_where(company)
            )
            self.env.cr.execute(
                SQL(
                    """SELECT m.key, m.territory_id, m.rule_id
                         FROM (%s) m JOIN res_partner p ON p.id = m.key
                        WHERE NOT m.conflict
                          AND p.territory_id IS DISTINCT FROM m.territory_id""",
                    Rule._match_sql(Rule._partner_raw_sql(where), company),
                )
            )
            for partner_id, territory_id, rule_id in self.env.cr.fetchall():
                moves.append((self.browse(partner_id), territory_id, rule_id))
        by_target = defaultdict(list)
        log = []
        for partner, territory_id, rule_id in moves:
            by_target[territory_id].append(partner.id)
            log.append(
                {
                    "partner": partner,
                    "old": partner.territory_id,
                    "new": self.env["sales.territory"].browse(territory_id),
                    "rule": rule_id,
                }
            )
        for territory_id, partner_ids in by_target.items():
            self.browse(partner_ids).with_context(**{AUTO_CONTEXT: True}).write(
                {"territory_id": territory_id}
            )
        return Move._log(log, origin=origin)

    @api.model
    def _cron_assign_territories(self, batch_size=5000, max_batches=50):
        """Assign the customers created or changed since the last run.

        Works in batches that are committed one by one; an interrupted run
        resumes after the last committed batch (the cursor is kept in a system
        parameter) and, past ``max_batches``, asks the scheduler to run again.
        """
        ICP = self.env["ir.config_parameter"].sudo()
        since = ICP.get_param("sales_territory.assignment_since") or "1970-01-01"
        resume = ICP.get_param("sales_territory.assignment_resume")
        if resume:
            started, after_id = resume.split("|")
        else:
            self.env.cr.execute(SQL("SELECT (now() AT TIME ZONE 'UTC')::text"))
            started, after_id = self.env.cr.fetchone()[0], "0"
        self.env.cr.execute(
            SQL(
                """SELECT id FROM res_partner
                    WHERE id = commercial_partner_id AND active
                      AND territory_assignment = 'auto'
                      AND write_date >= %(since)s AND write_date < %(started)s
                      AND id > %(after)s
                    ORDER BY id""",
                since=since,
                started=started,
                after=int(after_id),
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        done = 0
        for start in range(0, min(len(ids), batch_size * max_batches), batch_size):
            batch = self.browse(ids[start : start + batch_size])
            batch._territory_assign_by_rules(origin="cron")
            done += len(batch)
            ICP.set_param(
                "sales_territory.assignment_resume", f"{started}|{batch[-1].id}"
            )
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(ids) - done)
            self.env["sales.territory.realignment"]._commit_batch()
        if done == len(ids):
            ICP.set_param("sales_territory.assignment_since", started)
            ICP.set_param("sales_territory.assignment_resume", False)
        return done
