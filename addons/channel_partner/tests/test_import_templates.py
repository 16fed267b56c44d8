from datetime import date

from odoo.tests import tagged

from odoo.addons.sales_territory.tests.common_import import ImportTemplateCase

PARTNERS = "channel_partner.xlsx"


@tagged("post_install", "-at_install")
class TestPartnerImportTemplates(ImportTemplateCase):
    """The templates of channel partners and their agreements (steps 4 and 5
    of the documented order) go through Odoo's importer into a company
    without any territory, channel or agreement, after the territories, their
    rules and the channels."""

    def setUp(self):
        super().setUp()
        self.Partner = self.import_env["res.partner"]
        self.Agreement = self.import_env["channel.partner.agreement"]

    def import_partners(self):
        return self.import_template(
            "res.partner", self.template_path("res.partner", name=PARTNERS)
        )

    def test_templates_offered(self):
        """The channel partners' template comes besides Odoo's own customers
        template; the agreements have theirs."""
        templates = self.Partner.get_import_templates()
        self.assertGreater(len(templates), 1, "Odoo's customers template is kept")
        self.assertIn(
            "Import Template for Channel Partners", [t["label"] for t in templates]
        )
        self.assertTrue(self.template_path("res.partner", name=PARTNERS))
        (template,) = self.Agreement.get_import_templates()
        self.assertEqual(template["label"], "Import Template for Partner Agreements")
        self.assertTrue(
            self.template_path("channel.partner.agreement").endswith(".xlsx")
        )

    def test_partners_and_agreements(self):
        self.assertFalse(self.Agreement.search([]), "the company starts without any")
        # 1-3. territories, their rules, the channels
        self.assertImported(self.import_template("sales.territory"), 47)
        self.assertImported(self.import_template("sales.territory.rule"), 40)
        self.assertImported(self.import_template("sales.channel"), 11)

        # 4. channel partners: their territory comes from the imported rules
        self.assertImported(self.import_partners(), 3)
        hengtong = self.xmlid("partner_hengtong")
        lingnan = self.xmlid("partner_lingnan")
        jincheng = self.xmlid("partner_jincheng")
        partners = hengtong | lingnan | jincheng
        dist = self.xmlid("channel_dist")
        self.assertEqual(
            [
                (
                    p.is_company,
                    p.is_channel_partner,
                    p.partner_kind,
                    p.partner_lifecycle,
                    p.channel_id,
                )
                for p in partners
            ],
            [
                (True, True, "distributor", "onboarding", dist),
                (True, True, "reseller", "onboarding", dist),
                (True, True, "agent", "onboarding", self.xmlid("channel_agent")),
            ],
        )
        self.assertEqual(
            (
                hengtong.name,
                hengtong.city,
                hengtong.zip,
                hengtong.state_id,
                hengtong.country_id,
            ),
            (
                "华东恒通商贸有限公司",
                "杭州市",
                "310012",
                self.env.ref("base.state_cn_ZJ"),
                self.env.ref("base.cn"),
            ),
        )
        self.assertEqual(
            partners.mapped("territory_id"),
            self.xmlid("territory_cn_zj_han")
            | self.xmlid("territory_cn_gd_gua")
            | self.xmlid("territory_cn_sc_che"),
            "Hangzhou, Guangzhou and Chengdu by their zip rules",
        )
        self.assertEqual(set(partners.mapped("territory_assignment")), {"auto"})

        # 5. agreements with their rebate scale (one row per step)
        self.assertImported(self.import_template("channel.partner.agreement"), 3)
        self.assertEqual(self.Agreement.search_count([]), 3)
        ht_agreement = self.xmlid("agreement_hengtong_2027")
        self.assertEqual(
            (
                ht_agreement.partner_id,
                ht_agreement.company_id,
                ht_agreement.state,
                ht_agreement.date_start,
                ht_agreement.date_end,
                ht_agreement.territory_ids,
                ht_agreement.channel_ids,
                ht_agreement.exclusive,
                ht_agreement.volume_commitment,
                ht_agreement.volume_basis,
                ht_agreement.rebate_period,
            ),
            (
                hengtong,
                self.company,
                "draft",
                date(2027, 1, 1),
                date(2027, 12, 31),
                self.xmlid("territory_cn_e_zj") | self.xmlid("territory_cn_e_js"),
                dist,
                True,
                5_000_000,
                "invoiced",
                "quarter",
            ),
        )
        self.assertNotEqual(ht_agreement.name, "/", "numbered by its sequence")
        self.assertEqual(
            [(s.amount_from, s.rate) for s in ht_agreement.rebate_line_ids],
            [(0, 1.0), (1_000_000, 2.0), (2_000_000, 3.0)],
        )
        ln_agreement = self.xmlid("agreement_lingnan_2027")
        self.assertEqual(
            (
                ln_agreement.partner_id,
                ln_agreement.territory_ids,
                ln_agreement.exclusive,
                ln_agreement.volume_basis,
                [(s.amount_from, s.rate) for s in ln_agreement.rebate_line_ids],
            ),
            (
                lingnan,
                self.xmlid("territory_cn_s_gd"),
                False,
                "ordered",
                [(300_000, 1.5), (600_000, 2.5)],
            ),
        )
        jc_agreement = self.xmlid("agreement_jincheng_2027")
        self.assertEqual(
            (
                jc_agreement.partner_id,
                jc_agreement.territory_ids,
                jc_agreement.channel_ids,
                jc_agreement.rebate_period,
                [(s.amount_from, s.rate) for s in jc_agreement.rebate_line_ids],
            ),
            (
                jincheng,
                self.xmlid("territory_cn_sw"),
                self.xmlid("channel_agent"),
                "month",
                [(0, 3.0), (150_000, 4.0)],
            ),
        )
        self.assertEqual(
            len(self.import_env["channel.partner.agreement.rebate"].search([])), 7
        )

        # importing the agreements again updates them, their steps included
        # (each step has its External ID: not added a second time)
        ht_agreement.rebate_line_ids[1].rate = 2.2
        self.assertImported(self.import_template("channel.partner.agreement"), 3)
        self.assertEqual(self.Agreement.search_count([]), 3)
        self.assertEqual(
            [(s.amount_from, s.rate) for s in ht_agreement.rebate_line_ids],
            [(0, 1.0), (1_000_000, 2.0), (2_000_000, 3.0)],
        )
        self.assertEqual(
            len(self.import_env["channel.partner.agreement.rebate"].search([])), 7
        )

        # activated as the template says: the partners become active
        (ht_agreement | ln_agreement | jc_agreement).action_activate()
        self.assertEqual(set(partners.mapped("partner_lifecycle")), {"active"})
        # the imported exclusivity holds: Hangzhou is covered, Guangzhou not
        holders = self.Agreement._exclusive_holders(
            [
                (self.xmlid("territory_cn_zj_han").id, False),
                (self.xmlid("territory_cn_gd_gua").id, False),
            ],
            date(2027, 6, 1),
            self.company,
        )
        self.assertEqual(
            [(territory, agreement) for (territory, _c), agreement in holders.items()],
            [(self.xmlid("territory_cn_zj_han").id, ht_agreement)],
        )

    def test_import_order(self):
        """Agreements refer to their partner by name and to territories and
        channels by External ID, partners to their channel: imported before
        them, nothing is imported and the importer names what is missing."""
        self.import_refused("channel.partner.agreement", "No matching record found")
        self.assertImported(self.import_template("sales.territory"), 47)
        self.assertImported(self.import_template("sales.territory.rule"), 40)
        self.import_refused(
            "res.partner",
            "No matching record found for external id",
            "channel_dist",
            path=self.template_path("res.partner", name=PARTNERS),
        )
        self.assertFalse(
            self.env.ref("__import__.partner_hengtong", raise_if_not_found=False)
        )
        self.assertImported(self.import_template("sales.channel"), 11)
        self.import_refused(
            "channel.partner.agreement",
            "No matching record found for name",
            "华东恒通商贸有限公司",
        )
        self.assertFalse(self.Agreement.search([]))
        self.assertImported(self.import_partners(), 3)
        self.assertImported(self.import_template("channel.partner.agreement"), 3)
