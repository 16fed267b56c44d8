#!/usr/bin/env python3
"""Write the spreadsheet data of the *Territories & Channels* dashboard.

    python3 tools/build_dashboard.py            # (re)write data/files/*.json
    python3 tools/build_dashboard.py --check    # exit 1 if a file is stale

The dashboard is o-spreadsheet data in the format of Odoo 18.0's own dashboards
(``spreadsheet_dashboard_sale/data/files/*.json``: data version 21, Odoo data
version 12). It reads the cockpit, ``sales.performance.report``, through four
pivots:

1. by region (targets set by territory), sorted by ordered amount;
2. by sales channel (targets set by channel), sorted by ordered amount;
3. by month (targets set by territory): the monthly trend and, through its
   grand totals, the figures at the top;
4. by channel partner (targets set by channel partner), sorted by ordered
   amount: the top ten.

Three global filters apply to all of them: the period (on the cockpit's date),
the region and the sales channel (sub-channels included).

The *sample* file is the same sheet with fixed figures instead of the pivots:
Odoo shows it while the database has no sales order yet.

Only the standard library is used, so the script runs without Odoo.
"""

import argparse
import json
import sys
import uuid
from pathlib import Path

FILES = Path(__file__).resolve().parents[1] / "data" / "files"
DASHBOARD_FILE = FILES / "territory_channel_dashboard.json"
SAMPLE_FILE = FILES / "territory_channel_sample_dashboard.json"

MODEL = "sales.performance.report"
ACTION = "sales_territory.sales_performance_report_action"
MENU = "sales_territory.menu_sales_performance_report"

# Stable ids: the same file is written on every run.
_NS = uuid.UUID("6c1d4f3e-3b0e-4d47-9a4a-6f2a1f0c9b10")


def _uid(name):
    return str(uuid.uuid5(_NS, name))


FILTER_PERIOD = _uid("filter-period")
FILTER_REGION = _uid("filter-region")
FILTER_CHANNEL = _uid("filter-channel")
DASHBOARD_SHEET = _uid("sheet-dashboard")
DATA_SHEET = _uid("sheet-data")

GLOBAL_FILTERS = [
    {
        "id": FILTER_PERIOD,
        "type": "date",
        "label": "Period",
        "rangeType": "fixedPeriod",
        "defaultValue": "this_year",
        "disabledPeriods": [],
    },
    {
        "id": FILTER_REGION,
        "type": "relation",
        "label": "Region",
        "modelName": "sales.territory",
        "defaultValue": [],
        "defaultValueDisplayNames": [],
        "includeChildren": False,
        # the cockpit's region: a territory of level Region, or a top-level one
        "domainOfAllowedValues": [
            "|",
            ["level", "=", "region"],
            ["parent_id", "=", False],
        ],
    },
    {
        "id": FILTER_CHANNEL,
        "type": "relation",
        "label": "Channel",
        "modelName": "sales.channel",
        "defaultValue": [],
        "defaultValueDisplayNames": [],
        "includeChildren": True,
    },
]

FIELD_MATCHING = {
    FILTER_PERIOD: {"chain": "date", "type": "date", "offset": 0},
    FILTER_REGION: {"chain": "region_id", "type": "many2one"},
    FILTER_CHANNEL: {"chain": "channel_id", "type": "many2one"},
}


def _targets_of(dimension):
    """Actuals, with the targets of one dimension only (as the cockpit's
    *Territory Targets* filter), so that no target is counted twice."""
    return ["|", ["target_dimension", "=", False], ["target_dimension", "=", dimension]]


AMOUNTS = ["ordered_amount", "target_ordered_amount", "ordered_amount_ly"]

