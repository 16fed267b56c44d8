#!/usr/bin/env python3
"""Write the import templates of the addons (their ``static/xls/*.xlsx``).

    python3 docs/import_templates.py        # rewrites the files in place

Each template is the file offered under *Import Template for ...* on the
import screen of its model (``get_import_templates()`` of the model). Its
first sheet, *Template*, has the column titles that Odoo's importer matches by
itself (field labels in English, ``Field/External ID`` for a record of another
file, one2many lines on the following rows with the parent's cells left
empty) and a worked example: China's regions, provinces and some cities,
their rules, a year of monthly targets for two regions, channels, channel
partners and their agreements, regional warehouses and sourcing rules. The
second sheet, *How to Import*, says what the columns hold and in which order
the files go.

The files are written byte for byte the same on every run (fixed dates in
the workbook and the archive), so that a regenerated template shows no diff
unless its content changed. Only openpyxl (requirements.txt) is needed.
"""

import datetime
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ROOT / "addons"
FIXED_TIME = (2026, 1, 1, 0, 0, 0)

# The order in which the templates go into an empty database: each file
# refers to the records of the files above it by their External ID.
ORDER = [
    ("1", "Territories", "sales_territory/static/xls/sales_territory.xlsx"),
    ("2", "Territory rules", "sales_territory/static/xls/sales_territory_rule.xlsx"),
    ("3", "Sales channels", "sales_channel/static/xls/sales_channel.xlsx"),
    ("4", "Channel partners", "channel_partner/static/xls/channel_partner.xlsx"),
    (
        "5",
        "Partner agreements",
        "channel_partner/static/xls/channel_partner_agreement.xlsx",
    ),
    ("6", "Sales targets", "sales_territory/static/xls/sales_target.xlsx"),
    (
        "7",
        "Territory warehouses",
        "territory_inventory/static/xls/sales_territory_warehouse.xlsx",
    ),
    (
        "8",
        "Sourcing rules",
        "territory_inventory/static/xls/territory_sourcing_rule.xlsx",
    ),
]

# ------------------------------------------------------------------ China
# (code, name, level, parent code); the External ID is derived from the code.
REGIONS = [
    ("CN-N", "华北", "North China"),
    ("CN-NE", "东北", "Northeast China"),
    ("CN-E", "华东", "East China"),
    ("CN-C", "华中", "Central China"),
    ("CN-S", "华南", "South China"),
    ("CN-SW", "西南", "Southwest China"),
    ("CN-NW", "西北", "Northwest China"),
]
# (region code, province code, name as Odoo names the state of China)
PROVINCES = [
    ("CN-N", "BJ", "北京市"),
    ("CN-N", "TJ", "天津市"),
    ("CN-N", "HE", "河北省"),
    ("CN-N", "SX", "山西省"),
    ("CN-N", "NM", "内蒙古自治区"),
    ("CN-NE", "LN", "辽宁省"),
    ("CN-NE", "JL", "吉林省"),
    ("CN-NE", "HL", "黑龙江省"),
    ("CN-E", "SH", "上海市"),
    ("CN-E", "JS", "江苏省"),
    ("CN-E", "ZJ", "浙江省"),
    ("CN-E", "AH", "安徽省"),
    ("CN-E", "FJ", "福建省"),
    ("CN-E", "JX", "江西省"),
    ("CN-E", "SD", "山东省"),
    ("CN-C", "HA", "河南省"),
    ("CN-C", "HB", "湖北省"),
    ("CN-C", "HN", "湖南省"),
    ("CN-S", "GD", "广东省"),
    ("CN-S", "GX", "广西壮族自治区"),
    ("CN-S", "HI", "海南省"),
    ("CN-SW", "CQ", "重庆市"),
    ("CN-SW", "SC", "四川省"),
    ("CN-SW", "GZ", "贵州省"),
    ("CN-SW", "YN", "云南省"),
    ("CN-SW", "XZ", "西藏自治区"),
    ("CN-NW", "SN", "陕西省"),
    ("CN-NW", "GS", "甘肃省"),
    ("CN-NW", "QH", "青海省"),
    ("CN-NW", "NX", "宁夏回族自治区"),
    ("CN-NW", "XJ", "新疆维吾尔自治区"),
]
# (province code, city code, name, zip from, zip to, zip prefixes)
CITIES = [
    ("ZJ", "HAN", "杭州市", "310000", "311999", ""),
    ("ZJ", "NIN", "宁波市", "315000", "315999", ""),
    ("ZJ", "WEN", "温州市", "", "", "325"),
    ("JS", "NAN", "南京市", "210000", "211999", ""),
    ("JS", "SUZ", "苏州市", "215000", "215999", ""),
    ("GD", "GUA", "广州市", "510000", "511999", ""),
    ("GD", "SHE", "深圳市", "518000", "518999", ""),
    ("SC", "CHE", "成都市", "610000", "611999", ""),
]


