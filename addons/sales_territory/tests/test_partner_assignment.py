from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import TerritoryCommon


@tagged("post_install", "-at_install")
class TestPartnerAssignment(TerritoryCommon):
    def _moves(self, partner):
        return self.env["sales.territory.move"].search(
            [("partner_id", "=", partner.id)], order="id"
        )

    def test_new_customer_is_assigned(self):
        customer = self._customer("Newcomer", self.state_north, "150000")
        self.assertEqual(customer.territory_id, self.north_city)
        self.assertEqual(customer.territory_assignment, "auto")
        move = self._moves(customer)
        self.assertEqual(len(move), 1)
        self.assertEqual(
            (move.from_territory_id, move.to_territory_id, move.rule_id, move.origin),
            (
                self.env["sales.territory"],
                self.north_city,
                self.rule_north_city,
                "auto",
            ),
        )

    def test_readdressed_customer_moves(self):
        customer = self._customer("Mover", self.state_north, "999999")
        self.assertEqual(customer.territory_id, self.north)
        customer.write({"state_id": self.state_south.id, "zip": "20100"})
        self.assertEqual(customer.territory_id, self.port)
        customer.category_id = [Command.link(self.tag_vip.id)]
        self.assertEqual(customer.territory_id, self.key_accounts)
        self.assertEqual(
            self._moves(customer).mapped("to_territory_id"),
            self.north | self.port | self.key_accounts,
        )
        # an unrelated change moves nothing
        customer.phone = "+999 123"
        self.assertEqual(len(self._moves(customer)), 3)

    def test_unmatched_customer_keeps_territory(self):
        customer = self._customer("Stayer", self.state_north, "999999")
        customer.write({"country_id": self.env.ref("base.fr").id, "state_id": False})
        self.assertEqual(customer.territory_id, self.north)

    def test_manual_territory_is_kept(self):
        customer = self._customer("Handpicked", self.state_north, "999999")
        customer.territory_id = self.capital
        self.assertEqual(customer.territory_assignment, "manual")
        self.assertEqual(self._moves(customer)[-1].origin, "manual")
        customer.zip = "150000"
        self.assertEqual(customer.territory_id, self.capital)
        # back to the rules: assigned again at once
        customer.territory_assignment = "auto"
        self.assertEqual(customer.territory_id, self.north_city)

    def test_created_with_a_territory_is_manual(self):
        customer = self._customer(
            "Given", self.state_north, "150000", territory_id=self.south.id
        )
        self.assertEqual(customer.territory_id, self.south)
        self.assertEqual(customer.territory_assignment, "manual")
        from_smart_button = (
            self.env["res.partner"]
            .with_context(default_territory_id=self.capital.id)
            .create({"name": "From button", "country_id": self.country.id})
        )
        self.assertEqual(from_smart_button.territory_id, self.capital)
        self.assertEqual(from_smart_button.territory_assignment, "manual")

    def test_contacts_follow_their_company(self):
        company = self._customer("Parent Co", self.state_north, "150000")
        contact = self.env["res.partner"].create(
            {"name": "Employee", "parent_id": company.id, "type": "contact"}
        )
        delivery = self.env["res.partner"].create(
            {
                "name": "Warehouse",
                "parent_id": company.id,
                "type": "delivery",
                "country_id": self.country.id,
                "state_id": self.state_south.id,
            }
        )
        self.assertEqual(contact.territory_id, self.north_city)
        self.assertEqual(delivery.territory_id, self.north_city)
        company.write({"state_id": self.state_south.id, "zip": "99"})
        self.assertEqual(company.territory_id, self.south)
        self.assertEqual(contact.territory_id, self.south)
        self.assertEqual(delivery.territory_id, self.south)
        # contacts are not customers of their own: no move logged for them
        self.assertFalse(self._moves(contact))
        company.territory_id = self.capital
        self.assertEqual(contact.territory_id, self.capital)
        self.assertEqual(contact.territory_assignment, "manual")

    def test_auto_assignment_off(self):
        self.company.territory_auto_assign = False
        customer = self._customer("Unassigned", self.state_north, "150000")
        self.assertFalse(customer.territory_id)
        self.assertFalse(self._moves(customer))

    def test_internal_users_are_not_customers(self):
        user = self.env["res.users"].create(
            {
                "name": "Employee North",
                "login": "terr_employee",
                "country_id": self.country.id,
                "state_id": self.state_north.id,
            }
        )
        self.assertFalse(user.partner_id.territory_id)
        user.partner_id.zip = "150000"
        self.assertFalse(user.partner_id.territory_id)

    def test_territory_of_another_company(self):
        other = self.env["res.company"].create({"name": "Other Territory Co"})
        foreign = self.env["sales.territory"].create(
            {"name": "Foreign", "company_id": other.id}
        )
        customer = self._customer("Local", self.state_north, "999999")
        with self.assertRaisesRegex(ValidationError, "choose a territory of"):
            customer.territory_id = foreign
        self.assertEqual(customer.territory_id, self.north)
        self.assertEqual(customer.territory_assignment, "auto")
        # a shared customer (no company) may belong to any company's territory
        shared = self.env["res.partner"].create({"name": "Shared", "company_id": False})
        shared.territory_id = foreign
        self.assertEqual(shared.territory_id, foreign)

    def test_bulk_create_is_set_based(self):
        Partner = self.env["res.partner"]
        vals = [
            {
                "name": f"Bulk {i}",
                "is_company": True,
                "country_id": self.country.id,
                "state_id": self.state_north.id,
                "zip": f"{100000 + i}",
                "company_id": self.company.id,
            }
            for i in range(40)
        ]
        partners = Partner.create(vals)
        self.assertEqual(set(partners.mapped("territory_id")), {self.north_city})
        self.assertEqual(
            self.env["sales.territory.move"].search_count(
                [("partner_id", "in", partners.ids)]
            ),
            40,
        )

    def test_cron_assigns_changed_customers(self):
        customer = self._customer("Imported", self.state_north, "150000")
        # an import by SQL: address changed, territory not recomputed
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET zip = '20500', state_id = %s, "
                "write_date = now() AT TIME ZONE 'UTC' - interval '1 second' "
                "WHERE id = %s",
                self.state_south.id,
                customer.id,
            )
        )
        self.env["res.partner"].invalidate_model()
        self.env["ir.config_parameter"].set_param(
            "sales_territory.assignment_since", "2000-01-01"
        )
        count = self.env["res.partner"]._cron_assign_territories(batch_size=2)
        self.assertGreaterEqual(count, 1)
        self.assertEqual(customer.territory_id, self.port)
        self.assertEqual(self._moves(customer)[-1].origin, "cron")
        ICP = self.env["ir.config_parameter"]
        self.assertFalse(ICP.get_param("sales_territory.assignment_resume"))
        since = ICP.get_param("sales_territory.assignment_since")
        self.assertGreater(since, "2000-01-01")
        # second run: nothing changed since, nothing moves
        moves = self.env["sales.territory.move"].search_count([])
        self.env["res.partner"]._cron_assign_territories()
        self.assertEqual(self.env["sales.territory.move"].search_count([]), moves)

    def test_cron_resumes_after_interruption(self):
        a = self._customer("A", self.state_north, "150000")
        b = self._customer("B", self.state_north, "150000")
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET territory_id = NULL, "
                "write_date = now() AT TIME ZONE 'UTC' - interval '1 second' "
                "WHERE id IN %s",
                (a.id, b.id),
            )
        )
        self.env["res.partner"].invalidate_model()
        ICP = self.env["ir.config_parameter"]
        ICP.set_param("sales_territory.assignment_since", "2000-01-01")
        # a run that stopped after the batch ending at a: resumes after it
        self.env.cr.execute(SQL("SELECT (now() AT TIME ZONE 'UTC')::text"))
        started = self.env.cr.fetchone()[0]
        ICP.set_param("sales_territory.assignment_resume", f"{started}|{a.id}")
        self.env["res.partner"]._cron_assign_territories()
        self.assertFalse(a.territory_id)
        self.assertEqual(b.territory_id, self.north_city)
        self.assertFalse(ICP.get_param("sales_territory.assignment_resume"))