# pivot id -> (name, row dimension, domain, measures, sorted by ordered amount)
PIVOTS = {
    "1": (
        "Territories & Channels: by Region",
        {"fieldName": "region_id"},
        ["&", ["region_id", "!=", False], *_targets_of("territory")],
        AMOUNTS,
        True,
    ),
    "2": (
        "Territories & Channels: by Channel",
        {"fieldName": "channel_id"},
        ["&", ["channel_id", "!=", False], *_targets_of("channel")],
        AMOUNTS,
        True,
    ),
    "3": (
        "Territories & Channels: by Month",
        {"fieldName": "date", "granularity": "month", "order": "asc"},
        _targets_of("territory"),
        AMOUNTS,
        False,
    ),
    "4": (
        "Territories & Channels: Top Channel Partners",
        {"fieldName": "channel_partner_id"},
        ["&", ["channel_partner_id", "!=", False], *_targets_of("channel_partner")],
        AMOUNTS,
        True,
    ),
}
PIVOT_REGION, PIVOT_CHANNEL, PIVOT_MONTH, PIVOT_PARTNER = PIVOTS


def measure_id(field):
    return f"{field}:sum"


def pivot_definition(pivot_id):
    name, row, domain, measures, sorted_ = PIVOTS[pivot_id]
    return {
        "type": "ODOO",
        "id": pivot_id,
        "formulaId": pivot_id,
        "name": name,
        "model": MODEL,
        "domain": domain,
        "context": {},
        "measures": [
            {"id": measure_id(m), "fieldName": m, "aggregator": "sum"} for m in measures
        ],
        "columns": [],
        "rows": [row],
        "sortedColumn": {
            "groupId": [[], []],
            "measure": "ordered_amount",
            "order": "desc",
            "originIndexes": [0],
        }
        if sorted_
        else None,
        "actionXmlId": ACTION,
        "fieldMatching": FIELD_MATCHING,
    }


def dimension_of(pivot_id):
    row = PIVOTS[pivot_id][1]
    if "granularity" in row:
        return f"{row['fieldName']}:{row['granularity']}"
    return row["fieldName"]


# ---------------------------------------------------------------- sample data
# (label, ordered, target, last year): figures a sample dashboard shows.
SAMPLE_REGIONS = [
    ("East China", 4_860_000, 5_200_000, 4_120_000),
    ("South China", 3_410_000, 3_300_000, 2_980_000),
    ("North China", 2_230_000, 2_600_000, 2_310_000),
    ("Central China", 1_460_000, 1_500_000, 1_190_000),
    ("Southwest China", 1_120_000, 1_250_000, 960_000),
    ("Northwest China", 640_000, 800_000, 610_000),
    ("Northeast China", 520_000, 700_000, 580_000),
]
SAMPLE_CHANNELS = [
    ("Distributors", 4_320_000, 4_500_000, 3_870_000),
    ("Key Accounts", 3_150_000, 3_000_000, 2_640_000),
    ("Direct Sales", 2_480_000, 2_900_000, 2_520_000),
    ("Tmall Flagship Store", 1_730_000, 1_600_000, 1_280_000),
    ("JD.com", 1_210_000, 1_400_000, 1_030_000),
    ("Online Store", 640_000, 800_000, 520_000),
    ("Agents", 710_000, 650_000, 910_000),
]
SAMPLE_PARTNERS = [
    ("Lingnan Appliances Co., Ltd.", 1_860_000, 2_000_000, 1_540_000),
    ("Qianjiang Trading Agency", 1_420_000, 1_300_000, 1_210_000),
    ("Foshan Ceramics & Building Materials", 1_150_000, 1_200_000, 1_020_000),
    ("Jinling Home Supplies", 930_000, 1_000_000, 870_000),
    ("Chengdu Tianfu Distribution", 780_000, 900_000, 640_000),
    ("Wuhan Jiangcheng Retail", 650_000, 600_000, 580_000),
    ("Xi'an Silk Road Trading", 490_000, 550_000, 510_000),
    ("Harbin Northern Goods", 420_000, 500_000, 450_000),
    ("Kunming Spring City Agency", 310_000, 350_000, 260_000),
    ("Qingdao Harbour Supplies", 250_000, 300_000, 230_000),
]
SAMPLE_MONTHS = [
    ("January", 980_000, 1_050_000, 870_000),
    ("February", 760_000, 850_000, 720_000),
    ("March", 1_120_000, 1_150_000, 990_000),
    ("April", 1_080_000, 1_150_000, 960_000),
    ("May", 1_190_000, 1_200_000, 1_010_000),
    ("June", 1_420_000, 1_350_000, 1_240_000),
    ("July", 1_050_000, 1_150_000, 980_000),
    ("August", 1_090_000, 1_150_000, 1_020_000),
    ("September", 1_210_000, 1_250_000, 1_080_000),
    ("October", 1_160_000, 1_300_000, 1_070_000),
    ("November", 1_520_000, 1_450_000, 1_330_000),
    ("December", 1_360_000, 1_450_000, 1_290_000),
]

