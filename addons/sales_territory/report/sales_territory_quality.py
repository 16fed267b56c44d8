from odoo import api, fields, models
from odoo.tools import SQL

from ..models.res_partner import FORCE_ASSIGN_CONTEXT
from ..models.sales_territory_rule import zip_norm_sql

CATEGORIES = [
    ("customer_no_territory", "Customers Without Territory"),
    ("customer_no_state", "Customers Without State"),
    ("customer_zip_uncovered", "Zip Codes No Rule Covers"),
    ("rule_conflict", "Rule Conflicts"),
    ("order_no_territory", "Orders Without Territory"),
    ("lead_no_territory", "Leads Without Territory"),
    ("duplicate", "Possible Duplicates"),
]

# The columns every check returns, in this order (see _quality_checks).
CHECK_COLUMNS = SQL(
    "res_id, partner_id, territory_id, order_id, lead_id, rule_id, detail, "
    "duplicate_reason, duplicate_key, duplicate_count"
)


class SalesTerritoryQualityIssue(models.Model):
    """One data-quality issue of the current companies: a customer, an order,
    a lead, or a group of likely duplicate customers. Computed when read, by
    one set-based query per check (:meth:`_quality_checks`, which later addons
    extend: ``sales_channel`` adds the orders without channel)."""

    _name = "sales.territory.quality.issue"
    _description = "Territory Data-Quality Issue"
    _auto = False
    _order = "category, id"
    _rec_name = "detail"

    category = fields.Selection(CATEGORIES, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    territory_id = fields.Many2one("sales.territory", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    lead_id = fields.Many2one("crm.lead", readonly=True)
    rule_id = fields.Many2one(
        "sales.territory.rule",
        readonly=True,
        help="For conflicts: one of the tied rules.",
    )
    detail = fields.Char(readonly=True)
    duplicate_reason = fields.Selection(
        [("vat", "Same Tax ID"), ("name_zip", "Same Name and Zip")],
        readonly=True,
    )
    duplicate_key = fields.Char(readonly=True)
    duplicate_count = fields.Integer(
        string="Duplicates", readonly=True, help="Customers in the group."
    )
    conflict_rule_ids = fields.Many2many(
        "sales.territory.rule",
        compute="_compute_conflict_rule_ids",
        string="Tied Rules",
        help="Rules of the same priority that put the customer into different "
        "territories of the same depth.",
    )
    duplicate_partner_ids = fields.Many2many(
        "res.partner",
        compute="_compute_duplicate_partner_ids",
        string="Duplicate Customers",
    )

    # ------------------------------------------------------------ the checks
    @api.model
    def _customer_where(self, company):
        """Customers (alias p) of a company that data quality looks at: active
        commercial entities of the company or shared, neither an internal user,
        nor a company of the database, nor a vendor that is no customer."""
        return SQL(
            """p.active AND p.id = p.commercial_partner_id
               AND (p.company_id IS NULL OR p.company_id = %(company)s)
               AND NOT (coalesce(p.supplier_rank, 0) > 0
                        AND coalesce(p.customer_rank, 0) = 0)
               AND NOT EXISTS (SELECT 1 FROM res_users u
                                WHERE u.partner_id = p.id AND NOT u.share)
               AND NOT EXISTS (SELECT 1 FROM res_company c
                                WHERE c.partner_id = p.id)""",
            company=company.id,
        )

    @api.model
    def _check_partners(self, where, detail=None, territory=True):
        return SQL(
            """SELECT p.id AS res_id, p.id AS partner_id,
                      %(territory)s AS territory_id, NULL::integer AS order_id,
                      NULL::integer AS lead_id, NULL::integer AS rule_id,
                      %(detail)s AS detail, NULL::varchar AS duplicate_reason,
                      NULL::varchar AS duplicate_key, 1 AS duplicate_count
                 FROM res_partner p
                WHERE %(where)s""",
            territory=SQL("p.territory_id") if territory else SQL("NULL::integer"),
            detail=detail or SQL("NULL::varchar"),
            where=where,
        )

    @api.model
    def _check_zip_uncovered(self, company):
        """Customers whose zip code no zip rule (range or prefix) of the company
        covers, where zip codes decide: their territory, or one below it, has
        zip rules (the area is divided by zip codes), or they have no territory
        while the company has zip rules for their country. A customer placed
        by its state where no zip rule is meant to apply is no issue."""
        zip_code = zip_norm_sql(SQL("p.zip"))
        # Set-based, for 100,000 customers and 1,000 rules (comparing each zip
        # with each rule took a minute): the territories divided by zip codes
        # once; the ranges covering a zip by one sort of the ranges' starts and
        # the zips together, carrying the largest end of the ranges started so
        # far (a zip is in a range when that end reaches it); the few prefix
        # rules compared directly.
        return SQL(
            """SELECT q.* FROM (
    WITH zip_rules AS MATERIALIZED (
        SELECT r.*, t.parent_path
          FROM (%(rules)s) r
          JOIN sales_territory t ON t.id = r.territory_id
         WHERE r.zip_from IS NOT NULL OR r.prefixes IS NOT NULL
    ),
    divided AS MATERIALIZED (
        SELECT DISTINCT t.id, r.country_id
          FROM sales_territory t
          JOIN zip_rules r ON starts_with(r.parent_path, t.parent_path)
    ),
    customers AS MATERIALIZED (
        SELECT p.id, p.territory_id, p.country_id, %(zip)s AS zip
          FROM res_partner p
         WHERE %(customer)s AND %(zip)s <> ''
           AND (p.territory_id IN (
                    SELECT id FROM divided WHERE country_id IS NULL)
                OR (p.territory_id, p.country_id) IN (
                    SELECT id, country_id FROM divided WHERE country_id IS NOT NULL)
                OR (p.territory_id IS NULL
                    AND (EXISTS (SELECT 1 FROM divided WHERE country_id IS NULL)
                         OR p.country_id IN (SELECT country_id FROM divided))))
    ),
    countries AS (
        SELECT DISTINCT country_id FROM customers
    ),
    ranges AS (
        SELECT c.country_id, r.zip_from, r.zip_to
          FROM zip_rules r
          JOIN countries c
            ON r.country_id IS NULL OR r.country_id IS NOT DISTINCT FROM c.country_id
         WHERE r.zip_from IS NOT NULL
    ),
    stream AS (
        SELECT country_id, length(zip_from) AS len, zip_from AS zip, 0 AS kind,
               zip_to AS range_end, NULL::integer AS partner_id
          FROM ranges
        UNION ALL
        SELECT country_id, length(zip), zip, 1, NULL, id
          FROM customers
    ),
    reached AS (
        SELECT partner_id, zip,
               max(range_end COLLATE "C") OVER (
                   PARTITION BY country_id, len
                   ORDER BY zip COLLATE "C", kind
                   ROWS UNBOUNDED PRECEDING) AS range_end
          FROM stream
    ),
    in_range AS (
        SELECT partner_id FROM reached
         WHERE partner_id IS NOT NULL
           AND (range_end COLLATE "C") >= (zip COLLATE "C")
    )
    SELECT c.id AS res_id, c.id AS partner_id, c.territory_id,
           NULL::integer AS order_id, NULL::integer AS lead_id,
           NULL::integer AS rule_id, p.zip AS detail,
           NULL::varchar AS duplicate_reason, NULL::varchar AS duplicate_key,
           1 AS duplicate_count
      FROM customers c
      JOIN res_partner p ON p.id = c.id
     WHERE c.id NOT IN (SELECT partner_id FROM in_range)
       AND NOT EXISTS (
           SELECT 1 FROM zip_rules r
            WHERE r.prefixes IS NOT NULL
              AND (r.country_id IS NULL OR r.country_id = c.country_id)
              AND EXISTS (SELECT 1 FROM unnest(r.prefixes) prefix
                           WHERE starts_with(c.zip, prefix)))
) q""",
            rules=self.env["sales.territory.rule"]._rules_sql(company),
            customer=self._customer_where(company),
            zip=zip_code,
        )

    @api.model
    def _check_rule_conflicts(self, company):
        """Customers that the rules would assign but where rules tie: the
        matching engine's own conflict detection."""
        Rule = self.env["sales.territory.rule"]
        where = self.env["res.partner"]._territory_customer_where(company)
        return SQL(
            """SELECT m.key AS res_id, m.key AS partner_id, p.territory_id,
                      NULL::integer, NULL::integer, m.rule_id, NULL::varchar,
                      NULL::varchar, NULL::varchar, 1
                 FROM (%(match)s) m
                 JOIN res_partner p ON p.id = m.key
                WHERE m.conflict""",
            match=Rule._match_sql(Rule._partner_raw_sql(where), company),
        )

    @api.model
    def _duplicate_keys(self):
        """SQL of the duplicate keys of a customer (alias p): reason -> key."""
        return {
            "vat": SQL(
                "nullif(upper(regexp_replace(coalesce(p.vat, ''), "
                "'[^[:alnum:]]+', '', 'g')), '')"
            ),
            "name_zip": SQL(
                "lower(btrim(p.name)) || ' / ' || %s", zip_norm_sql(SQL("p.zip"))
            ),
        }

    @api.model
    def _check_duplicates(self, company, reason):
        """Groups of customers of one territory with the same key (one row per
        group, on its oldest customer)."""
        key = self._duplicate_keys()[reason]
        label = (
            key
            if reason == "vat"
            else SQL("min(p.name) || ' / ' || min(coalesce(p.zip, ''))")
        )
        return SQL(
            """SELECT min(p.id) AS res_id, min(p.id) AS partner_id, p.territory_id,
                      NULL::integer, NULL::integer, NULL::integer,
                      %(label)s, %(reason)s, %(key)s, count(*)::integer
                 FROM res_partner p
                WHERE %(customer)s AND p.territory_id IS NOT NULL
                  AND %(key)s IS NOT NULL
                GROUP BY p.territory_id, %(key)s
               HAVING count(*) > 1""",
            label=label,
            reason=reason,
            key=key,
            customer=self._customer_where(company),
        )

    @api.model
    def _quality_checks(self, company):
        """The checks of a company: ``[(category, SQL)]``, each query returning
        the columns of ``CHECK_COLUMNS`` (``res_id`` identifies the row within
        the check). Extend the list to add a check (keep the order of the
        existing ones: row ids depend on it)."""
        customer = self._customer_where(company)
        with_states = SQL(
            "(p.country_id IS NULL OR EXISTS (SELECT 1 FROM res_country_state s "
            "WHERE s.country_id = p.country_id))"
        )
        return [
            (
                "customer_no_territory",
                self._check_partners(
                    SQL("%s AND p.territory_id IS NULL", customer), territory=False
                ),
            ),
            (
                "customer_no_state",
                self._check_partners(
                    SQL("%s AND p.state_id IS NULL AND %s", customer, with_states)
                ),
            ),
            ("customer_zip_uncovered", self._check_zip_uncovered(company)),
            ("rule_conflict", self._check_rule_conflicts(company)),
            (
                "order_no_territory",
                SQL(
                    """SELECT o.id, o.partner_id, NULL::integer, o.id, NULL::integer,
                              NULL::integer, o.name, NULL::varchar, NULL::varchar, 1
                         FROM sale_order o
                        WHERE o.company_id = %s AND o.state != 'cancel'
                          AND o.territory_id IS NULL""",
                    company.id,
                ),
            ),
            (
                "lead_no_territory",
                SQL(
                    """SELECT l.id, l.partner_id, NULL::integer, NULL::integer, l.id,
                              NULL::integer, l.name, NULL::varchar, NULL::varchar, 1
                         FROM crm_lead l
                        WHERE (l.company_id = %s OR l.company_id IS NULL)
                          AND l.active AND coalesce(l.probability, 0) < 100
                          AND l.territory_id IS NULL""",
                    company.id,
                ),
            ),
            ("duplicate", self._check_duplicates(company, "vat")),
            ("duplicate", self._check_duplicates(company, "name_zip")),
        ]

    @property
    def _table_query(self):
        # ids stay below 2^53 (the web client's integers): check, company, record
        branches = []
        for company in self.env.companies:
            for index, (category, query) in enumerate(
                self._quality_checks(company), start=1
            ):
                branches.append(
                    SQL(
                        """SELECT (%(index)s::bigint * 10000 + %(company)s)
                                  * 1000000000 + q.res_id AS id,
                                  %(category)s::varchar AS category,
                                  %(company)s AS company_id,
                                  q.partner_id, q.territory_id, q.order_id,
                                  q.lead_id, q.rule_id, q.detail::varchar AS detail,
                                  q.duplicate_reason, q.duplicate_key,
                                  q.duplicate_count
                             FROM (%(query)s) q(%(columns)s)""",
                        index=index,
                        company=company.id,
                        category=category,
                        query=query,
                        columns=CHECK_COLUMNS,
                    )
                )
        return SQL(" UNION ALL ").join(branches)

    # Rules, customers and documents being edited are read by SQL: flush them.
    @api.model
    def _read_group(self, *args, **kwargs):
        self.env.flush_all()
        return super()._read_group(*args, **kwargs)

    def search_fetch(self, *args, **kwargs):
        self.env.flush_all()
        return super().search_fetch(*args, **kwargs)

    # ------------------------------------------------------------ details
    def _compute_conflict_rule_ids(self):
        conflicts = self.filtered(lambda i: i.category == "rule_conflict")
        (self - conflicts).conflict_rule_ids = False
        Rule = self.env["sales.territory.rule"]
        for company, issues in conflicts.grouped("company_id").items():
            partners = [issue.partner_id for issue in issues]
            matches = Rule._match_rows(
                [
                    (
                        index,
                        partner.country_id.id,
                        partner.state_id.id,
                        partner.zip,
                        partner.city,
                        partner.industry_id.id,
                        partner.category_id.ids,
                    )
                    for index, partner in enumerate(partners)
                ],
                company,
            )
            for index, issue in enumerate(issues):
                match = matches.get(index)
                issue.conflict_rule_ids = Rule.browse(
                    match.rule_ids if match and match.conflict else []
                ).exists()

    def _compute_duplicate_partner_ids(self):
        duplicates = self.filtered(lambda i: i.category == "duplicate")
        (self - duplicates).duplicate_partner_ids = False
        keys = self._duplicate_keys()
        for issue in duplicates:
            self.env.cr.execute(
                SQL(
                    """SELECT p.id FROM res_partner p
                        WHERE %(customer)s AND p.territory_id = %(territory)s
                          AND %(key)s = %(value)s
                        ORDER BY p.id""",
                    customer=self._customer_where(issue.company_id),
                    territory=issue.territory_id.id,
                    key=keys[issue.duplicate_reason],
                    value=issue.duplicate_key,
                )
            )
            issue.duplicate_partner_ids = [row[0] for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------ fixes
    def action_open_record(self):
        """The customer, order or lead of the issue."""
        self.ensure_one()
        record = self.order_id or self.lead_id or self.partner_id
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_open_rules(self):
        """The tied rules of a conflict, else the zip rules of the company (to
        widen one for an uncovered zip code), to change them in place."""
        self.ensure_one()
        if self.category == "rule_conflict":
            domain = [("id", "in", self.conflict_rule_ids.ids)]
            name = self.env._("Tied Rules of %s", self.partner_id.display_name)
        else:
            domain = [
                ("company_id", "=", self.company_id.id),
                "|",
                ("country_id", "=", False),
                ("country_id", "=", self.partner_id.country_id.id),
                "|",
                ("zip_from", "!=", False),
                ("zip_prefixes", "!=", False),
            ]
            name = self.env._("Zip Rules")
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "sales.territory.rule",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": domain,
        }

    def action_merge(self):
        """Odoo's merge wizard on the customers of a duplicate group."""
        self.ensure_one()
        partners = self.duplicate_partner_ids
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge Duplicates"),
            "res_model": "base.partner.merge.automatic.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "active_model": "res.partner",
                "active_ids": partners.ids,
                "active_id": partners[:1].id,
            },
        }

    def _fix(self):
        """Fix what can be fixed automatically; returns how many records were
        changed. Customers: the assignment rules; orders and leads: their
        customer's territory (leads without customer: the rules on their
        address). Extend it for the checks you add."""
        fixed = 0
        customers = self.filtered(
            lambda i: (
                i.category
                in (
                    "customer_no_territory",
                    "customer_no_state",
                    "customer_zip_uncovered",
                )
            )
        ).partner_id
        if customers:
            # asked for: even where the settings do not assign automatically
            fixed += len(
                customers.with_context(
                    **{FORCE_ASSIGN_CONTEXT: True}
                )._territory_assign_by_rules()
            )
        orders = self.filtered(lambda i: i.category == "order_no_territory").order_id
        if orders:
            fixed += self._fill_order_territories(orders)
        leads = self.filtered(lambda i: i.category == "lead_no_territory").lead_id
        if leads:
            fixed += self._fill_lead_territories(leads)
        return fixed

    @api.model
    def _fill_order_territories(self, orders):
        """Orders without territory take their customer's (one statement; a
        missing territory of a confirmed order is set too: it was never
        reported)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE sale_order o SET territory_id = c.territory_id
                     FROM res_partner p
                     JOIN res_partner c ON c.id = p.commercial_partner_id
                     JOIN sales_territory t ON t.id = c.territory_id
                    WHERE p.id = o.partner_id AND o.id = ANY(%(ids)s)
                      AND o.territory_id IS NULL AND t.company_id = o.company_id""",
                ids=orders.ids,
            )
        )
        orders.invalidate_recordset(["territory_id"])
        return self.env.cr.rowcount

    @api.model
    def _fill_lead_territories(self, leads):
        """Leads without territory: their customer's, else the territory whose
        rules match their address."""
        leads = leads.sudo()  # every lead of the company, as the admin fixes them
        field = leads._fields["territory_id"]
        self.env.add_to_compute(field, leads)
        leads.flush_recordset(["territory_id"])
        return len(leads.filtered("territory_id"))

    def action_fix(self):
        fixed = self._fix()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Data Quality"),
                "message": self.env._(
                    "%(fixed)s record(s) fixed out of %(count)s issue(s). The "
                    "others need a hand: open them, or change the rules.",
                    fixed=fixed,
                    count=len(self),
                ),
                "type": "success" if fixed else "warning",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }


