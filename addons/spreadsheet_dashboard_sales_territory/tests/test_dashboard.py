import base64
import json
import re

from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import file_open

from ..tools import build_dashboard
from .common import (
    CHANNEL_NAME,
    CHANNEL_TARGET,
    DASHBOARD_NAME,
    ORDERED,
    PARTNER_NAME,
    PARTNER_TARGET,
    REGION_NAME,
    REGION_TARGET,
    DashboardDataMixin,
)

ADDON = "spreadsheet_dashboard_sales_territory"
DASHBOARD_FILE = f"{ADDON}/data/files/territory_channel_dashboard.json"
SAMPLE_FILE = f"{ADDON}/data/files/territory_channel_sample_dashboard.json"

# PIVOT.VALUE(id, "measure"[, "dimension", position]) / PIVOT.HEADER(id, "dim", pos)
PIVOT_VALUE = re.compile(r'PIVOT\.VALUE\((\d+),"([^"]+)"(?:,"([^"]+)",(\d+))?\)')
PIVOT_HEADER = re.compile(r'PIVOT\.HEADER\((\d+),"([^"]+)",(\d+)\)')
PIVOT_ANY = re.compile(r"PIVOT[.(]")


def _load(path):
    with file_open(path) as f:
        return json.load(f)


def _dimension(row):
    name = row["fieldName"]
    return f"{name}:{row['granularity']}" if row.get("granularity") else name