# ---------------------------------------------------------------- layout
STYLES = {
    "1": {"textColor": "#01666b", "bold": True, "fontSize": 16},  # section title
    "2": {"bold": True, "fontSize": 11, "textColor": "#434343"},  # header, left
    "3": {  # header, right
        "bold": True,
        "fontSize": 11,
        "textColor": "#434343",
        "align": "right",
    },
    "4": {"textColor": "#434343", "verticalAlign": "middle"},  # body
    "5": {"bold": True},
    "6": {"fillColor": "#f2f2f2"},
}
FORMATS = {"1": "#,##0", "2": "0.0%"}
BORDERS = {
    "1": {"bottom": {"style": "thin", "color": "#CCCCCC"}},
    "2": {"top": {"style": "thin", "color": "#CCCCCC"}},
}
COL_SIZES = {"0": 280, "1": 120, "2": 120, "3": 115, "4": 120, "5": 115}
DEFAULT_ROW = 23
TITLE_ROW = 40
BODY_ROW = 28
TOP_ROWS = 10  # rows of each table

# first row (1-based) of each block
TREND_TITLE = 6
TABLES = [
    # (title row, pivot, header of the first column, title)
    (22, PIVOT_REGION, "Region", "Actual vs Target by Region"),
    (35, PIVOT_CHANNEL, "Channel", "Actual vs Target by Channel"),
    (48, PIVOT_PARTNER, "Channel Partner", "Top Channel Partners"),
]
HEADERS = ["Ordered", "Target", "Achievement", "Last Year", "vs Last Year"]
LAST_ROW = TABLES[-1][0] + 1 + TOP_ROWS
MONTHS = 24  # rows of the monthly series (two years when the period is cleared)
MONTH_HEADER_ROW = 8  # on the Data sheet


def _row_sizes():
    sizes = {str(TREND_TITLE - 1): TITLE_ROW}
    for title, *_rest in TABLES:
        sizes[str(title - 1)] = TITLE_ROW
        sizes[str(title)] = BODY_ROW  # header
        for row in range(title + 1, title + 1 + TOP_ROWS):
            sizes[str(row)] = BODY_ROW
    return sizes


ROW_SIZES = _row_sizes()


def row_top(row):
    """Pixel offset of the top of a 1-based row of the dashboard sheet."""
    return sum(ROW_SIZES.get(str(index), DEFAULT_ROW) for index in range(row - 1))


def view_link(text, pivot_id, view_type="pivot"):
    """A title that opens the cockpit with the pivot's domain and grouping."""
    _name, _row, domain, measures, _sorted = PIVOTS[pivot_id]
    groupby = dimension_of(pivot_id)
    action = {
        "viewType": view_type,
        "action": {
            "domain": domain,
            "context": {
                "group_by": [groupby],
                "pivot_measures": measures,
                "pivot_row_groupby": [groupby],
                "pivot_column_groupby": [],
                "graph_measure": "ordered_amount",
                "graph_groupbys": [groupby],
            },
            "modelName": MODEL,
            "views": [
                [False, "pivot"],
                [False, "graph"],
                [False, "list"],
                [False, "search"],
            ],
        },
        "threshold": 0,
        "name": "Territory Performance",
    }
    return f"[{text}](odoo://view/{json.dumps(action, separators=(',', ':'))})"


