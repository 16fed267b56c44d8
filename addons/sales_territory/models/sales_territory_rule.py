import re
from collections import namedtuple

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# Separators accepted in the list fields (zip prefixes, cities): commas, the
# Chinese full-width comma and enumeration comma, semicolons and new lines.
LIST_SEPARATORS = r"[,，、;；\n]+"

Match = namedtuple("Match", "territory_id rule_id conflict rule_ids")

# The fields of a rule that select customers.
CRITERIA = (
    "country_id",
    "state_ids",
    "zip_from",
    "zip_to",
    "zip_prefixes",
    "cities",
    "category_ids",
    "industry_ids",
)


def normalize_zip(value):
    """Python twin of :func:`zip_norm_sql`: upper case, no spaces nor dashes."""
    return re.sub(r"[\s-]+", "", value or "").upper()


def zip_norm_sql(expr):
    """Normalised zip code in SQL (upper case, no white space nor dashes)."""
    return SQL(
        "upper(regexp_replace(coalesce(%s, ''), '[[:space:]-]+', '', 'g'))", expr
    )


def split_list(value):
    return [
        item.strip() for item in re.split(LIST_SEPARATORS, value or "") if item.strip()
    ]


class SalesTerritoryRule(models.Model):
    _name = "sales.territory.rule"
    _description = "Territory Assignment Rule"
    _inherit = ["sales.territory.input.mixin"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(
        string="Description",
        help="Optional note on what the rule covers; the criteria are shown anyway.",
    )
    territory_id = fields.Many2one(
        "sales.territory",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    sequence = fields.Integer(
        string="Priority",
        default=10,
        help="Rules are tried by priority: the lowest number wins; between rules "
        "of the same priority, the deepest territory wins. Two rules of the same "
        "priority and depth that put a customer into different territories are a "
        "conflict, shown in the realignment preview.",
    )
    company_id = fields.Many2one(
        related="territory_id.company_id", store=True, index=True, precompute=True
    )
    active = fields.Boolean(default=True)
    country_id = fields.Many2one("res.country")
    state_ids = fields.Many2many(
        "res.country.state",
        "sales_territory_rule_state_rel",
        "rule_id",
        "state_id",
        string="States / Provinces",
        domain="[('country_id', '=?', country_id)]",
    )
    zip_from = fields.Char(
        help="Start of a zip code range (included). Both ends have the same length; "
        "spaces and dashes are ignored and letters compared in upper case.",
    )
    zip_to = fields.Char(help="End of the zip code range (included).")
    zip_prefixes = fields.Char(
        help="Zip codes starting with any of these, separated by commas "
        "(e.g. 310, 311); the Chinese comma and 、 work too.",
    )
    cities = fields.Char(
        help="City names separated by commas (the Chinese comma and 、 work "
        "too); compared without case or surrounding spaces (e.g. Hangzhou, 杭州市).",
    )
    category_ids = fields.Many2many(
        "res.partner.category",
        "sales_territory_rule_category_rel",
        "rule_id",
        "category_id",
        string="Customer Tags",
        help="The customer has at least one of these tags.",
    )
    industry_ids = fields.Many2many(
        "res.partner.industry",
        "sales_territory_rule_industry_rel",
        "rule_id",
        "industry_id",
        string="Industries",
        help="The customer's industry is one of these.",
    )

    # ------------------------------------------------------------ display
    @api.depends("territory_id.complete_name", "name", *CRITERIA)
    def _compute_display_name(self):
        for rule in self:
            rule.display_name = (
                f"{rule.territory_id.complete_name or ''}: "
                f"{rule.name or rule._criteria_summary()}"
            )

    def _criteria_summary(self):
        self.ensure_one()
        parts = []
        if self.country_id:
            parts.append(self.country_id.name)
        if self.state_ids:
            parts.append(", ".join(self.state_ids.mapped("name")))
        if self.zip_from:
            parts.append(self.env._("zip %(a)s–%(b)s", a=self.zip_from, b=self.zip_to))
        if self.zip_prefixes:
            parts.append(self.env._("zip %s…", self.zip_prefixes))
        if self.cities:
            parts.append(self.cities)
        if self.category_ids:
            parts.append(", ".join(self.category_ids.mapped("name")))
        if self.industry_ids:
            parts.append(", ".join(self.industry_ids.mapped("name")))
        return "; ".join(parts)

    @api.onchange("state_ids")
    def _onchange_state_ids(self):
        countries = self.state_ids.country_id
        if len(countries) == 1 and not self.country_id:
            self.country_id = countries

    # ------------------------------------------------------------ constraints
    @api.constrains("territory_id", *CRITERIA)
    def _check_criteria(self):
        for rule in self:
            name = rule.territory_id.display_name
            if not (
                rule.country_id
                or rule.state_ids
                or rule.zip_from
                or rule.zip_to
                or split_list(rule.zip_prefixes)
                or split_list(rule.cities)
                or rule.category_ids
                or rule.industry_ids
            ):
                raise ValidationError(
                    self.env._(
                        "The rule of territory %(territory)s has no criterion: set at "
                        "least a country, a state, a zip range or prefix, a city, a "
                        "tag or an industry.",
                        territory=name,
                    )
                )
            rule._check_zip_range()
            if rule.country_id:
                foreign = rule.state_ids.filtered(
                    lambda s, country=rule.country_id: s.country_id != country
                )
                if foreign:
                    raise ValidationError(
                        self.env._(
                            "The rule of territory %(territory)s names %(states)s, "
                            "which are not in %(country)s.",
                            territory=name,
                            states=", ".join(foreign.mapped("name")),
                            country=rule.country_id.name,
                        )
                    )
            for prefix in split_list(rule.zip_prefixes):
                if not normalize_zip(prefix):
                    raise ValidationError(
                        self.env._(
                            "The zip prefix “%(prefix)s” of territory %(territory)s "
                            "has nothing left once spaces and dashes are removed.",
                            prefix=prefix,
                            territory=name,
                        )
                    )

    def _check_zip_range(self):
        zip_from, zip_to = normalize_zip(self.zip_from), normalize_zip(self.zip_to)
        if not (self.zip_from or self.zip_to):
            return
        name = self.territory_id.display_name
        if not (zip_from and zip_to):
            raise ValidationError(
                self.env._(
                    "The zip range of territory %(territory)s needs both a start and "
                    "an end (e.g. 310000 to 319999).",
                    territory=name,
                )
            )
        if len(zip_from) != len(zip_to):
            raise ValidationError(
                self.env._(
                    "The zip range %(a)s to %(b)s of territory %(territory)s has "
                    "bounds of different lengths (%(la)s and %(lb)s characters): "
                    "give both ends with the same number of characters.",
                    a=self.zip_from,
                    b=self.zip_to,
                    territory=name,
                    la=len(zip_from),
                    lb=len(zip_to),
                )
            )
        if zip_from > zip_to:
            raise ValidationError(
                self.env._(
                    "The zip range of territory %(territory)s starts at %(a)s, after "
                    "its end %(b)s: swap the two bounds.",
                    territory=name,
                    a=self.zip_from,
                    b=self.zip_to,
                )
            )

    # ------------------------------------------------------------ matching engine
    @api.model
    def _source_sql(self, raw):
        """Normalise a raw address source.

        ``raw`` is an SQL query with the columns ``key, country_id, state_id, zip,
        city, industry_id, tags`` (tags: an int[] of partner tag ids or NULL).
        """
        return SQL(
            """SELECT raw.key, raw.country_id, raw.state_id, %(zip)s AS zip,
                      lower(btrim(coalesce(raw.city, ''))) AS city,
                      raw.industry_id, raw.tags
                 FROM (%(raw)s) raw""",
            zip=zip_norm_sql(SQL("raw.zip")),
            raw=raw,
        )

    @api.model
    def _partner_raw_sql(self, where):
        """Raw address source of the partners that satisfy ``where`` (alias p)."""
        return SQL(
            """SELECT p.id AS key, p.country_id, p.state_id, p.zip, p.city,
                      p.industry_id,
                      (SELECT array_agg(rel.category_id)
                         FROM res_partner_res_partner_category_rel rel
                        WHERE rel.partner_id = p.id) AS tags
                 FROM res_partner p
                WHERE %s""",
            where,
        )

    @api.model
    def _values_raw_sql(self, rows):
        """Raw address source of in-memory rows: (key, country, state, zip, city,
        industry, tag ids)."""
        values = SQL(", ").join(
            SQL(
                "(%s::int, %s::int, %s::int, %s::text, %s::text, %s::int, %s::int[])",
                key,
                country or None,
                state or None,
                zip_code or None,
                city or None,
                industry or None,
                list(tags or []) or None,
            )
            for key, country, state, zip_code, city, industry, tags in rows
        )
        return SQL(
            "SELECT * FROM (VALUES %s) AS v(key, country_id, state_id, zip, city, "
            "industry_id, tags)",
            values,
        )

    @api.model
    def _materialize_source(self, raw):
        """Copy a big source into an indexed temporary table; return its name."""
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS sales_territory_match_src"))
        cr.execute(
            SQL(
                """CREATE TEMPORARY TABLE sales_territory_match_src (
                       key integer, country_id integer, state_id integer,
                       zip text COLLATE "C", city text, industry_id integer,
                       tags integer[]
                   ) ON COMMIT DROP"""
            )
        )
        cr.execute(
            SQL("INSERT INTO sales_territory_match_src %s", self._source_sql(raw))
        )
        for column in ("key", "zip", "state_id", "city", "country_id", "industry_id"):
            cr.execute(
                SQL(
                    "CREATE INDEX ON sales_territory_match_src (%s)",
                    SQL.identifier(column),
                )
            )
        cr.execute(SQL("ANALYZE sales_territory_match_src"))
        return SQL.identifier("sales_territory_match_src")

    @api.model
    def _rules_sql(self, company):
        """The active rules of a company, criteria parsed, each with the
        criterion that finds its candidates best (``primary_key``)."""
        return SQL(
            """
SELECT rules.*,
       CASE WHEN zip_from IS NOT NULL THEN 'zip'
            WHEN prefixes IS NOT NULL THEN 'prefix'
            WHEN cities IS NOT NULL THEN 'city'
            WHEN states IS NOT NULL THEN 'state'
            WHEN industries IS NOT NULL THEN 'industry'
            WHEN tags IS NOT NULL THEN 'tag'
            ELSE 'country' END AS primary_key
  FROM (
    SELECT r.id AS rule_id, r.territory_id, r.sequence, t.depth, r.country_id,
           NULLIF(%(zip_from)s, '') AS zip_from,
           NULLIF(%(zip_to)s, '') AS zip_to,
           (SELECT array_agg(DISTINCT %(prefix)s)
              FROM regexp_split_to_table(r.zip_prefixes, %(sep)s) prefix
             WHERE %(prefix)s <> '') AS prefixes,
           (SELECT array_agg(DISTINCT lower(btrim(city)))
              FROM regexp_split_to_table(r.cities, %(sep)s) city
             WHERE btrim(city) <> '') AS cities,
           (SELECT array_agg(rel.state_id) FROM sales_territory_rule_state_rel rel
             WHERE rel.rule_id = r.id) AS states,
           (SELECT array_agg(rel.industry_id)
              FROM sales_territory_rule_industry_rel rel
             WHERE rel.rule_id = r.id) AS industries,
           (SELECT array_agg(rel.category_id)
              FROM sales_territory_rule_category_rel rel
             WHERE rel.rule_id = r.id) AS tags
      FROM sales_territory_rule r
      JOIN sales_territory t ON t.id = r.territory_id
     WHERE r.active AND t.active AND r.company_id = %(company)s
  ) rules""",
            zip_from=zip_norm_sql(SQL("r.zip_from")),
            zip_to=zip_norm_sql(SQL("r.zip_to")),
            prefix=zip_norm_sql(SQL("prefix")),
            sep=LIST_SEPARATORS,
            company=company.id,
        )

    @api.model
    def _candidate_branches(self, src):
        """How each kind of rule finds its candidate addresses (key, rule_id):
        through an index of the source wherever one fits."""
        return {
            "zip": SQL(
                """SELECT s.key, r.rule_id FROM keyed r
                     JOIN %(src)s s ON s.zip >= (r.zip_from COLLATE "C")
                                   AND s.zip <= (r.zip_to COLLATE "C")
                    WHERE r.primary_key = 'zip'""",
                src=src,
            ),
            "prefix": SQL(
                """SELECT s.key, r.rule_id
                     FROM keyed r CROSS JOIN LATERAL unnest(r.prefixes) p
                     JOIN %(src)s s ON s.zip >= (p COLLATE "C")
                                   AND s.zip < (p || chr(1114111)) COLLATE "C"
                    WHERE r.primary_key = 'prefix'""",
                src=src,
            ),
            "city": SQL(
                """SELECT s.key, r.rule_id
                     FROM keyed r CROSS JOIN LATERAL unnest(r.cities) c
                     JOIN %(src)s s ON s.city = c
                    WHERE r.primary_key = 'city'""",
                src=src,
            ),
            "state": SQL(
                """SELECT s.key, r.rule_id
                     FROM keyed r CROSS JOIN LATERAL unnest(r.states) st
                     JOIN %(src)s s ON s.state_id = st
                    WHERE r.primary_key = 'state'""",
                src=src,
            ),
            "industry": SQL(
                """SELECT s.key, r.rule_id
                     FROM keyed r CROSS JOIN LATERAL unnest(r.industries) i
                     JOIN %(src)s s ON s.industry_id = i
                    WHERE r.primary_key = 'industry'""",
                src=src,
            ),
            "tag": SQL(
                """SELECT s.key, r.rule_id
                     FROM keyed r JOIN %(src)s s ON s.tags && r.tags
                    WHERE r.primary_key = 'tag'""",
                src=src,
            ),
            "country": SQL(
                """SELECT s.key, r.rule_id
                     FROM keyed r JOIN %(src)s s ON s.country_id = r.country_id
                    WHERE r.primary_key = 'country'""",
                src=src,
            ),
        }

    @api.model
    def _match_sql(self, raw, company, large=False):
        """The winning territory of every address of a raw source.

        Returns an SQL query with one row per matched key: ``key, territory_id,
        rule_id, conflict, rule_ids``. Rules are tried by priority (sequence),
        then the deepest territory wins; when several territories tie, the row
        is a conflict (``territory_id`` is then only one of them and must not be
        applied). Keys that no rule matches have no row. One statement for the
        whole source: candidates are found through each rule's most selective
        criterion (zip range, zip prefix, city, state, industry, tag, country),
        then every criterion of the rule is checked.

        ``large``: the source and the rules are first copied into indexed,
        analysed temporary tables (the statements are run here), only the kinds
        of rules that exist are joined, and PostgreSQL's JIT is turned off for
        the transaction (compiling costs more than it saves on this query).
        """
        if large:
            cr = self.env.cr
            src = self._materialize_source(raw)
            cr.execute(SQL("DROP TABLE IF EXISTS sales_territory_match_rules"))
            cr.execute(
                SQL(
                    "CREATE TEMPORARY TABLE sales_territory_match_rules "
                    "ON COMMIT DROP AS %s",
                    self._rules_sql(company),
                )
            )
            cr.execute(SQL("ANALYZE sales_territory_match_rules"))
            cr.execute(
                SQL("SELECT DISTINCT primary_key FROM sales_territory_match_rules")
            )
            kinds = {row[0] for row in cr.fetchall()}
            if "tag" in kinds:
                cr.execute(
                    SQL("CREATE INDEX ON sales_territory_match_src USING gin (tags)")
                )
            cr.execute(SQL("SET LOCAL jit = off"))
            ctes = SQL("keyed AS (SELECT * FROM sales_territory_match_rules)")
        else:
            src = SQL("src")
            kinds = None
            ctes = SQL(
                "src AS MATERIALIZED (%s), keyed AS MATERIALIZED (%s)",
                self._source_sql(raw),
                self._rules_sql(company),
            )
        branches = [
            branch
            for kind, branch in self._candidate_branches(src).items()
            if kinds is None or kind in kinds
        ] or [SQL("SELECT NULL::int AS key, NULL::int AS rule_id WHERE FALSE")]
        return SQL(
            """
WITH %(ctes)s,
candidates AS (%(candidates)s),
matched AS (
    SELECT c.key, r.rule_id, r.territory_id,
           rank() OVER (PARTITION BY c.key ORDER BY r.sequence, r.depth DESC) AS rk
      FROM candidates c
      JOIN keyed r ON r.rule_id = c.rule_id
      JOIN %(src)s s ON s.key = c.key
     WHERE (r.country_id IS NULL OR s.country_id = r.country_id)
       AND (r.states IS NULL OR s.state_id = ANY(r.states))
       AND (r.zip_from IS NULL OR (length(s.zip) = length(r.zip_from)
            AND s.zip BETWEEN (r.zip_from COLLATE "C") AND (r.zip_to COLLATE "C")))
       AND (r.prefixes IS NULL
            OR EXISTS (SELECT 1 FROM unnest(r.prefixes) p
                       WHERE starts_with(s.zip, p COLLATE "C")))
       AND (r.cities IS NULL OR s.city = ANY(r.cities))
       AND (r.industries IS NULL OR s.industry_id = ANY(r.industries))
       AND (r.tags IS NULL OR s.tags && r.tags)
)
SELECT key,
       min(territory_id) AS territory_id,
       min(rule_id) AS rule_id,
       count(DISTINCT territory_id) > 1 AS conflict,
       array_agg(rule_id ORDER BY rule_id) AS rule_ids
  FROM matched
 WHERE rk = 1
 GROUP BY key
""",
            ctes=ctes,
            candidates=SQL(" UNION ").join(branches),
            src=src,
        )

    @api.model
    def _flush_rules(self):
        """Flush what the engine reads of rules and territories (not more: it
        also runs inside computes of documents being edited)."""
        self.flush_model()
        self.env["sales.territory"].flush_model(["active", "depth", "company_id"])

    @api.model
    def _winning_territories(self, addresses, company):
        """The winning territory of each address, where there is one and no
        conflict: a list of ``sales.territory`` (empty where none).

        ``addresses``: (address, customer) pairs; the address gives country,
        state, zip and city (a partner or a lead), the customer (a commercial
        partner) its industry and tags."""
        rows = [
            (
                index,
                address.country_id.id,
                address.state_id.id,
                address.zip,
                address.city,
                customer.industry_id.id,
                customer.category_id.ids,
            )
            for index, (address, customer) in enumerate(addresses)
        ]
        matches = self._match_rows(rows, company)
        Territory = self.env["sales.territory"]
        return [
            Territory.browse(matches[index].territory_id)
            if index in matches and not matches[index].conflict
            else Territory
            for index in range(len(rows))
        ]

    @api.model
    def _match_rows(self, rows, company):
        """Match in-memory addresses; returns {key: Match}."""
        if not rows:
            return {}
        self._flush_rules()
        self.env.cr.execute(self._match_sql(self._values_raw_sql(rows), company))
        return {
            key: Match(territory_id, rule_id, conflict, rule_ids)
            for key, territory_id, rule_id, conflict, rule_ids in self.env.cr.fetchall()
        }

    @api.model
    def get_import_templates(self):
        """Offered on the import screen: the rules of the territories template
        (by province, zip range, zip prefix and city); import the territories
        first."""
        return [
            {
                "label": self.env._("Import Template for Territory Rules"),
                "template": "/sales_territory/static/xls/sales_territory_rule.xlsx",
            }
        ]