def paragraphs(text):
    """The paragraphs of a text block (blank-line separated), each on one line:
    lines are joined with a space, Chinese lines without one."""
    result = []
    for block in text.strip().split("\n\n"):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        joined = lines[0]
        for line in lines[1:]:
            cjk = joined[-1] > "\u2e80" and line[0] > "\u2e80"
            joined += line if cjk or joined.endswith("-") else " " + line
        result.append(joined)
    return result


def xid(code, prefix="territory"):
    """External ID of a territory (or channel...) from its code."""
    return f"{prefix}_{code.lower().replace('-', '_')}"


def province_code(region, province):
    return f"{region}-{province}"


def city_code(province, city):
    return f"CN-{province}-{city}"


def region_of(province):
    return next(r for r, p, _n in PROVINCES if p == province)


# Monthly phasing of the yearly targets (%): Spring Festival in February,
# 618 in June, Golden Week in October, Double 11 in November.
PHASING = [7, 5, 8, 8, 8, 10, 7, 7, 8, 9, 13, 10]
TARGET_YEAR = 2027
YEARLY_TARGETS = [("CN-E", 12_000_000), ("CN-S", 9_000_000)]

# (external id, name, code, type, group external id, online, sales mode)
CHANNELS = [
    ("channel_online", "线上渠道", "ONLINE", "Other", "", True, "Direct"),
    (
        "channel_tmall",
        "天猫旗舰店",
        "TMALL",
        "Marketplace",
        "channel_online",
        True,
        "Direct",
    ),
    ("channel_jd", "京东自营", "JD", "Marketplace", "channel_online", True, "Direct"),
    ("channel_web", "官网商城", "WEB", "E-commerce", "channel_online", True, "Direct"),
    ("channel_direct", "直销", "DIRECT", "Direct Sales", "", False, "Direct"),
    ("channel_ka", "大客户", "KA", "Key Accounts", "channel_direct", False, "Direct"),
    ("channel_tel", "电话销售", "TEL", "Telesales", "channel_direct", False, "Direct"),
    ("channel_indirect", "分销渠道", "INDIRECT", "Other", "", False, "Indirect"),
    (
        "channel_dist",
        "经销商",
        "DIST",
        "Distributor",
        "channel_indirect",
        False,
        "Indirect",
    ),
    (
        "channel_agent",
        "代理商",
        "AGENT",
        "Agent",
        "channel_indirect",
        False,
        "Indirect",
    ),
    ("channel_store", "门店", "STORE", "Retail Store", "", False, "Direct"),
]

WAREHOUSES = [
    ("华东仓", "HD"),
    ("华南仓", "HN"),
    ("西南仓", "XN"),
    ("电商仓", "DS"),
]


# ------------------------------------------------------------------ sheets
def territories():
    rows = [[xid("CN"), "中国", "CN", "Custom", "", 1]]
    for sequence, (code, name, _english) in enumerate(REGIONS, 2):
        rows.append([xid(code), name, code, "Region", xid("CN"), sequence])
    for region, province, name in PROVINCES:
        code = province_code(region, province)
        rows.append([xid(code), name, code, "Province", xid(region), 10])
    for province, city, name, *_zips in CITIES:
        parent = province_code(region_of(province), province)
        rows.append(
            [xid(city_code(province, city)), name, city_code(province, city)]
            + ["City", xid(parent), 10]
        )
    return {
        "columns": [
            "External ID",
            "Name",
            "Code",
            "Level",
            "Parent Territory/External ID",
            "Sequence",
        ],
        "rows": rows,
        "notes": paragraphs(
            """
            Territories: one row per territory, parents above their children.

            External ID: a name of your own for the row (letters, digits, _). The other
            templates (rules, targets, agreements, sourcing) refer to the territories by
            it; importing the file again updates the same territories instead of
            creating new ones.

            Name: as the users read it. Code: short and unique in the company.

            Level: Region, Province, City, District or Custom. Reports show each
            territory under its region (its nearest ancestor of level Region).

            Parent Territory/External ID: the External ID of the parent row; empty for
            the top of the tree. Instead of this column you may give a column Parent
            Territory with the parent's full name, e.g. 中国 / 华东.

            Optional columns: Territory Manager and Salespeople (user names), Sales Team
            (team name), Default Pricelist, Description.

            The example: China (中国), its seven sales regions, the 31 provinces of
            mainland China (named as Odoo names the states) and eight cities.
"""
        ),
        "notes_zh": paragraphs(
            """
            区域：每行一个区域，上级区域写在下级区域之前。

            External ID（外部标识）：自定的行标识，其他模板（规则、目标、
            协议、发货规则）以此引用区域；再次导入同一文件会更新这些区域，不会重复创
            建。

            Level（层级）：Region 大区、Province 省、City 市、District 区县、
            Custom 自定义。

            Parent Territory/External ID：上级区域的外部
            标识，顶层留空。
"""
        ),
    }


