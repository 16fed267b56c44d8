import json

import polib

from odoo.tests import HttpCase, tagged
from odoo.tools.misc import file_path

LANG = "zh_CN"
TOUR = "sales_territory_zh_cn_tour"
# sessionStorage key read by static/tests/tours/sales_territory_zh_cn_tour.js
LABELS_KEY = "tcm_zh_cn_labels"
# The labels the tour looks for: {key: (addon, English source)}; the tour is
# given their translation from the addon's i18n/zh_CN.po.
LABELS = {
    "targets_menu": ("sales_territory", "Targets"),
    "territories": ("sales_territory", "Territories"),
    "territory_code": ("sales_territory", "Code"),
    "territory_customers": ("sales_territory", "Customers"),
    "cockpit": ("sales_territory", "Cockpit"),
    "territory_targets": ("sales_territory", "Territory Targets"),
    "sales_channels": ("sales_channel", "Sales Channels"),
    "channel_this_month": ("sales_channel", "This month:"),
    "scorecards": ("sales_channel", "Scorecards"),
    "partners_menu": ("channel_partner", "Partners"),
    "channel_partners": ("channel_partner", "Channel Partners"),
    "target_achieved": ("channel_partner", "Target achieved"),
    "channel_partner_page": ("channel_partner", "Channel Partner"),
    "dashboard": ("spreadsheet_dashboard_sales_territory", "Territories & Channels"),
    "dashboard_region": ("spreadsheet_dashboard_sales_territory", "Region"),
}
# territory_inventory is not a dependency of this addon: its screens are in
# the tour when it is installed (as in ./dev test, which installs every addon)
INVENTORY_LABELS = {
    "inventory_menu": ("territory_inventory", "Territories"),
    "replenishment": ("territory_inventory", "Replenishment Planning"),
}


@tagged("post_install", "-at_install")
class TestUiZhCn(HttpCase):
    """A user whose language is Simplified Chinese goes through the main
    screens of the addons (Sales: territories, a territory, the cockpit, sales
    channels, a channel, channel partners, a channel partner; Inventory:
    replenishment planning; Dashboards: the Territories & Channels dashboard)
    and finds, in menus, view titles, column headers, buttons, kanban cards,
    tabs, search facets and the dashboard's filters, the translations of our
    zh_CN.po files, loaded into the database as Odoo loads a language. The
    expected labels are read from the .po files, so a missing translation, a
    translation that does not reach the screen (a term the .pot and .po no
    longer match, a label Odoo does not translate) or a screen that breaks
    fails it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Module = cls.env["ir.module.module"]
        cls.labels = dict(LABELS)
        if Module._get("territory_inventory").state == "installed":
            cls.labels.update(INVENTORY_LABELS)
        cls.addons = sorted({addon for addon, _source in cls.labels.values()})
        cls.env["res.lang"]._activate_lang(LANG)
        # the terms of our addons only (those of Odoo's own would take long)
        Module.search([("name", "in", cls.addons)])._update_translations(
            [LANG], overwrite=True
        )
        admin = cls.env.ref("base.user_admin")
        admin.write({"lang": LANG, "tour_enabled": False})
        # a record in each list the tour opens, whatever the demo data
        cls.env["sales.territory"].create(
            {"name": "zh_CN Tour Territory", "code": "ZH-TOUR", "level": "region"}
        )
        cls.env["sales.channel"].create({"name": "zh_CN Tour Channel"})
        cls.env["res.partner"].create(
            {
                "name": "zh_CN Tour Distributor",
                "is_company": True,
                "is_channel_partner": True,
                "partner_kind": "distributor",
            }
        )

    def zh_cn_labels(self):
        """{key: translation} of LABELS from the addons' zh_CN.po."""
        catalogs = {
            addon: polib.pofile(file_path(f"{addon}/i18n/{LANG}.po"))
            for addon in self.addons
        }
        labels = {}
        for key, (addon, source) in self.labels.items():
            entry = catalogs[addon].find(source)
            translation = entry and not entry.obsolete and entry.msgstr
            self.assertTrue(
                translation and translation != source,
                f"{addon}/i18n/{LANG}.po does not translate {source!r}",
            )
            labels[key] = translation
        return labels

    def test_main_screens_in_chinese(self):
        labels = self.zh_cn_labels()
        # the server speaks Chinese too: the menus read from the database
        Menu = self.env["ir.ui.menu"].with_context(lang=LANG)
        self.assertEqual(
            Menu.browse(self.env.ref("sales_territory.menu_sales_territory").id).name,
            labels["territories"],
        )
        code = (
            f"sessionStorage.setItem({LABELS_KEY!r}, {json.dumps(json.dumps(labels))});"
            f" odoo.startTour({TOUR!r}, {json.dumps({'startUrl': '/odoo'})})"
        )
        self.start_tour("/odoo", TOUR, login="admin", code=code, timeout=120)
