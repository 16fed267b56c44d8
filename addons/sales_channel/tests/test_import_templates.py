from odoo.tests import tagged

from odoo.addons.sales_territory.tests.common_import import ImportTemplateCase


@tagged("post_install", "-at_install")
class TestChannelImportTemplate(ImportTemplateCase):
    """The channels template (step 3 of the documented order) goes through
    Odoo's importer into a company without any channel."""

    def test_template_offered(self):
        (template,) = self.import_env["sales.channel"].get_import_templates()
        self.assertEqual(template["label"], "Import Template for Sales Channels")
        self.assertTrue(self.template_path("sales.channel").endswith(".xlsx"))

    def test_channels(self):
        Channel = self.import_env["sales.channel"]
        self.assertFalse(Channel.search([]), "the company starts without any")

        # 1-2. territories and rules, as the documented order has them first
        self.assertImported(self.import_template("sales.territory"), 47)
        self.assertImported(self.import_template("sales.territory.rule"), 40)

        # 3. channels: four groups (one without channels) and seven channels
        self.assertImported(self.import_template("sales.channel"), 11)
        self.assertEqual(Channel.search_count([]), 11)
        self.assertEqual(set(Channel.search([]).company_id), {self.company})
        online = self.xmlid("channel_online")
        tmall = self.xmlid("channel_tmall")
        indirect = self.xmlid("channel_indirect")
        dist = self.xmlid("channel_dist")
        agent = self.xmlid("channel_agent")
        store = self.xmlid("channel_store")
        self.assertFalse(online.parent_id)
        self.assertEqual(
            online.child_ids.mapped("code"), ["TMALL", "JD", "WEB"], "by sequence"
        )
        self.assertEqual(
            (
                tmall.name,
                tmall.code,
                tmall.channel_type,
                tmall.is_online,
                tmall.sales_mode,
                tmall.parent_id,
            ),
            ("天猫旗舰店", "TMALL", "marketplace", True, "direct", online),
        )
        self.assertEqual(tmall.complete_name, "线上渠道 / 天猫旗舰店")
        self.assertEqual(self.xmlid("channel_web").channel_type, "ecommerce")
        self.assertEqual(
            (online.channel_type, online.is_online, online.sales_mode),
            ("other", True, "direct"),
            "the file's Online and Sales Mode, not the ones the type proposes",
        )
        self.assertEqual(
            (indirect.channel_type, indirect.sales_mode), ("other", "indirect")
        )
        self.assertEqual(indirect.child_ids, dist | agent)
        for channel in dist | agent:
            self.assertEqual(channel.sales_mode, "indirect")
            self.assertFalse(channel.is_online)
        self.assertEqual(dist.channel_type, "distributor")
        self.assertEqual(agent.channel_type, "agent")
        self.assertEqual(
            self.xmlid("channel_ka").parent_id, self.xmlid("channel_direct")
        )
        self.assertEqual(
            (store.channel_type, store.parent_id, store.child_ids),
            ("retail", Channel, Channel),
        )
        self.assertEqual(
            Channel.search([("parent_id", "child_of", online.id)]).mapped("code"),
            ["ONLINE", "TMALL", "JD", "WEB"],
        )

        # importing the file again updates the same channels
        tmall.name = "天猫"
        self.assertImported(self.import_template("sales.channel"), 11)
        self.assertEqual(Channel.search_count([]), 11)
        self.assertEqual(tmall.name, "天猫旗舰店")

    def test_code_taken(self):
        """A channel of the company already holds a code of the file: nothing
        is imported and the importer's message names the code and the
        channel."""
        self.import_env["sales.channel"].create(
            {"name": "Our JD shop", "code": "JD", "channel_type": "marketplace"}
        )
        result = self.import_template("sales.channel")
        self.assertImportRefused(result, "JD", "Our JD shop")
        self.assertEqual(self.import_env["sales.channel"].search_count([]), 1)

    def test_test_button(self):
        """The import screen's Test checks the file and imports nothing."""
        result = self.import_template("sales.channel", dryrun=True)
        self.assertEqual(result["messages"], [])
        self.assertFalse(self.import_env["sales.channel"].search([]))
