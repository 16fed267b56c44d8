from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.sales_territory.models.sales_territory_rule import (
    normalize_zip,
    zip_norm_sql,
)

from .common import TerritoryCommon


@tagged("post_install", "-at_install")
class TestRuleMatching(TerritoryCommon):
    """Which territory wins, criterion by criterion, through the SQL engine."""

    def _match(self, **address):
        """Match one in-memory address; returns the Match (or None)."""
        row = (
            1,
            address.get("country", self.country).id,
            address["state"].id if address.get("state") else None,
            address.get("zip"),
            address.get("city"),
            address["industry"].id if address.get("industry") else None,
            address["tags"].ids if address.get("tags") else None,
        )
        return self.env["sales.territory.rule"]._match_rows([row], self.company).get(1)

    def _winner(self, **address):
        match = self._match(**address)
        self.assertTrue(match, f"no rule matched {address}")
        self.assertFalse(match.conflict, f"unexpected conflict for {address}")
        return self.env["sales.territory"].browse(match.territory_id)

    def test_state(self):
        self.assertEqual(self._winner(state=self.state_north, zip="999999"), self.north)
        self.assertEqual(self._winner(state=self.state_south), self.south)

    def test_zip_range_deepest_wins(self):
        # same priority as the state rule of North, but North City is deeper
        self.assertEqual(
            self._winner(state=self.state_north, zip="150000"), self.north_city
        )
        # bounds are included
        self.assertEqual(self._winner(zip="100000"), self.north_city)
        self.assertEqual(self._winner(zip="199999"), self.north_city)
        self.assertIsNone(self._match(zip="300000"))

    def test_zip_normalisation(self):
        self.assertEqual(self._winner(zip=" 15-0000 "), self.north_city)
        # a zip of another length is not in the range, even if it sorts inside it
        self.assertEqual(
            self._winner(state=self.state_north, zip="1500000"), self.north
        )
        self.assertEqual(self._winner(state=self.state_north, zip="15000"), self.north)
        # alphanumeric ranges compare normalised strings
        alpha = self.env["sales.territory"].create(
            {"name": "Alpha", "parent_id": self.north_city.id}
        )
        self.env["sales.territory.rule"].create(
            {"territory_id": alpha.id, "zip_from": "ab-100", "zip_to": "AB 199"}
        )
        self.assertEqual(self._winner(zip="ab150"), alpha)
        self.assertEqual(self._winner(zip="AB 1-9-9"), alpha)
        self.assertIsNone(self._match(country=self.env.ref("base.fr"), zip="AB200"))

    def test_python_and_sql_normalisation_agree(self):
        samples = [" 31 0012 ", "ab-12 cd", "\t1-2-3\n", "", "Ä-b", "sw1a 1aa"]
        for sample in samples:
            self.env.cr.execute(SQL("SELECT %s", zip_norm_sql(SQL("%s", sample))))
            self.assertEqual(self.env.cr.fetchone()[0], normalize_zip(sample), sample)

    def test_zip_prefix(self):
        self.assertEqual(self._winner(state=self.state_south, zip="20555"), self.port)
        self.assertEqual(self._winner(zip="21 000"), self.port)
        self.assertEqual(self._winner(state=self.state_south, zip="22000"), self.south)

    def test_city(self):
        self.assertEqual(
            self._winner(state=self.state_south, city="  capital CITY "), self.capital
        )
        # several cities, Chinese separators
        self.rule_capital.cities = "Capital City，首都、Old Town"
        self.assertEqual(self._winner(city="首都"), self.capital)
        self.assertEqual(self._winner(city="old town"), self.capital)

    def test_tag_priority_wins_over_depth(self):
        self.assertEqual(
            self._winner(state=self.state_north, zip="150000", tags=self.tag_vip),
            self.key_accounts,
        )

    def test_industry(self):
        industry = self.env["res.partner.industry"].create({"name": "Robots"})
        robots = self.env["sales.territory"].create(
            {"name": "Robots", "parent_id": self.root.id}
        )
        self.env["sales.territory.rule"].create(
            {
                "territory_id": robots.id,
                "country_id": self.country.id,
                "industry_ids": [Command.set(industry.ids)],
            }
        )
        self.assertEqual(self._winner(industry=industry), robots)
        # another country: the country criterion of the rule fails
        self.assertIsNone(
            self._match(country=self.env.ref("base.fr"), industry=industry)
        )

    def test_every_criterion_must_match(self):
        narrow = self.env["sales.territory"].create(
            {"name": "Narrow", "parent_id": self.north_city.id}
        )
        self.env["sales.territory.rule"].create(
            {
                "territory_id": narrow.id,
                "state_ids": [Command.set(self.state_north.ids)],
                "cities": "Lakeside",
            }
        )
        self.assertEqual(self._winner(state=self.state_north, city="Lakeside"), narrow)
        # right city, wrong state
        self.assertEqual(
            self._winner(state=self.state_south, city="Lakeside"), self.south
        )

    def test_tie_is_a_conflict(self):
        twin = self.env["sales.territory"].create(
            {"name": "Twin of North", "parent_id": self.root.id}
        )
        twin_rule = self.env["sales.territory.rule"].create(
            {
                "territory_id": twin.id,
                "state_ids": [Command.set(self.state_north.ids)],
            }
        )
        match = self._match(state=self.state_north, zip="999999")
        self.assertTrue(match.conflict)
        self.assertEqual(set(match.rule_ids), {self.rule_north.id, twin_rule.id})
        # a deeper rule still wins without conflict
        self.assertEqual(
            self._winner(state=self.state_north, zip="150000"), self.north_city
        )
        # two rules of the same territory are not a conflict
        twin_rule.territory_id = self.north
        self.assertEqual(self._winner(state=self.state_north, zip="999999"), self.north)

    def test_lower_priority_number_wins(self):
        self.rule_north.sequence = 1
        self.assertEqual(self._winner(state=self.state_north, zip="150000"), self.north)

    def test_inactive_rules_and_territories_are_ignored(self):
        self.rule_north_city.active = False
        self.assertEqual(self._winner(state=self.state_north, zip="150000"), self.north)
        self.rule_north_city.active = True
        self.north_city.active = False
        self.assertEqual(self._winner(state=self.state_north, zip="150000"), self.north)

    def test_rules_of_other_companies_are_ignored(self):
        other = self.env["res.company"].create({"name": "Other Territory Co"})
        elsewhere = self.env["sales.territory"].create(
            {"name": "Elsewhere", "company_id": other.id}
        )
        self.env["sales.territory.rule"].create(
            {"territory_id": elsewhere.id, "sequence": 1, "country_id": self.country.id}
        )
        self.assertEqual(self._winner(state=self.state_north), self.north)
        match = self.env["sales.territory.rule"]._match_rows(
            [(7, self.country.id, None, None, None, None, None)], other
        )
        self.assertEqual(match[7].territory_id, elsewhere.id)

    def test_no_match(self):
        self.assertIsNone(self._match(country=self.env.ref("base.fr")))

    def test_many_rows_in_one_query(self):
        rows = [
            (i, self.country.id, self.state_north.id, f"{100000 + i}", None, None, None)
            for i in range(50)
        ]
        with self.assertQueryCount(1):
            matches = self.env["sales.territory.rule"]._match_rows(rows, self.company)
        self.assertEqual(len(matches), 50)
        self.assertEqual(
            {m.territory_id for m in matches.values()}, {self.north_city.id}
        )

    # ------------------------------------------------------------ bad rules
    def test_rule_without_criterion(self):
        with self.assertRaisesRegex(ValidationError, "has no criterion"):
            self.env["sales.territory.rule"].create({"territory_id": self.north.id})
        with self.assertRaisesRegex(ValidationError, "has no criterion"):
            self.env["sales.territory.rule"].create(
                {"territory_id": self.north.id, "zip_prefixes": " , ，"}
            )

    def test_zip_range_start_above_end(self):
        rules_before = self.env["sales.territory.rule"].search_count([])
        with self.assertRaisesRegex(ValidationError, "swap the two bounds"):
            self.env["sales.territory.rule"].create(
                {
                    "territory_id": self.north.id,
                    "zip_from": "200000",
                    "zip_to": "100000",
                }
            )
        with self.assertRaisesRegex(ValidationError, "swap the two bounds"):
            self.rule_north_city.zip_to = "099999"
        self.assertEqual(
            self.env["sales.territory.rule"].search_count([]), rules_before
        )
        self.assertEqual(self.rule_north_city.zip_to, "199999")

    def test_zip_range_bounds_of_different_lengths(self):
        with self.assertRaisesRegex(ValidationError, "different lengths"):
            self.env["sales.territory.rule"].create(
                {"territory_id": self.north.id, "zip_from": "1000", "zip_to": "19999"}
            )
        with self.assertRaisesRegex(ValidationError, "needs both a start and an end"):
            self.env["sales.territory.rule"].create(
                {"territory_id": self.north.id, "zip_from": "1000"}
            )

    def test_state_of_another_country(self):
        with self.assertRaisesRegex(ValidationError, "which are not in"):
            self.env["sales.territory.rule"].create(
                {
                    "territory_id": self.north.id,
                    "country_id": self.env.ref("base.fr").id,
                    "state_ids": [Command.set(self.state_north.ids)],
                }
            )

    def test_display_name_lists_criteria(self):
        self.assertIn("North State", self.rule_north.display_name)
        self.assertIn("100000", self.rule_north_city.display_name)
        self.assertIn(
            "Territoria / North / North City", self.rule_north_city.display_name
        )