def rules():
    rows = []
    for region, province, name in PROVINCES:
        rows.append(
            [xid(province_code(region, province)), 10, "", "CN", name]
            + ["", "", "", ""]
        )
    for province, city, _name, zip_from, zip_to, prefixes in CITIES:
        rows.append(
            [xid(city_code(province, city)), 10, "", "CN", ""]
            + [zip_from, zip_to, prefixes, ""]
        )
    rows.append(
        [xid(city_code("GD", "GUA")), 10, "佛山客户由广州团队服务", "CN", ""]
        + ["", "", "", "佛山市, Foshan"]
    )
    return {
        "columns": [
            "Territory/External ID",
            "Priority",
            "Description",
            "Country",
            # the field's label, States / Provinces, holds a slash, which the
            # importer reads as a path to a sub-field: its technical name
            "state_ids",
            "Zip From",
            "Zip To",
            "Zip Prefixes",
            "Cities",
        ],
        "rows": rows,
        "text_columns": ["Zip From", "Zip To", "Zip Prefixes"],
        "notes": paragraphs(
            """
            Rules: import the territories first; this file refers to them by their
            External ID (Territory/External ID).

            A customer matches a rule when every criterion given on the row matches. The
            lowest Priority wins; among equal priorities the deepest territory wins (a
            city's zip rule beats its province's state rule).

            Country: name or ISO code (CN). state_ids (the field States / Provinces, by
            its technical name: the importer reads a slash in a column title as a path
            to a sub-field): state names as in Odoo (浙江省), several separated by
            commas.

            Zip From / Zip To: a range, both bounds of the same length (keep the cells
            as text so that leading zeros stay). Zip Prefixes: e.g. 325, 326. Cities:
            city names separated by commas (、 works too).

            Optional columns: Customer Tags, Industries (names, separated by commas).

            The example: one rule per province by state, the cities by zip range or
            prefix, and Foshan's customers (by city name) served by Guangzhou.
"""
        ),
        "notes_zh": paragraphs(
            """
            规则：请先导入区域；本文件通过区域的外部标识引用区域。

            客户满足一行中所有已填写的条件即匹配该规则；优先级数字小者优先，同优先级
            时层级更深的区域优先（市的邮编规则优先于省的省份规则）。

            邮编起止长度须一致，单元格请保持文本格式以保留前导零。
"""
        ),
    }


def targets():
    rows = []
    for region, yearly in YEARLY_TARGETS:
        for month, share in enumerate(PHASING, 1):
            rows.append(
                [
                    f"{xid(region, 'target')}_{TARGET_YEAR}_{month:02d}",
                    "Territory",
                    xid(region),
                    "Ordered Amount",
                    "Month",
                    datetime.date(TARGET_YEAR, month, 1),
                    yearly * share / 100,
                ]
            )
    return {
        "columns": [
            "External ID",
            "Dimension",
            "Territory/External ID",
            "Measure",
            "Period",
            "Start",
            "Target",
        ],
        "rows": rows,
        "notes": paragraphs(
            """
            Targets: import the territories first.

            Dimension: Territory, Salesperson or Sales Team (with the column Salesperson
            or Sales Team, by name). Measure: Ordered Amount, Invoiced Amount, Margin,
            Number of Orders or New Customers.

            Period: Month, Quarter or Year (the end date follows from the start) or
            Custom Dates (add a column End).

            Target: in the company currency (or a number of orders or customers).

            Targets are imported as drafts: check them in Sales > Targets > Sales
            Targets and confirm them. Importing again updates drafts; a confirmed target
            changes only through Revise.

            The example: the 2027 monthly ordered amount of East China (12,000,000 a
            year) and South China (9,000,000), phased for the Spring Festival, 618,
            Golden Week and Double 11.
"""
        ),
        "notes_zh": paragraphs(
            """
            目标：请先导入区域。导入后为草稿，请在“销售 > 目标 > 销售目标”中
            核对并确认；已确认的目标只能通过“修订”修改。
"""
        ),
    }