@tagged("post_install", "-at_install")
class TestDashboard(DashboardDataMixin, TransactionCase):
    """The dashboard's spreadsheet data fits the cockpit it reads: a renamed or
    removed field, measure or filter model breaks these tests, not the
    dashboard in front of a sales director."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.data = _load(DASHBOARD_FILE)
        cls.sample = _load(SAMPLE_FILE)
        cls.dashboard = cls.env.ref(f"{ADDON}.spreadsheet_dashboard_territory_channel")
        cls._create_dashboard_data()

    def _cells(self, data):
        for sheet in data["sheets"]:
            for xc, cell in sheet["cells"].items():
                yield sheet["name"], xc, cell.get("content", "")

    def _pivot_domain(self, pivot_id, filters=()):
        """The domain of a pivot of the dashboard with global filter values
        ((filter id, value), ...) as the spreadsheet applies them."""
        pivot = self.data["pivots"][pivot_id]
        domain = list(pivot["domain"])
        by_id = {f["id"]: f for f in self.data["globalFilters"]}
        for filter_id, value in filters:
            chain = pivot["fieldMatching"][filter_id]["chain"]
            operator = "child_of" if by_id[filter_id].get("includeChildren") else "in"
            domain.append((chain, operator, value))
        return domain

    def _read_pivot(self, pivot_id, filters=(), env=None, period=()):
        pivot = self.data["pivots"][pivot_id]
        Report = (env or self.env)[pivot["model"]]
        groupby = [_dimension(row) for row in pivot["rows"]]
        measures = [f"{m['fieldName']}:{m['aggregator']}" for m in pivot["measures"]]
        rows = Report._read_group(
            self._pivot_domain(pivot_id, filters) + list(period), groupby, measures
        )
        fields = [m["fieldName"] for m in pivot["measures"]]
        return {row[0]: dict(zip(fields, row[1:])) for row in rows}

    # ------------------------------------------------------------ the files
    def test_files_are_the_script_output(self):
        """data/files/*.json are what tools/build_dashboard.py writes: edit the
        script, not the JSON, and run it again."""
        for path, sample in ((DASHBOARD_FILE, False), (SAMPLE_FILE, True)):
            with file_open(path) as f:
                self.assertEqual(
                    f.read(),
                    build_dashboard.dumps(build_dashboard.build(sample)),
                    f"{path} is stale: run tools/build_dashboard.py",
                )

    def test_dashboard_record(self):
        dashboard = self.dashboard
        self.assertEqual(dashboard.name, DASHBOARD_NAME)
        self.assertTrue(dashboard.is_published)
        self.assertEqual(
            dashboard.dashboard_group_id,
            self.env.ref("spreadsheet_dashboard.spreadsheet_dashboard_group_sales"),
        )
        self.assertEqual(
            dashboard.group_ids, self.env.ref("sales_team.group_sale_salesman")
        )
        self.assertEqual(dashboard.main_data_model_ids.model, "sale.order")
        self.assertEqual(json.loads(dashboard.spreadsheet_data), self.data)
        self.assertEqual(
            json.loads(base64.b64decode(dashboard.spreadsheet_binary_data)), self.data
        )
        self.assertEqual(dashboard._get_sample_dashboard(), self.sample)

    # ------------------------------------------------------------ pivots
    def test_pivots_fit_the_cockpit(self):
        self.assertEqual(len(self.data["pivots"]), 4)
        for pivot_id, pivot in self.data["pivots"].items():
            with self.subTest(pivot=pivot["name"]):
                self.assertEqual(pivot["id"], pivot_id)
                self.assertEqual(pivot["model"], "sales.performance.report")
                Model = self.env[pivot["model"]]
                fields = Model.fields_get()
                for measure in pivot["measures"]:
                    field = fields.get(measure["fieldName"])
                    self.assertTrue(field, f"no field {measure['fieldName']}")
                    self.assertIn(field["type"], ("monetary", "float", "integer"))
                    self.assertEqual(field["aggregator"], measure["aggregator"])
                    self.assertEqual(
                        measure["id"], f"{measure['fieldName']}:{measure['aggregator']}"
                    )
                self.assertFalse(pivot["columns"])
                for row in pivot["rows"]:
                    field = fields.get(row["fieldName"])
                    self.assertTrue(field, f"no field {row['fieldName']}")
                    self.assertTrue(field["groupable"])
                if pivot["sortedColumn"]:
                    self.assertIn(
                        pivot["sortedColumn"]["measure"],
                        [m["fieldName"] for m in pivot["measures"]],
                    )
                # the domain and the grouping run on the cockpit
                Model.search_count(pivot["domain"], limit=1)
                self.assertIsInstance(self._read_pivot(pivot_id), dict)
                self.assertEqual(
                    self.env.ref(pivot["actionXmlId"]).res_model, pivot["model"]
                )

    def test_global_filters_fit_every_pivot(self):
        filters = self.data["globalFilters"]
        self.assertEqual(
            [(f["label"], f["type"]) for f in filters],
            [("Period", "date"), ("Region", "relation"), ("Channel", "relation")],
        )
        for pivot in self.data["pivots"].values():
            fields = self.env[pivot["model"]].fields_get()
            self.assertEqual(
                set(pivot["fieldMatching"]), {f["id"] for f in filters}, pivot["name"]
            )
            for global_filter in filters:
                matching = pivot["fieldMatching"][global_filter["id"]]
                field = fields.get(matching["chain"])
                self.assertTrue(field, f"{pivot['name']}: no {matching['chain']}")
                self.assertEqual(field["type"], matching["type"])
                if global_filter["type"] == "relation":
                    self.assertEqual(field["relation"], global_filter["modelName"])
        for global_filter in filters:
            if global_filter["type"] == "relation":
                Model = self.env[global_filter["modelName"]]
                Model.search(global_filter.get("domainOfAllowedValues", []))
        region_filter = filters[1]
        regions = self.env["sales.territory"].search(
            region_filter["domainOfAllowedValues"]
        )
        self.assertIn(self.region, regions)
        self.assertEqual(regions, regions.region_id, "only regions are offered")

    def test_formulas_refer_to_the_pivots(self):
        pivots = self.data["pivots"]
        count = 0
        for sheet, xc, content in self._cells(self.data):
            for match in PIVOT_VALUE.finditer(content):
                pivot_id, measure, dimension, _position = match.groups()
                pivot = pivots.get(pivot_id)
                self.assertTrue(pivot, f"{sheet}!{xc}: no pivot {pivot_id}")
                self.assertIn(measure, [m["id"] for m in pivot["measures"]])
                if dimension:
                    self.assertEqual(
                        dimension.lstrip("#"), _dimension(pivot["rows"][0])
                    )
                count += 1
            for match in PIVOT_HEADER.finditer(content):
                pivot_id, dimension, _position = match.groups()
                self.assertIn(pivot_id, pivots, f"{sheet}!{xc}")
                self.assertEqual(
                    dimension.lstrip("#"), _dimension(pivots[pivot_id]["rows"][0])
                )
                count += 1
            # every pivot formula was understood by the patterns above
            self.assertEqual(
                len(PIVOT_ANY.findall(content)),
                len(PIVOT_VALUE.findall(content)) + len(PIVOT_HEADER.findall(content)),
                f"{sheet}!{xc}: {content}",
            )
        # 3 tables x 10 rows x (1 header + 3 values), 3 totals, 24 months x 4
        self.assertEqual(count, 3 * 10 * 4 + 3 + 24 * 4)
        used = {
            m[0]
            for _s, _x, content in self._cells(self.data)
            for m in PIVOT_VALUE.findall(content) + PIVOT_HEADER.findall(content)
        }
        self.assertEqual(used, set(pivots), "every pivot is shown")

    def test_charts_and_links(self):
        sheets = {sheet["name"] for sheet in self.data["sheets"]}
        figures = [
            figure for sheet in self.data["sheets"] for figure in sheet["figures"]
        ]
        self.assertEqual(
            sorted(f["data"]["type"] for f in figures), ["combo"] + ["scorecard"] * 4
        )
        for figure in figures:
            chart = figure["data"]
            ranges = [d["dataRange"] for d in chart.get("dataSets", [])]
            ranges += [
                chart[key]
                for key in ("labelRange", "keyValue", "baseline")
                if chart.get(key)
            ]
            for ref in ranges:
                self.assertIn(ref.split("!")[0], sheets, ref)
        for xmlid in self.data["chartOdooMenusReferences"].values():
            self.assertEqual(self.env.ref(xmlid)._name, "ir.ui.menu")
        links = [
            content
            for _s, _x, content in self._cells(self.data)
            if content.startswith("[")
        ]
        self.assertEqual(len(links), 4)
        for link in links:
            action = json.loads(link.split("(odoo://view/", 1)[1][:-1])["action"]
            Model = self.env[action["modelName"]]
            Model.search_count(action["domain"], limit=1)
            for groupby in action["context"]["pivot_row_groupby"]:
                self.assertIn(groupby.split(":")[0], Model._fields)

    def test_sample_has_no_pivot(self):
        self.assertFalse(self.sample["pivots"])
        self.assertFalse(self.sample["globalFilters"])
        for sheet, xc, content in self._cells(self.sample):
            self.assertNotRegex(content, r"PIVOT|ODOO\.", f"{sheet}!{xc}")
        # the same layout as the dashboard
        self.assertEqual(
            [s["figures"] for s in self.sample["sheets"]],
            [s["figures"] for s in self.data["sheets"]],
        )

    # ------------------------------------------------------------ the figures
    def test_figures_of_the_pivots(self):
        """What the first rows of the tables show for our region, channel and
        distributor: the order, and the target of their own dimension only."""
        period = [
            ("date", ">=", self.year_start),
            ("date", "<=", self.year_end),
        ]
        region_filter, channel_filter = (
            f["id"] for f in self.data["globalFilters"][1:]
        )

        def first(pivot_id, record, filters):
            return self._read_pivot(pivot_id, filters, period=period)[record]

        def with_period(pivot_id, filters):
            rows = self.env["sales.performance.report"]._read_group(
                self._pivot_domain(pivot_id, filters) + period,
                [],
                ["ordered_amount:sum", "target_ordered_amount:sum"],
            )
            return rows[0]

        by_region = first("1", self.region, [(region_filter, [self.region.id])])
        self.assertAlmostEqual(by_region["ordered_amount"], ORDERED, 2)
        # the yearly target, phased over the months and summed again
        self.assertAlmostEqual(by_region["target_ordered_amount"], REGION_TARGET, 2)
        self.assertEqual(by_region["ordered_amount_ly"], 0)

        by_channel = first("2", self.channel, [(channel_filter, [self.channel.id])])
        self.assertAlmostEqual(by_channel["ordered_amount"], ORDERED, 2)
        self.assertAlmostEqual(by_channel["target_ordered_amount"], CHANNEL_TARGET, 2)

        by_partner = first("4", self.distributor, [(region_filter, [self.region.id])])
        self.assertAlmostEqual(by_partner["ordered_amount"], ORDERED, 2)
        # the distributor's target has no region: filtered out with the region
        self.assertEqual(by_partner["target_ordered_amount"], 0)
        by_partner = first("4", self.distributor, [])
        self.assertAlmostEqual(by_partner["target_ordered_amount"], PARTNER_TARGET, 2)

        # the figures at the top: the month pivot's totals, in the period
        ordered, target = with_period("3", [(region_filter, [self.region.id])])
        self.assertAlmostEqual(ordered, ORDERED, 2)
        self.assertAlmostEqual(target, REGION_TARGET, 2)
        self.assertEqual(self.region.display_name, REGION_NAME, "shared with the tour")
        self.assertEqual(self.channel.display_name, CHANNEL_NAME)
        self.assertEqual(self.distributor.display_name, PARTNER_NAME)

    def test_salesperson(self):
        """Salespeople see the dashboard and read its pivots (their own figures)."""
        salesman = new_test_user(
            self.env,
            login="dashboard_salesman",
            groups="sales_team.group_sale_salesman",
        )
        self.order.user_id = salesman
        env = self.env(user=salesman)
        dashboard = env["spreadsheet.dashboard"].search([("name", "=", DASHBOARD_NAME)])
        self.assertEqual(dashboard, self.dashboard)
        snapshot = dashboard.get_readonly_dashboard()["snapshot"]
        self.assertEqual(snapshot["pivots"], self.data["pivots"])
        for pivot_id in self.data["pivots"]:
            self._read_pivot(pivot_id, env=env)
        by_region = self._read_pivot("1", env=env)
        self.assertEqual(
            {region.id: row["ordered_amount"] for region, row in by_region.items()},
            {self.region.id: ORDERED},
            "only the salesman's own order",
        )
        nobody = new_test_user(
            self.env, login="dashboard_user", groups="base.group_user"
        )
        self.assertFalse(
            self.env(user=nobody)["spreadsheet.dashboard"].search(
                [("name", "=", DASHBOARD_NAME)]
            )
        )