def _t(text):
    return f'=_t("{text}")'


class Builder:
    """Cells of the two sheets, with formulas or, for the sample, figures."""

    def __init__(self, sample):
        self.sample = sample
        self.dashboard = {}
        self.data = {}

    def header_cell(self, pivot_id, position, sample_rows):
        if self.sample:
            return (
                _t(sample_rows[position - 1][0]) if position <= len(sample_rows) else ""
            )
        dim = dimension_of(pivot_id)
        formula = f'PIVOT.HEADER({pivot_id},"#{dim}",{position})'
        if ":" in dim:
            # a date header past the last group is an error, not an empty cell
            return f'=IFERROR({formula},"")'
        return f"={formula}"

    def value_cell(self, pivot_id, field, position, sample_rows):
        if self.sample:
            if position > len(sample_rows):
                return ""
            return str(sample_rows[position - 1][1 + AMOUNTS.index(field)])
        dim = dimension_of(pivot_id)
        return f'=PIVOT.VALUE({pivot_id},"{measure_id(field)}","#{dim}",{position})'

    def total_cell(self, field):
        if self.sample:
            return str(sum(row[1 + AMOUNTS.index(field)] for row in SAMPLE_MONTHS))
        return f'=PIVOT.VALUE({PIVOT_MONTH},"{measure_id(field)}")'

    def build(self):
        samples = {
            PIVOT_REGION: SAMPLE_REGIONS,
            PIVOT_CHANNEL: SAMPLE_CHANNELS,
            PIVOT_PARTNER: SAMPLE_PARTNERS,
            PIVOT_MONTH: SAMPLE_MONTHS,
        }
        cells = self.dashboard
        cells[f"A{TREND_TITLE}"] = view_link("Monthly Trend", PIVOT_MONTH, "graph")
        for title_row, pivot_id, first_header, title in TABLES:
            cells[f"A{title_row}"] = view_link(title, pivot_id)
            header = title_row + 1
            cells[f"A{header}"] = _t(first_header)
            for col, text in zip("BCDEF", HEADERS):
                cells[f"{col}{header}"] = _t(text)
            for position in range(1, TOP_ROWS + 1):
                row = header + position
                rows = samples[pivot_id]
                cells[f"A{row}"] = self.header_cell(pivot_id, position, rows)
                for col, field in zip("BCE", AMOUNTS):
                    cells[f"{col}{row}"] = self.value_cell(
                        pivot_id, field, position, rows
                    )
                cells[f"D{row}"] = f'=IFERROR(B{row}/C{row},"")'
                cells[f"F{row}"] = f'=IFERROR(B{row}/E{row}-1,"")'

        data = self.data
        data["A1"] = _t("KPI")
        data["B1"] = _t("Value")
        data["C1"] = _t("Display")
        for row, (label, field) in enumerate(
            [
                ("Ordered", AMOUNTS[0]),
                ("Target", AMOUNTS[1]),
                ("Last Year", AMOUNTS[2]),
            ],
            start=2,
        ):
            data[f"A{row}"] = _t(label)
            data[f"B{row}"] = self.total_cell(field)
            data[f"C{row}"] = f"=FORMAT.LARGE.NUMBER(B{row})"
        data["A5"] = _t("Achievement")
        data["B5"] = '=IFERROR(B2/B3,"")'
        data["C5"] = "=B5"
        data["A6"] = _t("vs Last Year")
        data["B6"] = '=IFERROR(B2/B4-1,"")'
        data["C6"] = "=B6"
        data[f"A{MONTH_HEADER_ROW}"] = _t("Month")
        for col, text in zip("BCD", ["Ordered", "Target", "Last Year"]):
            data[f"{col}{MONTH_HEADER_ROW}"] = _t(text)
        for position in range(1, MONTHS + 1):
            row = MONTH_HEADER_ROW + position
            data[f"A{row}"] = self.header_cell(PIVOT_MONTH, position, SAMPLE_MONTHS)
            for col, field in zip("BCD", AMOUNTS):
                data[f"{col}{row}"] = self.value_cell(
                    PIVOT_MONTH, field, position, SAMPLE_MONTHS
                )
        return self