def channels():
    rows = [
        [xml_id, name, code, kind, parent, online, mode, sequence]
        for sequence, (xml_id, name, code, kind, parent, online, mode) in enumerate(
            CHANNELS, 1
        )
    ]
    return {
        "columns": [
            "External ID",
            "Name",
            "Code",
            "Type",
            "Channel Group/External ID",
            "Online",
            "Sales Mode",
            "Sequence",
        ],
        "rows": rows,
        "notes": paragraphs(
            """
            Sales channels: one row per channel, channel groups above their channels.

            Type: Direct Sales, Key Accounts, E-commerce, Marketplace, Retail Store,
            Distributor, Agent, Telesales or Other. Online (TRUE or FALSE) and Sales
            Mode (Direct or Indirect) are proposed from the type on the form; in a file,
            give both (a Sales Mode is required).

            Channel Group/External ID: the External ID of the group's row; empty for a
            channel at the top.

            Optional columns: Channel Manager (user name), Sales Team, Pricelist,
            Payment Terms (names).
"""
        ),
        "notes_zh": paragraphs(
            """
            渠道：每行一个渠道，渠道组写在其下属渠道之前。Sales Mode（直销
             Direct / 分销 Indirect）必填。
"""
        ),
    }


def partners():
    rows = [
        [
            "partner_hengtong",
            "华东恒通商贸有限公司",
            True,
            "西湖区文三路 90 号",
            "杭州市",
            "浙江省",
            "310012",
            "CN",
            "channel_dist",
            True,
            "Distributor",
            "Onboarding",
        ],
        [
            "partner_lingnan",
            "岭南优选电子有限公司",
            True,
            "天河区体育西路 103 号",
            "广州市",
            "广东省",
            "510620",
            "CN",
            "channel_dist",
            True,
            "Reseller",
            "Onboarding",
        ],
        [
            "partner_jincheng",
            "成都锦程商务代理有限公司",
            True,
            "武侯区人民南路四段 12 号",
            "成都市",
            "四川省",
            "610041",
            "CN",
            "channel_agent",
            True,
            "Agent",
            "Onboarding",
        ],
    ]
    return {
        "columns": [
            "External ID",
            "Name",
            "Is a Company",
            "Street",
            "City",
            "State",
            "Zip",
            "Country",
            "Sales Channel/External ID",
            "Channel Partner",
            "Partner Kind",
            "Partner Status",
        ],
        "rows": rows,
        "text_columns": ["Zip"],
        "notes": paragraphs(
            """
            Channel partners (distributors, resellers, agents): import the territories,
            their rules and the channels first. A partner's territory comes from the
            rules (its address), as for any customer.

            Channel Partner: TRUE. Partner Kind: Distributor, Reseller, Agent, Franchise
            or Referral Partner. Partner Status: Prospect, Onboarding, Active, Suspended
            or Terminated (activating an agreement makes the partner Active).

            Sales Channel/External ID: a channel of the channels template. Optional
            columns: Tier (tier name, once the tiers are set up in Sales > Configuration
            > Channels > Partner Tiers), Partner Manager (user name), Phone, Email.

            The same file imports ordinary customers: leave Channel Partner empty.
"""
        ),
        "notes_zh": paragraphs(
            """
            渠道伙伴：请先导入区域、规则和渠道。伙伴的区域由规则按地址自动分配。
"""
        ),
    }


