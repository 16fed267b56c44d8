from odoo.tests import tagged

from odoo.addons.sales_territory.tests.common_import import ImportTemplateCase

TERRITORY_WAREHOUSES = "sales_territory_warehouse.xlsx"
# The warehouses the templates name (created by hand before the import).
WAREHOUSES = [("华东仓", "HD"), ("华南仓", "HN"), ("西南仓", "XN"), ("电商仓", "DS")]


@tagged("post_install", "-at_install")
class TestInventoryImportTemplates(ImportTemplateCase):
    """The templates of territory warehouses and sourcing rules (steps 7 and 8
    of the documented order) go through Odoo's importer into a company
    without any territory, channel or sourcing rule, after the territories
    and the channels, once the warehouses exist."""

    def setUp(self):
        super().setUp()
        self.Territory = self.import_env["sales.territory"]
        self.Rule = self.import_env["territory.sourcing.rule"]
        self.Channel = self.import_env["sales.channel"]

    def create_warehouses(self):
        warehouses = self.import_env["stock.warehouse"].create(
            [{"name": name, "code": code} for name, code in WAREHOUSES]
        )
        self.assertEqual(set(warehouses.company_id), {self.company})
        return dict(zip([code for _n, code in WAREHOUSES], warehouses, strict=True))

    def import_territory_warehouses(self):
        return self.import_template(
            "sales.territory",
            self.template_path("sales.territory", name=TERRITORY_WAREHOUSES),
        )

    def test_templates_offered(self):
        labels = [t["label"] for t in self.Territory.get_import_templates()]
        self.assertEqual(
            labels,
            [
                "Import Template for Territories",
                "Import Template for Territory Warehouses",
            ],
        )
        self.assertTrue(
            self.template_path("sales.territory", name=TERRITORY_WAREHOUSES)
        )
        (template,) = self.Rule.get_import_templates()
        self.assertEqual(template["label"], "Import Template for Sourcing Rules")
        self.assertTrue(self.template_path("territory.sourcing.rule").endswith(".xlsx"))

    def test_warehouses_and_sourcing(self):
        self.assertFalse(self.Territory.search([]), "the company starts without any")
        self.assertFalse(self.Rule.search([]))
        # 1-3. territories, their rules, the channels; the warehouses by hand
        self.assertImported(self.import_template("sales.territory"), 47)
        self.assertImported(self.import_template("sales.territory.rule"), 40)
        self.assertImported(self.import_template("sales.channel"), 11)
        wh = self.create_warehouses()

        # 7. territory warehouses: the seven regions get theirs
        self.assertImported(self.import_territory_warehouses(), 7)
        self.assertEqual(self.Territory.search_count([]), 47, "updated, not created")
        china = self.xmlid("territory_cn")
        east = self.xmlid("territory_cn_e")
        self.assertEqual(east.name, "华东", "the columns not in the file are kept")
        self.assertEqual(
            {
                region.code: region.warehouse_id.code
                for region in self.Territory.search([("level", "=", "region")])
            },
            {
                "CN-N": "HD",
                "CN-NE": "HD",
                "CN-E": "HD",
                "CN-C": "HD",
                "CN-S": "HN",
                "CN-SW": "XN",
                "CN-NW": "XN",
            },
        )
        self.assertFalse(china.warehouse_id)
        self.assertEqual(
            self.Territory.search([("warehouse_id", "!=", False)]).mapped("level"),
            ["region"] * 7,
        )
        # sub-territories use their region's
        hangzhou = self.xmlid("territory_cn_zj_han")
        xinjiang = self.xmlid("territory_cn_nw_xj")
        fujian = self.xmlid("territory_cn_e_fj")
        self.assertEqual(hangzhou._effective_warehouse(), wh["HD"])
        self.assertEqual(xinjiang._effective_warehouse(), wh["XN"])

        # 8. sourcing rules
        self.assertImported(self.import_template("territory.sourcing.rule"), 5)
        rules = self.Rule.search([])
        self.assertEqual(len(rules), 5)
        self.assertEqual(set(rules.company_id), {self.company})
        self.assertEqual(
            [
                (r.sequence, r.territory_id.code, r.channel_id.code, r.warehouse_id)
                for r in rules
            ],
            [
                (10, "CN", "TMALL", wh["DS"]),
                (10, "CN", "JD", wh["DS"]),
                (10, "CN", "WEB", wh["DS"]),
                (10, "CN-E-FJ", False, wh["HN"]),
                (20, "CN-NW-XJ", "DIST", wh["HD"]),
            ],
        )
        self.assertFalse(rules.categ_id)
        tmall = self.xmlid("channel_tmall")
        dist = self.xmlid("channel_dist")
        no_channel = self.Channel
        no_categories = self.import_env["product.category"]
        # the rules source as the template's notes say
        for territory, channel, warehouse in [
            (hangzhou, tmall, wh["DS"]),  # online anywhere in China
            (xinjiang, self.xmlid("channel_jd"), wh["DS"]),
            (fujian, no_channel, wh["HN"]),  # Fujian from South China
            (xinjiang, dist, wh["HD"]),  # distributors in Xinjiang from East
        ]:
            self.assertEqual(
                self.Rule._best_rule(territory, channel, no_categories).warehouse_id,
                warehouse,
                f"{territory.code} {channel.code}",
            )
        for territory, channel in [(hangzhou, no_channel), (xinjiang, no_channel)]:
            self.assertFalse(self.Rule._best_rule(territory, channel, no_categories))

    def test_import_order(self):
        """Sourcing rules refer to territories and channels by External ID and
        to warehouses by name: imported before them, nothing is imported and
        the importer names what is missing. Territory warehouses before the
        territories would create territories without a name: refused."""
        warehouses_path = self.template_path(
            "sales.territory", name=TERRITORY_WAREHOUSES
        )
        self.import_refused(
            "territory.sourcing.rule",
            "No matching record found for external id",
            "territory_cn",
        )
        self.import_refused("sales.territory", path=warehouses_path)
        self.assertFalse(self.Territory.search([]))
        self.assertImported(self.import_template("sales.territory"), 47)
        self.assertImported(self.import_template("sales.channel"), 11)
        self.import_refused(
            "sales.territory",
            "No matching record found for name",
            "华东仓",
            path=warehouses_path,
        )
        self.import_refused(
            "territory.sourcing.rule", "No matching record found for name", "电商仓"
        )
        self.assertFalse(self.Rule.search([]))
        self.assertFalse(self.Territory.search([("warehouse_id", "!=", False)]))
        self.create_warehouses()
        self.assertImported(self.import_territory_warehouses(), 7)
        self.assertImported(self.import_template("territory.sourcing.rule"), 5)