def _cells(contents):
    return {xc: {"content": content} for xc, content in contents.items() if content}


def _scorecard(name, x, title, key_value, background, baseline=None):
    data = {
        "type": "scorecard",
        "title": {"text": title, "bold": True, "color": "#434343"},
        "background": background,
        "keyValue": key_value,
        "baselineMode": "percentage",
        "baselineColorUp": "#00A04A",
        "baselineColorDown": "#DC6965",
        "humanize": False,
    }
    if baseline:
        data["baseline"] = baseline
        data["baselineDescr"] = "vs last year"
    return {
        "id": _uid(name),
        "x": x,
        "y": 11,
        "width": 205,
        "height": 101,
        "tag": "chart",
        "data": data,
    }


def _figures():
    last = MONTH_HEADER_ROW + MONTHS
    first = MONTH_HEADER_ROW
    trend = {
        "id": _uid("chart-trend"),
        "x": 0,
        "y": row_top(TREND_TITLE + 1),
        "width": sum(COL_SIZES.values()),
        "height": 340,
        "tag": "chart",
        "data": {
            "type": "combo",
            "title": {"text": ""},
            "background": "#FFFFFF",
            "legendPosition": "top",
            "dataSetsHaveTitle": True,
            "dataSets": [
                {
                    "dataRange": f"Data!B{first}:B{last}",
                    "type": "bar",
                    "yAxisId": "y",
                    "backgroundColor": "#1F77B4",
                },
                {
                    "dataRange": f"Data!C{first}:C{last}",
                    "type": "line",
                    "yAxisId": "y",
                    "backgroundColor": "#FF7F0E",
                },
                {
                    "dataRange": f"Data!D{first}:D{last}",
                    "type": "line",
                    "yAxisId": "y",
                    "backgroundColor": "#A9A9A9",
                },
            ],
            "labelRange": f"Data!A{first}:A{last}",
            "aggregated": False,
            "showValues": False,
        },
    }
    return [
        _scorecard("kpi-ordered", 0, "Ordered", "Data!C2", "#EFF6FF", "Data!C4"),
        _scorecard("kpi-target", 215, "Target", "Data!C3", "#EFF6FF"),
        _scorecard("kpi-achievement", 430, "Achievement", "Data!C5", "#FFF7ED"),
        _scorecard("kpi-last-year", 645, "Last Year", "Data!C4", "#FFF7ED"),
        trend,
    ]


def _sheet(sheet_id, name, cells, **kw):
    sheet = {
        "id": sheet_id,
        "name": name,
        "colNumber": 26,
        "rowNumber": 100,
        "rows": {},
        "cols": {},
        "merges": [],
        "cells": _cells(cells),
        "styles": {},
        "formats": {},
        "borders": {},
        "conditionalFormats": [],
        "figures": [],
        "tables": [],
        "areGridLinesVisible": True,
        "isVisible": True,
        "headerGroups": {"ROW": [], "COL": []},
        "dataValidationRules": [],
        "comments": {},
    }
    sheet.update(kw)
    return sheet