def agreements():
    header = {
        "partner_hengtong": [
            "agreement_hengtong_2027",
            "华东恒通商贸有限公司",
            datetime.date(TARGET_YEAR, 1, 1),
            datetime.date(TARGET_YEAR, 12, 31),
            f"{xid('CN-E-ZJ')},{xid('CN-E-JS')}",
            "channel_dist",
            True,
            5_000_000,
            "Invoiced",
            "Quarterly",
        ],
        "partner_lingnan": [
            "agreement_lingnan_2027",
            "岭南优选电子有限公司",
            datetime.date(TARGET_YEAR, 1, 1),
            datetime.date(TARGET_YEAR, 12, 31),
            xid("CN-S-GD"),
            "channel_dist",
            False,
            2_000_000,
            "Ordered",
            "Quarterly",
        ],
        "partner_jincheng": [
            "agreement_jincheng_2027",
            "成都锦程商务代理有限公司",
            datetime.date(TARGET_YEAR, 1, 1),
            datetime.date(TARGET_YEAR, 12, 31),
            xid("CN-SW"),
            "channel_agent",
            False,
            1_200_000,
            "Ordered",
            "Monthly",
        ],
    }
    steps = {
        "partner_hengtong": [(0, 1.0), (1_000_000, 2.0), (2_000_000, 3.0)],
        "partner_lingnan": [(300_000, 1.5), (600_000, 2.5)],
        "partner_jincheng": [(0, 3.0), (150_000, 4.0)],
    }
    rows = []
    for partner, values in header.items():
        for index, (amount, rate) in enumerate(steps[partner]):
            first = values if index == 0 else [""] * len(values)
            step = f"{values[0]}_step_{index + 1}"
            rows.append(first + [step, amount, rate])
    return {
        "columns": [
            "External ID",
            "Channel Partner",
            "Start",
            "End",
            "Authorised Territories/External ID",
            "Channels/External ID",
            "Exclusive",
            "Annual Volume Commitment",
            "Volume Basis",
            "Rebate Period",
            "Rebate Scale/External ID",
            "Rebate Scale/From Volume",
            "Rebate Scale/Rate (%)",
        ],
        "rows": rows,
        "notes": paragraphs(
            """
            Agreements: import the territories, the channels and the channel partners
            first.

            Channel Partner: the partner's name. Authorised Territories and Channels:
            External IDs separated by commas (empty: everywhere, all channels). Optional
            column Product Categories: full names such as All / Saleable, separated by
            commas (empty: everything).

            Rebate scale: one row per step. The first step is on the agreement's row;
            the next steps follow on rows whose agreement cells stay empty. From Volume
            and Rate (%) must both increase; the rate of the highest step reached
            applies to the whole volume of the period. Rebate Scale/External ID: a name
            of your own for each step, so that importing the file again updates the
            steps instead of adding them again (a step removed from the file stays on
            the agreement: delete it there).

            Volume Basis: Invoiced or Ordered. Rebate Period: Monthly, Quarterly or
            Yearly. Agreements are imported as drafts: activate them on the agreement
            (Sales > Partners > Agreements); exclusivity is checked then.

            The example: an exclusive distributor in Zhejiang and Jiangsu with a three-
            step quarterly rebate, a reseller in Guangdong, an agent in Southwest China
            paid a monthly commission.
"""
        ),
        "notes_zh": paragraphs(
            """
            协议：请先导入区域、渠道和渠道伙伴。返利阶梯每级一行：第一级与协议同一行
            ，其余各级写在下面的行中，协议各列留空。每级在 Rebate Scale/External ID
            列中给一个自定标识，再次导入时更新该级而不会重复添加。导入后为草稿，需在
            协议上激活。
"""
        ),
    }


def territory_warehouses():
    by_region = {
        "CN-N": "华东仓",
        "CN-NE": "华东仓",
        "CN-E": "华东仓",
        "CN-C": "华东仓",
        "CN-S": "华南仓",
        "CN-SW": "西南仓",
        "CN-NW": "西南仓",
    }
    rows = [[xid(code), by_region[code]] for code, _name, _english in REGIONS]
    return {
        "columns": ["External ID", "Warehouse"],
        "rows": rows,
        "notes": paragraphs(
            """
            Territory warehouses: gives the territories imported with the territories
            template (same External IDs: territory_cn_e is 华东, East China) the
            warehouse that delivers their orders; sub-territories without one use their
            parent's. Only the columns given are changed.

            Create the warehouses first (Inventory > Configuration > Warehouse
            Management > Warehouses; the example uses 华东仓 HD, 华南仓 HN, 西南仓 XN
            and 电商仓 DS) or write the names of yours.
"""
        ),
        "notes_zh": paragraphs(
            """
            区域仓库：为已导入的区域指定发货仓库，下级区域未指定时沿用上级。请先
            在“库存 > 配置 > 仓库管理 > 仓库”中建好仓库。
"""
        ),
    }


