from datetime import date

from odoo.tests import tagged

from .common_import import ImportTemplateCase


@tagged("post_install", "-at_install")
class TestImportTemplates(ImportTemplateCase):
    """The templates of territories, rules and targets go through Odoo's
    importer into a company without any territory, in the documented order."""

    def test_templates_offered(self):
        for model in ("sales.territory", "sales.territory.rule", "sales.target"):
            templates = self.import_env[model].get_import_templates()
            self.assertTrue(templates[0]["label"].startswith("Import Template for"))
            self.assertTrue(self.template_path(model).endswith(".xlsx"))

    def test_territories_rules_targets(self):
        Territory = self.import_env["sales.territory"]
        self.assertFalse(Territory.search([]), "the company starts without any")

        # 1. territories: China, 7 regions, 31 provinces, 8 cities
        self.assertImported(self.import_template("sales.territory"), 47)
        china = self.xmlid("territory_cn")
        east = self.xmlid("territory_cn_e")
        zhejiang = self.xmlid("territory_cn_e_zj")
        hangzhou = self.xmlid("territory_cn_zj_han")
        self.assertEqual(Territory.search_count([]), 47)
        self.assertEqual(china.company_id, self.company)
        self.assertFalse(china.parent_id)
        self.assertEqual(
            (east.name, east.code, east.level, east.parent_id),
            ("华东", "CN-E", "region", china),
        )
        self.assertEqual(len(china.child_ids), 7)
        self.assertEqual(zhejiang.parent_id, east)
        self.assertEqual(zhejiang.level, "province")
        self.assertEqual(hangzhou.complete_name, "中国 / 华东 / 浙江省 / 杭州市")
        self.assertEqual((hangzhou.code, hangzhou.level), ("CN-ZJ-HAN", "city"))
        self.assertEqual(hangzhou.region_id, east)
        self.assertEqual(len(Territory.search([("level", "=", "province")])), 31)

        # importing the file again updates the same territories
        self.assertImported(self.import_template("sales.territory"), 47)
        self.assertEqual(Territory.search_count([]), 47)

        # 2. rules: one per province, the cities by zip, Foshan by city name
        self.assertImported(self.import_template("sales.territory.rule"), 40)
        Rule = self.import_env["sales.territory.rule"]
        cn = self.env.ref("base.cn")
        (zj_rule,) = zhejiang.rule_ids
        self.assertEqual(zj_rule.country_id, cn)
        self.assertEqual(zj_rule.state_ids, self.env.ref("base.state_cn_ZJ"))
        self.assertEqual(zj_rule.company_id, self.company)
        (hz_rule,) = hangzhou.rule_ids
        self.assertEqual(
            (hz_rule.zip_from, hz_rule.zip_to, hz_rule.state_ids),
            ("310000", "311999", self.env["res.country.state"]),
        )
        wenzhou = self.xmlid("territory_cn_zj_wen")
        self.assertEqual(wenzhou.rule_ids.zip_prefixes, "325")
        guangzhou = self.xmlid("territory_cn_gd_gua")
        self.assertEqual(
            sorted(guangzhou.rule_ids.mapped("cities"), key=bool),
            [False, "佛山市, Foshan"],
        )
        self.assertEqual(Rule.search_count([]), 40)
        # the imported rules assign: Hangzhou's zip beats Zhejiang's state,
        # Foshan goes to Guangzhou, Ningxia by its state
        addresses = [
            self._address("base.state_cn_ZJ", "310012", "杭州市"),
            self._address("base.state_cn_GD", "528000", "佛山市"),
            self._address("base.state_cn_NX", "750001", "银川市"),
        ]
        self.assertEqual(
            Rule._winning_territories(addresses, self.company),
            [hangzhou, guangzhou, self.xmlid("territory_cn_nw_nx")],
        )

        # 3. targets: a year of monthly targets for East and South China
        self.assertImported(self.import_template("sales.target"), 24)
        Target = self.import_env["sales.target"]
        south = self.xmlid("territory_cn_s")
        for region, yearly in ((east, 12_000_000), (south, 9_000_000)):
            targets = Target.search([("territory_id", "=", region.id)])
            self.assertEqual(len(targets), 12)
            self.assertAlmostEqual(sum(targets.mapped("target_value")), yearly)
            self.assertEqual(set(targets.mapped("state")), {"draft"})
            self.assertEqual(set(targets.mapped("measure")), {"ordered"})
            self.assertEqual(set(targets.mapped("company_id")), {self.company})
        february = self.xmlid("target_cn_e_2027_02")
        self.assertEqual(
            (
                february.dimension,
                february.period_type,
                february.date_from,
                february.date_to,
                february.target_value,
            ),
            ("territory", "month", date(2027, 2, 1), date(2027, 2, 28), 600_000),
        )
        self.assertEqual(self.xmlid("target_cn_e_2027_11").target_value, 1_560_000)

    def _address(self, state_xmlid, zip_code, city):
        """An in-memory address for the matching engine (address, customer)."""
        partner = self.import_env["res.partner"].new(
            {
                "name": city,
                "country_id": self.env.ref("base.cn").id,
                "state_id": self.env.ref(state_xmlid).id,
                "zip": zip_code,
                "city": city,
            }
        )
        return partner, partner

    def test_import_order(self):
        """Rules and targets refer to the territories by External ID: imported
        before them, nothing is imported and the importer names the missing
        territory; after them, they go through."""
        for model in ("sales.territory.rule", "sales.target"):
            self.import_refused(
                model, "No matching record found for external id", "territory_cn_"
            )
        self.assertFalse(self.import_env["sales.territory.rule"].search([]))
        self.assertImported(self.import_template("sales.territory"), 47)
        self.assertImported(self.import_template("sales.territory.rule"), 40)
        self.assertImported(self.import_template("sales.target"), 24)

    def test_test_button(self):
        """The import screen's Test imports nothing."""
        result = self.import_template("sales.territory", dryrun=True)
        self.assertEqual(result["messages"], [])
        self.assertFalse(self.import_env["sales.territory"].search([]))