def _dashboard_sheet(cells):
    styles = {f"A{TREND_TITLE}": 1}
    formats = {}
    borders = {f"A{TREND_TITLE}:F{TREND_TITLE}": 1}
    conditional = []
    for title, _pivot, _head, _text in TABLES:
        header = title + 1
        first, last = header + 1, header + TOP_ROWS
        styles[f"A{title}"] = 1
        styles[f"A{header}"] = 2
        styles[f"B{header}:F{header}"] = 3
        styles[f"A{first}:F{last}"] = 4
        borders[f"A{title}:F{title}"] = 1
        borders[f"A{header}:F{header}"] = 1
        formats[f"B{first}:C{last}"] = 1
        formats[f"E{first}:E{last}"] = 1
        formats[f"D{first}:D{last}"] = 2
        formats[f"F{first}:F{last}"] = 2
        conditional += [
            {
                "id": _uid(f"cf-bar-{title}"),
                "ranges": [f"A{first}:A{last}"],
                "rule": {
                    "type": "DataBarRule",
                    "color": 15726335,
                    "rangeValues": f"B{first}:B{last}",
                },
            },
            {
                "id": _uid(f"cf-achieved-{title}"),
                "ranges": [f"D{first}:D{last}"],
                "rule": {
                    "type": "CellIsRule",
                    "operator": "GreaterThanOrEqual",
                    "values": ["1"],
                    "style": {"textColor": "#00A04A", "bold": True},
                },
            },
            {
                "id": _uid(f"cf-behind-{title}"),
                "ranges": [f"D{first}:D{last}"],
                "rule": {
                    "type": "CellIsRule",
                    "operator": "LessThan",
                    "values": ["0.9"],
                    "style": {"textColor": "#DC6965"},
                },
            },
            {
                "id": _uid(f"cf-growth-{title}"),
                "ranges": [f"F{first}:F{last}"],
                "rule": {
                    "type": "CellIsRule",
                    "operator": "LessThan",
                    "values": ["0"],
                    "style": {"textColor": "#DC6965"},
                },
            },
        ]
    return _sheet(
        DASHBOARD_SHEET,
        "Dashboard",
        cells,
        colNumber=6,
        rowNumber=LAST_ROW + 2,
        rows={key: {"size": size} for key, size in ROW_SIZES.items()},
        cols={key: {"size": size} for key, size in COL_SIZES.items()},
        styles=styles,
        formats=formats,
        borders=borders,
        conditionalFormats=conditional,
        figures=_figures(),
    )


def _data_sheet(cells):
    last = MONTH_HEADER_ROW + MONTHS
    return _sheet(
        DATA_SHEET,
        "Data",
        cells,
        colNumber=6,
        rowNumber=last + 2,
        cols={"0": {"size": 160}, "1": {"size": 110}, "2": {"size": 110}},
        styles={
            "A1:C1": 5,
            f"A{MONTH_HEADER_ROW}:D{MONTH_HEADER_ROW}": 5,
            "C2:C6": 6,
        },
        formats={
            "B2:B4": 1,
            "B5:C6": 2,
            f"B{MONTH_HEADER_ROW + 1}:D{last}": 1,
        },
    )


def build(sample=False):
    """The spreadsheet data (a dict) of the dashboard, or of its sample."""
    builder = Builder(sample).build()
    data = {
        "version": 21,
        "sheets": [
            _dashboard_sheet(builder.dashboard),
            _data_sheet(builder.data),
        ],
        "styles": STYLES,
        "formats": FORMATS,
        "borders": BORDERS,
        "revisionId": "START_REVISION",
        "uniqueFigureIds": True,
        "settings": {
            "locale": {
                "name": "English (US)",
                "code": "en_US",
                "thousandsSeparator": ",",
                "decimalSeparator": ".",
                "dateFormat": "mm/dd/yyyy",
                "timeFormat": "hh:mm:ss",
                "formulaArgSeparator": ",",
                "weekStart": 7,
            }
        },
        "pivots": {} if sample else {pid: pivot_definition(pid) for pid in PIVOTS},
        "pivotNextId": 1 if sample else len(PIVOTS) + 1,
        "customTableStyles": {},
        "odooVersion": 12,
        "globalFilters": [] if sample else GLOBAL_FILTERS,
        "lists": {},
        "listNextId": 1,
        "chartOdooMenusReferences": {}
        if sample
        else {figure["id"]: MENU for figure in _figures()},
    }
    return data


def dumps(data):
    return json.dumps(data, indent=4, ensure_ascii=False) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="fail if a file is stale")
    args = parser.parse_args()
    stale = []
    for path, sample in ((DASHBOARD_FILE, False), (SAMPLE_FILE, True)):
        text = dumps(build(sample))
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in stale:
        sys.stdout.write(f"{'stale' if args.check else 'written'}: {path.name}\n")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