def sourcing_rules():
    rows = [
        [10, xid("CN"), "channel_tmall", "", "电商仓"],
        [10, xid("CN"), "channel_jd", "", "电商仓"],
        [10, xid("CN"), "channel_web", "", "电商仓"],
        [10, xid("CN-E-FJ"), "", "", "华南仓"],
        [20, xid("CN-NW-XJ"), "channel_dist", "", "华东仓"],
    ]
    return {
        "columns": [
            "Priority",
            "Territory/External ID",
            "Sales Channel/External ID",
            "Product Category",
            "Warehouse",
        ],
        "rows": rows,
        "notes": paragraphs(
            """
            Sourcing rules: import the territories and the channels first and create the
            warehouses.

            A rule sends the orders of a territory (and its sub-territories), optionally
            only of a channel or of a product category (full name, e.g. All / Saleable),
            to a warehouse. The lowest Priority wins, then the deepest territory, then a
            rule with a channel, then one with a category.

            The example: the online channels anywhere in China ship from the e-commerce
            warehouse; Fujian is delivered from South China's warehouse; distributors'
            orders in Xinjiang from East China.
"""
        ),
        "notes_zh": paragraphs(
            """
            发货规则：请先导入区域和渠道并建好仓库。优先级数字小者优先，其次层级更深
            的区域、指定渠道的规则、指定品类的规则。
"""
        ),
    }


TEMPLATES = {
    "sales_territory/static/xls/sales_territory.xlsx": territories,
    "sales_territory/static/xls/sales_territory_rule.xlsx": rules,
    "sales_territory/static/xls/sales_target.xlsx": targets,
    "sales_channel/static/xls/sales_channel.xlsx": channels,
    "channel_partner/static/xls/channel_partner.xlsx": partners,
    "channel_partner/static/xls/channel_partner_agreement.xlsx": agreements,
    "territory_inventory/static/xls/sales_territory_warehouse.xlsx": (
        territory_warehouses
    ),
    "territory_inventory/static/xls/territory_sourcing_rule.xlsx": sourcing_rules,
}


# ------------------------------------------------------------------ writing
def build(spec):
    book = Workbook()
    sheet = book.active
    sheet.title = "Template"
    columns = spec["columns"]
    sheet.append(columns)
    text_columns = {columns.index(c) for c in spec.get("text_columns", [])}
    for row in spec["rows"]:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="714B67")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            elif cell.column - 1 in text_columns:
                cell.number_format = "@"
            elif isinstance(cell.value, float | int) and not isinstance(
                cell.value, bool
            ):
                cell.number_format = "#,##0.##" if cell.value >= 1000 else "General"
    for index, title in enumerate(columns, 1):
        values = [title] + [
            str(r[index - 1]) for r in spec["rows"] if r[index - 1] != ""
        ]
        width = max(len(v.encode("gbk", "replace")) for v in values) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 45)
    sheet.freeze_panes = "A2"

    notes = book.create_sheet("How to Import")
    notes.column_dimensions["A"].width = 110
    lines = (
        ["How to import this file"]
        + spec["notes"]
        + [""]
        + paragraphs(
            """
            Import order into an empty database (each file refers to the ones above
            it by External ID):
"""
        )
        + [f"{number}. {label}" for number, label, _path in ORDER]
        + [""]
        + paragraphs(
            """
            Import: open the list of the records, then the gear menu > Import
            records > Upload File, check the column mapping, Test, then Import.
            Columns you add are matched by their title (a field's label or
            technical name); remove the columns you do not need.
"""
        )
        + ["", "导入说明"]
        + spec["notes_zh"]
        + paragraphs(
            """
            导入顺序：区域 → 区域规则 → 销售渠道 → 渠道伙伴 → 伙伴协议 → 销售
            目标 → 区域仓库 → 发货规则。
"""
        )
    )
    for line in lines:
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=13)
    for row in notes.iter_rows():
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
        if row[0].value in ("导入说明",):
            row[0].font = Font(bold=True, size=13)
    fixed = datetime.datetime(*FIXED_TIME)
    book.properties.creator = "Territory & Channel Management"
    book.properties.created = fixed
    return book


def reproducible(data):
    """The xlsx archive with fixed timestamps (the workbook's modification
    date and the zip entries' dates), so that the bytes depend on the content
    only."""
    stamp = "2026-01-01T00:00:00Z"
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + stamp.encode() + rb"\g<3>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


def main():
    for path, spec in TEMPLATES.items():
        buffer = io.BytesIO()
        build(spec()).save(buffer)
        target = ADDONS / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(reproducible(buffer.getvalue()))
        print(target.relative_to(ROOT))


if __name__ == "__main__":
    main()
