from contextlib import contextmanager

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT


class TerritoryCommon(TransactionCase):
    """A small territory tree in a country of its own (Territoria, code QZ), so
    that the demo data of the database (China) never matches the test data.

    Territoria (T)
    ├── North (T-N, region)       rule: state North
    │   └── North City (T-NC)     rule: zip 100000-199999
    ├── South (T-S, region)       rule: state South
    │   ├── Port (T-SP)           rule: zip prefix 20
    │   └── Capital (T-SC)        rule: city "Capital City"
    └── Key Accounts (T-K)        rule: tag VIP, priority 5 (wins over the others)
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.company = cls.env.company
        cls.company.write(
            {
                "territory_auto_assign": True,
                "territory_order_source": "delivery",
                "territory_lead_routing": True,
                "territory_required_to_confirm": False,
            }
        )
        cls.country = cls.env["res.country"].create(
            {"name": "Territoria", "code": "QZ", "phone_code": 999}
        )
        State = cls.env["res.country.state"]
        cls.state_north = State.create(
            {"name": "North State", "code": "QZN", "country_id": cls.country.id}
        )
        cls.state_south = State.create(
            {"name": "South State", "code": "QZS", "country_id": cls.country.id}
        )
        cls.tag_vip = cls.env["res.partner.category"].create({"name": "VIP"})

        cls.team_north = cls.env["crm.team"].create({"name": "North Team"})
        cls.team_south = cls.env["crm.team"].create({"name": "South Team"})

        # people
        cls.user_admin = new_test_user(
            cls.env,
            login="terr_admin",
            groups="sales_team.group_sale_manager",
            name="Territory Admin",
        )
        cls.user_north_manager = new_test_user(
            cls.env,
            login="terr_north_manager",
            groups="sales_territory.group_territory_manager",
            name="North Manager",
        )
        cls.user_north_rep = new_test_user(
            cls.env,
            login="terr_north_rep",
            groups="sales_territory.group_territory_user",
            name="North Rep",
        )
        cls.user_south_rep = new_test_user(
            cls.env,
            login="terr_south_rep",
            groups="sales_territory.group_territory_user",
            name="South Rep",
        )
        cls.user_salesman = new_test_user(
            cls.env,
            login="terr_salesman",
            groups="sales_team.group_sale_salesman",
            name="Plain Salesman",
        )

        Territory = cls.env["sales.territory"]
        cls.root = Territory.create({"name": "Territoria", "code": "T"})
        cls.north = Territory.create(
            {
                "name": "North",
                "code": "T-N",
                "level": "region",
                "parent_id": cls.root.id,
                "manager_id": cls.user_north_manager.id,
                "team_id": cls.team_north.id,
            }
        )
        cls.north_city = Territory.create(
            {
                "name": "North City",
                "code": "T-NC",
                "level": "city",
                "parent_id": cls.north.id,
                "member_ids": [Command.link(cls.user_north_rep.id)],
            }
        )
        cls.south = Territory.create(
            {
                "name": "South",
                "code": "T-S",
                "level": "region",
                "parent_id": cls.root.id,
                "team_id": cls.team_south.id,
                "member_ids": [Command.link(cls.user_south_rep.id)],
            }
        )
        cls.port = Territory.create(
            {"name": "Port", "code": "T-SP", "level": "city", "parent_id": cls.south.id}
        )
        cls.capital = Territory.create(
            {
                "name": "Capital",
                "code": "T-SC",
                "level": "city",
                "parent_id": cls.south.id,
            }
        )
        cls.key_accounts = Territory.create(
            {"name": "Key Accounts", "code": "T-K", "parent_id": cls.root.id}
        )

        Rule = cls.env["sales.territory.rule"]
        cls.rule_north = Rule.create(
            {
                "territory_id": cls.north.id,
                "country_id": cls.country.id,
                "state_ids": [Command.set(cls.state_north.ids)],
            }
        )
        cls.rule_north_city = Rule.create(
            {
                "territory_id": cls.north_city.id,
                "country_id": cls.country.id,
                "zip_from": "100000",
                "zip_to": "199999",
            }
        )
        cls.rule_south = Rule.create(
            {
                "territory_id": cls.south.id,
                "country_id": cls.country.id,
                "state_ids": [Command.set(cls.state_south.ids)],
            }
        )
        cls.rule_port = Rule.create(
            {
                "territory_id": cls.port.id,
                "country_id": cls.country.id,
                "zip_prefixes": "20, 21",
            }
        )
        cls.rule_capital = Rule.create(
            {
                "territory_id": cls.capital.id,
                "country_id": cls.country.id,
                "cities": "Capital City",
            }
        )
        cls.rule_vip = Rule.create(
            {
                "territory_id": cls.key_accounts.id,
                "sequence": 5,
                "category_ids": [Command.set(cls.tag_vip.ids)],
            }
        )

        cls.product = cls.env["product.product"].create(
            {
                "name": "Territory Widget",
                "type": "consu",
                "list_price": 100.0,
                "standard_price": 60.0,
                "invoice_policy": "order",
            }
        )

    @classmethod
    def _customer(cls, name="Customer", state=None, zip_code=False, **vals):
        values = {
            "name": name,
            "is_company": True,
            "country_id": cls.country.id,
            "state_id": state.id if state else False,
            "zip": zip_code,
            "company_id": cls.company.id,
        }
        values.update(vals)
        return cls.env["res.partner"].create(values)

    @classmethod
    def _order(cls, partner, **vals):
        values = {
            "partner_id": partner.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": cls.product.id,
                        "product_uom_qty": 1,
                        "price_unit": 100,
                    }
                )
            ],
        }
        values.update(vals)
        return cls.env["sale.order"].create(values)

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex):
        """Odoo's assertRaises (in a savepoint: a refused change leaves nothing
        behind, not even in the cache) with a check of the message."""
        with self.assertRaises(expected_exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), expected_regex)
