from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import TerritoryCommon


class QualityCommon(TerritoryCommon):
    """Customers, orders and leads of the test tree with one data-quality issue
    each (or none), listed by hand in each test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        # no rule matches a customer in Territoria without state, zip nor city
        cls.nowhere = cls._customer("Nowhere Co", city="Nowhere")
        cls.lost_zip = cls._customer("Lost Zip Co", zip_code="870002")
        cls.vendor = cls._customer("Vendor Only", supplier_rank=1)
        # North by its state, but no zip rule covers 870000
        cls.far_zip = cls._customer("Far Zip Co", cls.state_north, "870000")
        cls.city_zip = cls._customer("City Zip Co", cls.state_north, "150000")
        cls.port_zip = cls._customer("Port Zip Co", cls.state_south, "21-500")
        # Key Accounts by its tag: no zip rule below it, its zip decides nothing
        cls.vip_zip = cls._customer(
            "VIP Zip Co",
            cls.state_north,
            "870001",
            category_id=[Command.set(cls.tag_vip.ids)],
        )
        # South by its state; then a twin of South ties with it
        cls.tied = cls._customer("Tied Co", cls.state_south, city="Harbor")
        cls.twin = cls.env["sales.territory"].create(
            {"name": "Twin South", "code": "T-TS", "parent_id": cls.root.id}
        )
        cls.rule_twin = cls.env["sales.territory.rule"].create(
            {
                "territory_id": cls.twin.id,
                "state_ids": [Command.set(cls.state_south.ids)],
            }
        )
        # duplicates in Port: same tax ID written differently, same name and zip
        cls.dup_vat_1 = cls._customer(
            "Harbour Trading", cls.state_south, "20100", vat="CN 1234-5678"
        )
        cls.dup_vat_2 = cls._customer(
            "Harbor Trading Ltd", cls.state_south, "20200", vat="cn12345678"
        )
        cls.dup_name_1 = cls._customer("Dock Supply", cls.state_south, "20 300")
        cls.dup_name_2 = cls._customer("dock supply ", cls.state_south, "20300")
        # same tax ID but in another territory: not a duplicate in one territory
        cls.other_vat = cls._customer(
            "North Trading", cls.state_north, "150001", vat="CN12345678"
        )
        assert cls.dup_vat_1.territory_id == cls.dup_name_2.territory_id == cls.port
        assert cls.other_vat.territory_id == cls.north_city
        cls.ours = (
            cls.nowhere
            | cls.lost_zip
            | cls.vendor
            | cls.far_zip
            | cls.city_zip
            | cls.port_zip
            | cls.vip_zip
            | cls.tied
            | cls.dup_vat_1
            | cls.dup_vat_2
            | cls.dup_name_1
            | cls.dup_name_2
            | cls.other_vat
        )

        # orders: one without territory, one cancelled, one with a territory
        cls.order_none = cls._order(cls.nowhere)
        cancelled = cls._order(cls.nowhere)
        cancelled._action_cancel()
        cls.order_ok = cls._order(cls.city_zip)
        assert not cls.order_none.territory_id and cls.order_ok.territory_id

        # leads: one without anything, one won, one of a customer with territory
        Lead = cls.env["crm.lead"]
        cls.lead_none = Lead.create({"name": "Lead from nowhere"})
        won = Lead.create({"name": "Won from nowhere"})
        won.action_set_won()
        cls.lead_ok = Lead.create({"name": "City lead", "partner_id": cls.city_zip.id})
        cls.lead_of_nowhere = Lead.create(
            {"name": "Nowhere lead", "partner_id": cls.nowhere.id}
        )
        assert not cls.lead_none.territory_id and cls.lead_ok.territory_id
        assert cls.vip_zip.territory_id == cls.key_accounts
        cls.all_orders = cls.order_none | cancelled | cls.order_ok
        cls.all_leads = cls.lead_none | won | cls.lead_ok | cls.lead_of_nowhere
        Partner.flush_model()

    def _issues(self, category):
        """Issues of a category about our records (the demo data of the
        database may have issues of its own)."""
        return self.env["sales.territory.quality.issue"].search(
            [
                ("category", "=", category),
                "|",
                "|",
                ("partner_id", "in", self.ours.ids),
                ("order_id", "in", self.all_orders.ids),
                ("lead_id", "in", self.all_leads.ids),
            ]
        )


@tagged("post_install", "-at_install")
class TestDataQuality(QualityCommon):
    def test_customers_without_territory(self):
        issues = self._issues("customer_no_territory")
        # not the vendor (no customer), nor Tied Co (in South)
        self.assertEqual(issues.partner_id, self.nowhere | self.lost_zip)
        self.assertFalse(issues.territory_id)

    def test_customers_without_state(self):
        issues = self._issues("customer_no_state")
        self.assertEqual(issues.partner_id, self.nowhere | self.lost_zip)

    def test_zip_codes_no_rule_covers(self):
        issues = self._issues("customer_zip_uncovered")
        # 150000 and 150001 are in North City's range, 21-500 starts with Port's
        # 21, 20 300 and 20100 with 20; 870000 is in no range nor prefix, and
        # North, its territory, is divided by zip codes (North City); VIP Zip
        # Co's 870001 neither, but Key Accounts has no zip rules; Lost Zip Co
        # has no territory and its 870002 is in no range nor prefix
        self.assertEqual(issues.partner_id, self.far_zip | self.lost_zip)
        far = issues.filtered(lambda i: i.partner_id == self.far_zip)
        self.assertEqual(far.detail, "870000")
        self.assertEqual(far.territory_id, self.north)
        action = far.action_open_rules()
        rules = self.env["sales.territory.rule"].search(action["domain"])
        self.assertIn(self.rule_north_city, rules)
        self.assertIn(self.rule_port, rules)
        self.assertNotIn(self.rule_north, rules, "no zip criterion")

    def test_rule_conflicts(self):
        issues = self._issues("rule_conflict")
        # every South customer whose zip or city decides nothing deeper
        self.assertEqual(issues.partner_id, self.tied)
        self.assertEqual(issues.territory_id, self.south)
        self.assertEqual(issues.conflict_rule_ids, self.rule_south | self.rule_twin)
        action = issues.action_open_rules()
        self.assertEqual(
            self.env["sales.territory.rule"].search(action["domain"]),
            self.rule_south | self.rule_twin,
        )

    def test_orders_and_leads_without_territory(self):
        self.assertEqual(self._issues("order_no_territory").order_id, self.order_none)
        self.assertEqual(
            self._issues("lead_no_territory").lead_id,
            self.lead_none | self.lead_of_nowhere,
        )

    def test_duplicates(self):
        issues = self._issues("duplicate")
        self.assertEqual(len(issues), 2)
        by_reason = {issue.duplicate_reason: issue for issue in issues}
        vat, name = by_reason["vat"], by_reason["name_zip"]
        self.assertRecordValues(
            vat | name,
            [
                {
                    "partner_id": self.dup_vat_1.id,
                    "territory_id": self.port.id,
                    "duplicate_count": 2,
                    "detail": "CN12345678",
                },
                {
                    "partner_id": self.dup_name_1.id,
                    "territory_id": self.port.id,
                    "duplicate_count": 2,
                    "detail": "Dock Supply / 20 300",
                },
            ],
        )
        self.assertEqual(vat.duplicate_partner_ids, self.dup_vat_1 | self.dup_vat_2)
        self.assertEqual(name.duplicate_partner_ids, self.dup_name_1 | self.dup_name_2)

    def test_merge_with_odoos_wizard(self):
        [vat] = self._issues("duplicate").filtered(
            lambda i: i.duplicate_reason == "vat"
        )
        action = vat.action_merge()
        self.assertEqual(action["res_model"], "base.partner.merge.automatic.wizard")
        wizard = (
            self.env[action["res_model"]].with_context(**action["context"]).create({})
        )
        self.assertEqual(wizard.partner_ids, self.dup_vat_1 | self.dup_vat_2)
        wizard.action_merge()
        self.assertFalse(self.dup_vat_2.exists() and self.dup_vat_1.exists())
        self.assertFalse(
            self._issues("duplicate").filtered(lambda i: i.duplicate_reason == "vat")
        )

    def test_overview_counts(self):
        cards = self.env["sales.territory.quality"].search(
            [("company_id", "=", self.company.id)]
        )
        Issue = self.env["sales.territory.quality.issue"]
        categories = [value for value, _label in Issue._fields["category"].selection]
        self.assertEqual(cards.mapped("category"), categories)
        for card in cards:
            count = Issue.search_count(
                [
                    ("category", "=", card.category),
                    ("company_id", "=", self.company.id),
                ]
            )
            self.assertEqual(card.issue_count, count, card.category)
            self.assertTrue(card.description)
        # at least ours
        counts = dict(zip(cards.mapped("category"), cards.mapped("issue_count")))
        self.assertGreaterEqual(counts["duplicate"], 2)
        self.assertGreaterEqual(counts["rule_conflict"], 1)
        action = cards.filtered(
            lambda c: c.category == "duplicate"
        ).action_open_issues()
        self.assertEqual(Issue.search_count(action["domain"]), counts["duplicate"])

    def test_fix_customers_orders_and_leads(self):
        # a rule for the city of Nowhere Co: assigning it now finds North
        self.env["sales.territory.rule"].create(
            {"territory_id": self.north.id, "cities": "Nowhere"}
        )
        self.company.territory_auto_assign = False  # asked for, not automatic
        issues = self._issues("customer_no_territory")
        issues.action_fix()
        self.assertEqual(self.nowhere.territory_id, self.north)
        self.assertFalse(self.lost_zip.territory_id, "no rule matches it")
        self.assertEqual(
            self._issues("customer_no_territory").partner_id, self.lost_zip
        )
        # its order and its lead then take its territory
        self._issues("order_no_territory").action_fix()
        self.assertEqual(self.order_none.territory_id, self.north)
        leads = self._issues("lead_no_territory")
        self.assertEqual(leads.lead_id, self.lead_none | self.lead_of_nowhere)
        result = leads.action_fix()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(self.lead_of_nowhere.territory_id, self.north)
        self.assertFalse(self.lead_none.territory_id, "nothing to go by")
        self.assertEqual(self._issues("lead_no_territory").lead_id, self.lead_none)

    def test_fix_a_confirmed_order(self):
        self.order_none.action_confirm()
        self.nowhere.territory_id = self.south
        self._issues("order_no_territory").action_fix()
        self.assertEqual(self.order_none.territory_id, self.south)
        # a cancelled order is no issue and is left alone
        self.assertFalse(self._issues("order_no_territory"))

    def test_other_company(self):
        other = self.env["res.company"].create({"name": "Other Quality Co"})
        Issue = self.env["sales.territory.quality.issue"]
        self.assertFalse(
            Issue.with_company(other)
            .with_context(allowed_company_ids=other.ids)
            .search([("order_id", "=", self.order_none.id)])
        )

    def test_access(self):
        """Territory administrators (and sales administrators) only."""
        for model in ("sales.territory.quality", "sales.territory.quality.issue"):
            self.assertTrue(self.env[model].with_user(self.user_admin).search_count([]))
            for user in (self.user_north_manager, self.user_north_rep):
                with self.assertRaises(AccessError):
                    self.env[model].with_user(user).search([])