class SalesTerritoryQuality(models.Model):
    """The data-quality overview: one card per check with its count."""

    _name = "sales.territory.quality"
    _description = "Territory Data Quality"
    _auto = False
    _order = "sequence, company_id"
    _rec_name = "category"

    category = fields.Selection(selection="_selection_category", readonly=True)
    sequence = fields.Integer(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    issue_count = fields.Integer(string="Issues", readonly=True)
    description = fields.Char(compute="_compute_description")

    @api.model
    def _selection_category(self):
        return (
            self.env["sales.territory.quality.issue"]
            ._fields["category"]
            ._description_selection(self.env)
        )

    @api.model
    def _category_descriptions(self):
        """What each check finds and how to fix it. Extend it with your checks."""
        return {
            "customer_no_territory": self.env._(
                "Customers that no territory has. Assign them by the rules, or "
                "add a rule that covers them."
            ),
            "customer_no_state": self.env._(
                "Customers without state in a country that has states: rules by "
                "state cannot find them."
            ),
            "customer_zip_uncovered": self.env._(
                "Customers whose zip code no zip range or prefix of the rules "
                "covers. Widen a rule, or correct the zip code."
            ),
            "rule_conflict": self.env._(
                "Customers that rules of the same priority put into different "
                "territories of the same depth. Change a priority."
            ),
            "order_no_territory": self.env._(
                "Orders (not cancelled) without territory: they are missing from "
                "the territory reports. Take the customer's territory."
            ),
            "lead_no_territory": self.env._(
                "Open leads without territory: they are routed to no team. Take "
                "the customer's territory or the rules on the address."
            ),
            "duplicate": self.env._(
                "Customers of one territory with the same tax ID, or the same name "
                "and zip code. Merge them."
            ),
        }

    @api.depends("category")
    def _compute_description(self):
        descriptions = self._category_descriptions()
        for card in self:
            card.description = descriptions.get(card.category, "")

    @property
    def _table_query(self):
        categories = [value for value, _label in self._selection_category()]
        values = SQL(", ").join(
            SQL("(%s, %s::varchar)", index, category)
            for index, category in enumerate(categories, start=1)
        )
        Issue = self.env["sales.territory.quality.issue"]
        return SQL(
            """
SELECT c.sequence::bigint * 100000 + co.id AS id, c.category, c.sequence,
       co.id AS company_id, coalesce(n.issue_count, 0) AS issue_count
  FROM (VALUES %(values)s) c(sequence, category)
 CROSS JOIN res_company co
  LEFT JOIN (SELECT i.category, i.company_id, count(*) AS issue_count
               FROM (%(issues)s) i
              GROUP BY i.category, i.company_id) n
         ON n.category = c.category AND n.company_id = co.id
 WHERE co.id = ANY(%(companies)s)
""",
            values=values,
            issues=Issue._table_query,
            companies=self.env.companies.ids,
        )

    @api.model
    def _read_group(self, *args, **kwargs):
        self.env.flush_all()
        return super()._read_group(*args, **kwargs)

    def search_fetch(self, *args, **kwargs):
        self.env.flush_all()
        return super().search_fetch(*args, **kwargs)

    def action_open_issues(self):
        self.ensure_one()
        label = dict(self._selection_category()).get(self.category, "")
        return {
            "type": "ir.actions.act_window",
            "name": label,
            "res_model": "sales.territory.quality.issue",
            "view_mode": "list",
            "views": [(False, "list")],
            "domain": [
                ("category", "=", self.category),
                ("company_id", "=", self.company_id.id),
            ],
            "context": {"search_default_group_territory": 0},
        }
