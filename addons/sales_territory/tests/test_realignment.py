from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.sales_territory.hooks import assign_existing_customers

from .common import TerritoryCommon


@tagged("post_install", "-at_install")
class TestRealignment(TerritoryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a = cls._customer("A north", cls.state_north, "995000")
        cls.a_contact = cls.env["res.partner"].create(
            {"name": "A contact", "parent_id": cls.a.id}
        )
        cls.b = cls._customer("B north city", cls.state_north, "150000")
        cls.c = cls._customer("C port", cls.state_south, "20500")
        cls.d = cls._customer("D south", cls.state_south, city="Capital Town")
        cls.e = cls._customer("E south", cls.state_south, "88")
        cls.m = cls._customer("M manual", cls.state_north, territory_id=cls.capital.id)
        cls.company.territory_auto_assign = False
        cls.u = cls._customer("U unassigned", cls.state_north, "999999")
        cls.company.territory_auto_assign = True
        cls.ours = cls.a | cls.b | cls.c | cls.d | cls.e | cls.m | cls.u
        assert cls.a.territory_id == cls.north and cls.d.territory_id == cls.south
        assert not cls.u.territory_id and cls.m.territory_assignment == "manual"

        # the market changes: new rules that the customers do not follow by themselves
        cls.lake = cls.env["sales.territory"].create(
            {"name": "Lake", "code": "T-NL", "parent_id": cls.north.id}
        )
        cls.rule_lake = cls.env["sales.territory.rule"].create(
            {"territory_id": cls.lake.id, "zip_from": "990000", "zip_to": "999999"}
        )
        cls.rule_capital.cities = "Capital City, Capital Town"
        cls.twin = cls.env["sales.territory"].create(
            {"name": "Twin South", "code": "T-TS", "parent_id": cls.root.id}
        )
        cls.rule_twin = cls.env["sales.territory.rule"].create(
            {
                "territory_id": cls.twin.id,
                "state_ids": [Command.set(cls.state_south.ids)],
            }
        )

    def _realignment(self, **vals):
        return self.env["sales.territory.realignment"].create(
            dict({"name": "Test realignment"}, **vals)
        )

    def _lines(self, realignment):
        return realignment.line_ids.filtered(lambda line: line.partner_id in self.ours)

    def _proposals(self, realignment):
        return {
            line.partner_id: (
                line.current_territory_id,
                line.new_territory_id,
                line.conflict,
            )
            for line in self._lines(realignment)
        }

    def test_preview(self):
        realignment = self._realignment()
        realignment.action_preview()
        self.assertEqual(realignment.state, "previewed")
        none = self.env["sales.territory"]
        self.assertEqual(
            self._proposals(realignment),
            {
                self.a: (self.north, self.lake, False),
                self.d: (self.south, self.capital, False),
                self.e: (self.south, self.south, True),
                self.u: (none, self.lake, False),
            },
        )
        line_a = self._lines(realignment).filtered(lambda l: l.partner_id == self.a)
        self.assertEqual(line_a.rule_id, self.rule_lake)
        conflict = self._lines(realignment).filtered("conflict")
        self.assertEqual(conflict.conflict_rule_ids, self.rule_south | self.rule_twin)
        self.assertGreaterEqual(realignment.conflict_count, 1)
        # a preview changes nobody
        self.assertEqual(self.a.territory_id, self.north)
        self.assertFalse(
            self.env["sales.territory.move"].search(
                [("realignment_id", "=", realignment.id)]
            )
        )
        # previewing again replaces the proposals
        self.rule_lake.active = False
        realignment.action_preview()
        self.assertNotIn(self.a, self._proposals(realignment))
        self.assertEqual(
            self._proposals(realignment)[self.u], (none, self.north, False)
        )

    def test_scopes(self):
        unassigned = self._realignment(scope="unassigned")
        unassigned.action_preview()
        self.assertEqual(set(self._proposals(unassigned)), {self.u})

        north = self._realignment(scope="territories", territory_ids=self.north.ids)
        north.action_preview()
        self.assertEqual(set(self._proposals(north)), {self.a, self.u})

        with self.assertRaisesRegex(UserError, "Choose the territories"):
            self._realignment(scope="territories").action_preview()

    def test_unassign_unmatched(self):
        g = self._customer("G port by prefix", zip_code="21000")
        self.assertEqual(g.territory_id, self.port)
        self.rule_port.zip_prefixes = "20"
        self.ours |= g
        keep = self._realignment()
        keep.action_preview()
        self.assertNotIn(g, self._proposals(keep))
        drop = self._realignment(unassign_unmatched=True)
        drop.action_preview()
        self.assertEqual(
            self._proposals(drop)[g], (self.port, self.env["sales.territory"], False)
        )
        drop.action_apply()
        self.assertFalse(g.territory_id)

    def test_apply(self):
        quotation = self._order(self.a, partner_shipping_id=self.a.id)
        confirmed = self._order(self.a, partner_shipping_id=self.a.id)
        confirmed.action_confirm()
        contact_quote = self._order(self.a_contact, partner_shipping_id=self.a.id)
        other_territory_quote = self._order(self.a, territory_id=self.port.id)
        lead = self.env["crm.lead"].create({"name": "Open", "partner_id": self.a.id})
        won = self.env["crm.lead"].create({"name": "Won", "partner_id": self.a.id})
        won.action_set_won()
        self.assertEqual(quotation.territory_id, self.north)

        realignment = self._realignment()
        realignment.action_apply()  # previews first
        self.assertEqual(realignment.state, "done")
        self.assertEqual(self.a.territory_id, self.lake)
        self.assertEqual(self.a_contact.territory_id, self.lake)
        self.assertEqual(self.d.territory_id, self.capital)
        self.assertEqual(self.u.territory_id, self.lake)
        self.assertEqual(self.e.territory_id, self.south)  # conflict: not moved
        self.assertEqual(self.m.territory_id, self.capital)  # manual: never moved
        self.assertEqual(self.b.territory_id, self.north_city)

        moves = self.env["sales.territory.move"].search(
            [
                ("realignment_id", "=", realignment.id),
                ("partner_id", "in", self.ours.ids),
            ]
        )
        self.assertEqual(moves.partner_id, self.a | self.d | self.u)
        move_a = moves.filtered(lambda mv: mv.partner_id == self.a)
        self.assertEqual(
            (move_a.from_territory_id, move_a.to_territory_id, move_a.rule_id),
            (self.north, self.lake, self.rule_lake),
        )
        self.assertEqual(move_a.origin, "realignment")
        self.assertEqual(move_a.user_id, self.env.user)

        # open documents in the old territory follow; the others stay
        self.assertEqual(quotation.territory_id, self.lake)
        self.assertEqual(contact_quote.territory_id, self.lake)
        self.assertEqual(confirmed.territory_id, self.north)
        self.assertEqual(other_territory_quote.territory_id, self.port)
        self.assertEqual(lead.territory_id, self.lake)
        self.assertEqual(won.territory_id, self.north)

    def test_apply_without_carrying_documents(self):
        quotation = self._order(self.a, partner_shipping_id=self.a.id)
        self._realignment(carry_open_documents=False).action_apply()
        self.assertEqual(self.a.territory_id, self.lake)
        self.assertEqual(quotation.territory_id, self.north)

    def test_apply_twice(self):
        realignment = self._realignment()
        realignment.action_apply()
        moves = self.env["sales.territory.move"].search_count([])
        with self.assertRaisesRegex(UserError, "already applied"):
            realignment.action_apply()
        self.assertEqual(self.env["sales.territory.move"].search_count([]), moves)
        # the same realignment again: nothing left to move (the conflict remains)
        again = self._realignment()
        again.action_apply()
        self.assertEqual(
            {p: v for p, v in self._proposals(again).items() if not v[2]}, {}
        )
        self.assertEqual(self.env["sales.territory.move"].search_count([]), moves)

    def test_customer_changed_after_preview_is_skipped(self):
        realignment = self._realignment()
        realignment.action_preview()
        self.d.territory_id = self.port  # by hand, after the preview
        realignment.action_apply()
        self.assertEqual(self.d.territory_id, self.port)
        line_d = self._lines(realignment).filtered(lambda l: l.partner_id == self.d)
        self.assertEqual(line_d.state, "skipped")
        self.assertEqual(self.a.territory_id, self.lake)

    def test_batches(self):
        realignment = self._realignment()
        realignment.action_preview()
        calls = []
        original = type(realignment)._apply_batch

        def counting(record, batch_size, after_id=0):
            calls.append(batch_size)
            return original(record, batch_size, after_id)

        type(realignment)._apply_batch = counting
        try:
            realignment._apply_lines(batch_size=1)
        finally:
            type(realignment)._apply_batch = original
        todo = realignment.line_ids.filtered(lambda line: not line.conflict)
        self.assertEqual(len(calls), len(todo) + 1)  # one per line, one empty
        self.assertEqual(set(todo.mapped("state")), {"done"})
        self.assertEqual(self.u.territory_id, self.lake)

    def test_scheduled_plan(self):
        with freeze_time("2030-03-20 12:00:00"):
            plan = self._realignment(effective_date="2030-04-01")
            with self.assertRaisesRegex(UserError, "effective date"):
                self._realignment().action_schedule()
            past = self._realignment(effective_date="2030-03-19")
            with self.assertRaisesRegex(UserError, "is in the past"):
                past.action_schedule()
            self.assertEqual(past.state, "draft")
            plan.action_schedule()
            self.assertEqual(plan.state, "scheduled")
            self.env["sales.territory.realignment"]._cron_apply_scheduled()
            self.assertEqual(plan.state, "scheduled")
            self.assertEqual(self.a.territory_id, self.north)
        with freeze_time("2030-04-01 12:00:00"):
            self.env["sales.territory.realignment"]._cron_apply_scheduled()
        self.assertEqual(plan.state, "done")
        self.assertEqual(self.a.territory_id, self.lake)
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            plan.action_cancel()

    def test_assignment_at_installation(self):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET territory_id = NULL WHERE id IN %s",
                (self.b.id, self.c.id),
            )
        )
        order = self._order(self.b, partner_shipping_id=self.b.id)
        self.env.cr.execute(
            SQL("UPDATE sale_order SET territory_id = NULL WHERE id = %s", order.id)
        )
        self.env.invalidate_all()
        assign_existing_customers(self.env)
        self.assertEqual(self.b.territory_id, self.north_city)
        self.assertEqual(self.c.territory_id, self.port)
        self.assertEqual(order.territory_id, self.north_city)
        done = self.env["sales.territory.realignment"].search(
            [("scope", "=", "unassigned"), ("state", "=", "done")]
        )
        self.assertTrue(done)
