import base64
import csv
import io
from datetime import date, datetime
from unittest.mock import patch

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .test_targets import TargetCommon

# The curve of the tests (as the demo's): nothing below 50 % achievement, 25 %
# at 50 % rising linearly to 100 % at 100 %, then twice as fast (300 % at
# 200 %), capped at 200 % of the base amount.
LEVELS = (
    (50.0, 25.0, "linear"),
    (100.0, 100.0, "linear"),
    (200.0, 300.0, "step"),
)


class IncentiveCommon(TargetCommon):
    """January and February 2025, figures by hand:

    ============  ======  ========  ======  ===========  ==========  ======
    who           month   target    actual  achievement  payout (%)  payout
    ============  ======  ========  ======  ===========  ==========  ======
    North Rep     Jan     1000      800     80 %         70          700
    North Rep     Feb     1000      700     70 %         55          550
    South Rep     Jan     500       600     120 %        140         1400
    South Rep     Feb     1000      300     30 %         0           0
    North (terr.) Jan     1000      1800    180 %        260 -> 200  2000
    ============  ======  ========  ======  ===========  ==========  ======

    (linear part: 25 + 75 x (achievement - 50) / 50; accelerator: 100 + 200 x
    (achievement - 100) / 100; cap 200; base amount 1000)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rep_n, rep_s = cls.user_north_rep, cls.user_south_rep
        cls._sale(cls.cust_city, datetime(2025, 1, 10, 10), qty=8, user_id=rep_n.id)
        cls._sale(cls.cust_south, datetime(2025, 1, 12, 10), qty=6, user_id=rep_s.id)
        cls._sale(cls.cust_north, datetime(2025, 1, 15, 10), qty=10)
        cls._sale(cls.cust_south, datetime(2025, 2, 10, 10), qty=3, user_id=rep_s.id)
        cls._sale(cls.cust_city, datetime(2025, 2, 11, 10), qty=7, user_id=rep_n.id)

        def user_target(user, value, month):
            return cls._target(
                value,
                date_from=f"2025-{month:02d}-01",
                dimension="user",
                user_id=user.id,
                territory_id=False,
            )

        cls.t_rep_n_jan = user_target(rep_n, 1000, 1)
        cls.t_rep_n_feb = user_target(rep_n, 1000, 2)
        cls.t_rep_s_jan = user_target(rep_s, 500, 1)
        cls.t_rep_s_feb = user_target(rep_s, 1000, 2)
        cls.t_north_jan = cls._target(1000)
        (
            cls.t_rep_n_jan
            | cls.t_rep_n_feb
            | cls.t_rep_s_jan
            | cls.t_rep_s_feb
            | cls.t_north_jan
        ).action_confirm()

        cls.plan = cls._plan(
            "Reps",
            user_ids=[Command.set((rep_n | rep_s | cls.user_salesman).ids)],
        )
        cls.manager_plan = cls._plan(
            "Managers",
            role="territory_manager",
            user_ids=[Command.set(cls.user_north_manager.ids)],
        )

    @classmethod
    def _plan(cls, name, levels=LEVELS, **vals):
        values = {
            "name": name,
            "participant_rule": "users",
            "measure": "ordered",
            "period_type": "month",
            "date_from": "2025-01-01",
            "date_to": "2025-12-31",
            "base_amount": 1000.0,
            "cap_payout": 200.0,
            "level_ids": [
                Command.create(
                    {"achievement_from": start, "payout": payout, "mode": mode}
                )
                for start, payout, mode in levels
            ],
        }
        values.update(vals)
        plan = cls.env["sales.incentive.plan"].create(values)
        plan.action_activate()
        return plan

    def _statement(self, plan, user, month):
        return self.env["sales.incentive.statement"].search(
            [
                ("plan_id", "=", plan.id),
                ("user_id", "=", user.id),
                ("date_from", "=", date(2025, month, 1)),
            ]
        )

    def _figures(self, statement):
        return (
            statement.target_value,
            statement.actual_value,
            round(statement.achievement, 4),
            round(statement.payout_percent, 4),
            statement.payout_amount,
        )


@tagged("post_install", "-at_install")
class TestIncentiveCurve(IncentiveCommon):
    def test_each_segment_of_the_curve(self):
        expected = {
            0: 0.0,  # below the threshold
            30: 0.0,
            49.99: 0.0,
            50: 25.0,  # the threshold
            80: 70.0,  # linear: 25 + 75 x 30 / 50
            100: 100.0,
            120: 140.0,  # accelerator: 100 + 200 x 20 / 100
            150: 200.0,  # reaches the cap
            170: 200.0,  # capped (240 without the cap)
            250: 200.0,  # above the last level (300), capped
        }
        for achievement, payout in expected.items():
            with self.subTest(achievement=achievement):
                self.assertAlmostEqual(
                    self.plan._payout_percent(achievement), payout, places=6
                )
        self.plan.action_draft()
        self.plan.cap_payout = 0.0
        self.assertAlmostEqual(self.plan._payout_percent(170), 240.0)
        self.assertAlmostEqual(self.plan._payout_percent(200), 300.0)
        self.assertAlmostEqual(self.plan._payout_percent(250), 300.0)

    def test_steps(self):
        plan = self._plan(
            "Steps",
            levels=[(80.0, 50.0, "step"), (100.0, 100.0, "step")],
            cap_payout=0.0,
            user_ids=[Command.set(self.user_north_rep.ids)],
        )
        for achievement, payout in (
            (79.9, 0.0),
            (80, 50.0),
            (99.99, 50.0),
            (100, 100.0),
            (300, 100.0),
        ):
            with self.subTest(achievement=achievement):
                self.assertEqual(plan._payout_percent(achievement), payout)

    def test_preview_of_the_curve(self):
        preview = str(self.plan.curve_preview)

        def row(achievement, payout):
            return (
                f"<td class='text-end'>{achievement} %</td>"
                f"<td class='text-end'>{payout} %</td>"
            )

        # fixed points: 0, 25, 50, ... 200 % achievement, and the levels
        self.assertEqual(preview.count("<tr>"), 9)  # a header and 8 points
        self.assertIn(row(25, 0), preview)
        self.assertIn(row(75, "62.5"), preview)  # 25 + 75 x 25 / 50
        self.assertIn(row(125, 150), preview)  # 100 + 200 x 25 / 100
        self.assertIn(row(200, 200), preview)  # capped
        self.plan.action_draft()
        self.plan.write(
            {"level_ids": [Command.create({"achievement_from": 90, "payout": 65})]}
        )
        preview = str(self.plan.curve_preview)
        self.assertEqual(preview.count("<tr>"), 10)
        self.assertIn(row(90, 65), preview)
        self.assertIn(row(75, 50), preview)  # 25 + 40 x 25 / 40

    def test_plan_form(self):
        with Form(self.env["sales.incentive.plan"]) as form:
            form.name = "Form Plan"
            form.participant_rule = "territory_managers"
            self.assertEqual(form.role, "territory_manager")
            form.participant_rule = "teams"
            self.assertEqual(form.role, "salesperson")
            form.team_ids.add(self.team_north)
            form.base_amount = 500
            for start, payout, mode in LEVELS:
                with form.level_ids.new() as level:
                    level.achievement_from = start
                    level.payout = payout
                    level.mode = mode
            self.assertIn("62.5 %", form.curve_preview)
        plan = form.record
        self.assertEqual(plan._curve_points(), list(LEVELS))
        self.assertEqual(plan.state, "draft")
        with self.assertRaisesRegex(UserError, "no participant"):
            plan.action_activate()  # the North team has no members
        self.team_north.member_ids = self.user_north_rep
        plan.action_activate()
        self.assertEqual(plan._participants(), self.user_north_rep)

    def test_levels_that_overlap_or_go_backwards(self):
        plan = self.plan
        plan.action_draft()
        level_100 = plan.level_ids.filtered(lambda lv: lv.achievement_from == 100)
        with self.assertRaisesRegex(
            ValidationError, r"Levels 50 % → 25 % \(.*\) and 50 % → 60 % .* overlap"
        ):
            plan.write(
                {"level_ids": [Command.create({"achievement_from": 50, "payout": 60})]}
            )
        with self.assertRaisesRegex(
            ValidationError,
            r"go backwards: level 100 % → 20 % .* pays less than level 50 % → 25 %",
        ):
            level_100.payout = 20
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            plan.write({"level_ids": [Command.update(level_100.id, {"payout": -5})]})
        with self.assertRaisesRegex(ValidationError, "go backwards"):
            self._plan(
                "Backwards",
                levels=[(50.0, 80.0, "linear"), (100.0, 50.0, "linear")],
            )
        # nothing half-written
        self.assertEqual(len(plan.level_ids), 3)
        self.assertEqual(level_100.payout, 100.0)
        self.assertFalse(
            self.env["sales.incentive.plan"].search([("name", "=", "Backwards")])
        )
        # several levels changed at once are checked together, not one by one
        # (here 100 % moves to 50 % before 50 % moves to 40 %)
        level_50 = plan.level_ids.filtered(lambda lv: lv.achievement_from == 50)
        plan.write(
            {
                "level_ids": [
                    Command.update(
                        level_100.id, {"achievement_from": 50, "payout": 30}
                    ),
                    Command.update(level_50.id, {"achievement_from": 40}),
                ]
            }
        )
        self.assertEqual(
            plan._curve_points(),
            [(40.0, 25.0, "linear"), (50.0, 30.0, "linear"), (200.0, 300.0, "step")],
        )


@tagged("post_install", "-at_install")
class TestIncentiveStatements(IncentiveCommon):
    def test_salespeople_statements_against_hand_computations(self):
        statements, missing = self.plan._compute_statements()
        self.assertEqual(len(statements), 4)
        self.assertEqual(missing, self.user_salesman)
        rep_n, rep_s = self.user_north_rep, self.user_south_rep
        # linear part
        self.assertEqual(
            self._figures(self._statement(self.plan, rep_n, 1)),
            (1000.0, 800.0, 80.0, 70.0, 700.0),
        )
        self.assertEqual(
            self._figures(self._statement(self.plan, rep_n, 2)),
            (1000.0, 700.0, 70.0, 55.0, 550.0),
        )
        # accelerator
        self.assertEqual(
            self._figures(self._statement(self.plan, rep_s, 1)),
            (500.0, 600.0, 120.0, 140.0, 1400.0),
        )
        # below the threshold
        self.assertEqual(
            self._figures(self._statement(self.plan, rep_s, 2)),
            (1000.0, 300.0, 30.0, 0.0, 0.0),
        )
        jan = self._statement(self.plan, rep_n, 1)
        self.assertEqual(jan.target_ids, self.t_rep_n_jan)
        self.assertEqual(jan.date_to, date(2025, 1, 31))
        self.assertEqual(jan.period, "2025-01")
        self.assertEqual(jan.territory_ids, self.north_city)
        self.assertEqual(jan.state, "draft")

    def test_territory_manager_capped(self):
        # North City (managed by the same person) counts through North, once
        self.north_city.manager_id = self.user_north_manager
        city_target = self._target(500, territory_id=self.north_city.id)
        city_target.action_confirm()
        statements, _missing = self.manager_plan._compute_statements()
        self.assertEqual(len(statements), 1)
        # 1800 / 1000 = 180 %: 100 + 200 x 80 / 100 = 260 %, capped at 200 %
        self.assertEqual(
            self._figures(statements), (1000.0, 1800.0, 180.0, 200.0, 2000.0)
        )
        self.assertEqual(statements.territory_ids, self.north)
        self.assertEqual(statements.target_ids, self.t_north_jan)
        # without the cap
        self.manager_plan.cap_payout = 0
        self.manager_plan._compute_statements()
        self.assertEqual(statements.payout_amount, 2600.0)

    def test_quarter_sums_months_or_takes_the_quarter_target(self):
        plan = self._plan(
            "Quarterly",
            period_type="quarter",
            user_ids=[Command.set(self.user_north_rep.ids)],
        )
        statement = plan._compute_statements()[0]
        # (800 + 700) / (1000 + 1000) = 75 %: 25 + 75 x 25 / 50 = 62.5 %
        self.assertEqual(self._figures(statement), (2000.0, 1500.0, 75.0, 62.5, 625.0))
        self.assertEqual(statement.period, "2025 Q1")
        quarter = self._target(
            2500,
            date_from="2025-01-01",
            period_type="quarter",
            dimension="user",
            user_id=self.user_north_rep.id,
            territory_id=False,
        )
        quarter.action_confirm()
        plan._compute_statements()
        # the quarter's own target wins: 1500 / 2500 = 60 %: 25 + 75 x 10 / 50
        self.assertEqual(self._figures(statement), (2500.0, 1500.0, 60.0, 40.0, 400.0))
        self.assertEqual(statement.target_ids, quarter)

    def test_recompute_keeps_approved_statements(self):
        self.plan._compute_statements()
        rep_n = self.user_north_rep
        jan, feb = (
            self._statement(self.plan, rep_n, 1),
            self._statement(self.plan, rep_n, 2),
        )
        jan.action_approve()
        # nothing changed: nothing written
        Statement = type(self.env["sales.incentive.statement"])
        with patch.object(
            Statement, "write", autospec=True, side_effect=Statement.write
        ) as write:
            self.plan._compute_statements()
        write.assert_not_called()
        self._sale(self.cust_city, datetime(2025, 1, 20, 10), qty=2, user_id=rep_n.id)
        self._sale(self.cust_city, datetime(2025, 2, 20, 10), qty=3, user_id=rep_n.id)
        with patch.object(
            Statement, "write", autospec=True, side_effect=Statement.write
        ) as write:
            self.plan._compute_statements()
        self.assertEqual(write.call_count, 1)  # February's
        self.assertEqual(jan.actual_value, 800.0)
        self.assertEqual(jan.payout_amount, 700.0)
        # 1000 / 1000 = 100 %
        self.assertEqual(self._figures(feb), (1000.0, 1000.0, 100.0, 100.0, 1000.0))
        # a draft whose target is gone is removed
        self.t_rep_n_feb.action_draft()
        feb.action_recompute()
        self.assertFalse(feb.exists())
        self.assertTrue(jan.exists())

    def test_approve_twice_pay_and_reset(self):
        self.plan._compute_statements()
        jan = self._statement(self.plan, self.user_north_rep, 1)
        feb = self._statement(self.plan, self.user_north_rep, 2)
        with self.assertRaisesRegex(UserError, "only approved statements"):
            jan.action_pay()
        jan.action_approve()
        self.assertEqual(jan.state, "approved")
        self.assertEqual(jan.approved_uid, self.env.user)
        with self.assertRaisesRegex(
            UserError, r"already Approved .* approved only once"
        ):
            jan.action_approve()
        # all or nothing: the draft of the same selection stays a draft
        with self.assertRaisesRegex(UserError, "already Approved"):
            (feb | jan).action_approve()
        self.assertEqual(feb.state, "draft")
        with self.assertRaisesRegex(UserError, "can no longer change"):
            jan.actual_value = 5000
        jan.action_pay()
        self.assertEqual(jan.state, "paid")
        with self.assertRaisesRegex(UserError, "already Paid"):
            jan.action_approve()
        with self.assertRaisesRegex(UserError, "cannot go back to draft"):
            jan.action_draft()
        with self.assertRaisesRegex(UserError, "only draft statements"):
            jan.unlink()
        with self.assertRaisesRegex(UserError, "approved or paid statements"):
            self.plan.unlink()

    def test_compute_button_reports_people_without_target(self):
        self.plan.action_compute_statements()
        self.assertIn("No target for: Plain Salesman", self.plan.message_ids[0].body)
        self.assertEqual(self.plan.statement_count, 4)
        self.plan.action_close()
        with self.assertRaisesRegex(UserError, "is not active"):
            self.plan.action_compute_statements()


@tagged("post_install", "-at_install")
class TestIncentiveExport(IncentiveCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan._compute_statements()
        cls.statements = cls.plan.statement_ids
        cls.statements.action_approve()
        cls.env["sales.incentive.statement"].search(
            [
                ("plan_id", "=", cls.plan.id),
                ("user_id", "=", cls.user_south_rep.id),
                ("date_from", "=", "2025-01-01"),
            ]
        ).action_pay()

    def _export(self, file_format, statements=None):
        wizard = (
            self.env["sales.incentive.export"]
            .with_context(
                active_model="sales.incentive.statement",
                active_ids=(statements or self.statements).ids,
            )
            .create({"file_format": file_format})
        )
        action = wizard.action_export()
        self.assertEqual(
            action["url"], f"/web/content/{wizard.attachment_id.id}?download=true"
        )
        return base64.b64decode(wizard.attachment_id.datas)

    def _expected_rows(self, currency):
        """Login, person, plan, period, target, actual, achievement, payout (%),
        base amount, payout, currency, status."""
        table = """
            terr_north_rep | North Rep | 2025-01 | 1000 | 800 |  80 |  70 | 700  | Approved
            terr_south_rep | South Rep | 2025-01 |  500 | 600 | 120 | 140 | 1400 | Paid
            terr_north_rep | North Rep | 2025-02 | 1000 | 700 |  70 |  55 | 550  | Approved
            terr_south_rep | South Rep | 2025-02 | 1000 | 300 |  30 |   0 | 0    | Approved
        """  # noqa: E501
        rows = []
        for line in table.strip().splitlines():
            login, name, period, *figures, status = (c.strip() for c in line.split("|"))
            target, actual, achievement, payout_percent, payout = map(float, figures)
            rows.append(
                [login, name, "Reps", period, target, actual, achievement]
                + [payout_percent, 1000.0, payout, currency, status]
            )
        return rows

    def test_csv(self):
        content = self._export("csv").decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(content)))
        self.assertEqual(
            rows[0],
            [
                "Login",
                "Person",
                "Incentive Plan",
                "Period",
                "Start",
                "End",
                "Target",
                "Actual",
                "Achievement (%)",
                "Payout (%)",
                "Base Amount",
                "Payout",
                "Currency",
                "Status",
            ],
        )
        self.assertEqual(len(rows), 5)
        self.assertEqual(rows[1][4:6], ["2025-01-01", "2025-01-31"])
        currency = self.env.company.currency_id.name
        parsed = [
            row[:4] + [float(v) for v in row[6:12]] + row[12:] for row in rows[1:]
        ]
        self.assertEqual(parsed, self._expected_rows(currency))

    def test_xlsx(self):
        workbook = openpyxl.load_workbook(io.BytesIO(self._export("xlsx")))
        rows = list(workbook.active.iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "Login")
        self.assertEqual(rows[0][11], "Payout")
        self.assertEqual(len(rows), 5)
        self.assertEqual(rows[1][4].date(), date(2025, 1, 1))
        currency = self.env.company.currency_id.name
        parsed = [list(row[:4]) + list(row[6:]) for row in rows[1:]]
        self.assertEqual(parsed, self._expected_rows(currency))

    def test_drafts_are_not_exported(self):
        draft = self.statements[0]
        draft.action_draft()
        with self.assertRaisesRegex(UserError, "Draft statements are not exported"):
            self._export("csv")


@tagged("post_install", "-at_install")
class TestIncentiveAccess(IncentiveCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the leader of the South team sees its members' statements
        cls.user_south_leader = new_test_user(
            cls.env,
            login="terr_south_leader",
            groups="sales_territory.group_territory_manager",
            name="South Leader",
        )
        cls.team_south.write(
            {
                "user_id": cls.user_south_leader.id,
                "member_ids": [Command.link(cls.user_south_rep.id)],
            }
        )
        cls.plan._compute_statements()
        cls.manager_plan._compute_statements()
        cls.rep_n_statements = cls.plan.statement_ids.filtered(
            lambda s: s.user_id == cls.user_north_rep
        )
        cls.rep_s_statements = cls.plan.statement_ids.filtered(
            lambda s: s.user_id == cls.user_south_rep
        )
        cls.manager_statement = cls.manager_plan.statement_ids
        cls.all_statements = (
            cls.rep_n_statements | cls.rep_s_statements | cls.manager_statement
        )

    def _visible(self, user):
        return (
            self.env["sales.incentive.statement"]
            .with_user(user)
            .search([("id", "in", self.all_statements.ids)])
        )

    def test_salesperson_sees_only_own_statements_read_only(self):
        rep = self.user_north_rep
        self.assertEqual(len(self.rep_n_statements), 2)
        self.assertEqual(self._visible(rep), self.rep_n_statements)
        mine = self.rep_n_statements.with_user(rep)
        self.assertEqual(sorted(mine.mapped("payout_amount")), [550.0, 700.0])
        with self.assertRaisesRegex(UserError, "cannot approve your own statement"):
            mine.action_approve()
        with self.assertRaises(AccessError):
            mine.write({"note": "Please pay me more"})
        with self.assertRaises(AccessError):
            self.rep_s_statements.with_user(rep).read(["payout_amount"])
        with self.assertRaises(AccessError):
            self.env["sales.incentive.statement"].with_user(self.user_salesman).search(
                []
            )
        self.assertEqual(self.rep_n_statements.mapped("state"), ["draft", "draft"])

    def test_manager_sees_and_approves_the_team_only(self):
        manager = self.user_north_manager
        # his territory's salesperson, and his own statement (read only)
        self.assertEqual(
            self._visible(manager), self.rep_n_statements | self.manager_statement
        )
        self.rep_n_statements.with_user(manager).action_approve()
        self.assertEqual(self.rep_n_statements.mapped("state"), ["approved"] * 2)
        self.assertEqual(self.rep_n_statements.approved_uid, manager)
        self.rep_n_statements[0].with_user(manager).action_draft()
        self.rep_n_statements[0].with_user(manager).action_recompute()
        with self.assertRaises(AccessError):
            self.rep_s_statements.with_user(manager).action_approve()
        with self.assertRaisesRegex(UserError, "cannot approve your own statement"):
            self.manager_statement.with_user(manager).action_approve()
        with self.assertRaises(AccessError):
            self.rep_n_statements[1].with_user(manager).action_pay()
        self.assertEqual(self.rep_s_statements.mapped("state"), ["draft"] * 2)
        self.assertEqual(self.manager_statement.state, "draft")

    def test_team_leader_and_admin(self):
        self.assertEqual(self.rep_s_statements.team_id, self.team_south)
        leader = self.user_south_leader
        self.assertEqual(self._visible(leader), self.rep_s_statements)
        self.rep_s_statements.with_user(leader).action_approve()
        self.assertEqual(self._visible(self.user_admin), self.all_statements)
        self.manager_statement.with_user(self.user_admin).action_approve()
        self.rep_s_statements.with_user(self.user_admin).action_pay()
        self.assertEqual(self.rep_s_statements.mapped("state"), ["paid"] * 2)

    def test_who_changes_plans(self):
        with self.assertRaises(AccessError):
            self.plan.with_user(self.user_north_manager).write({"base_amount": 5000})
        with self.assertRaises(AccessError):
            self.env["sales.incentive.plan"].with_user(self.user_north_rep).create(
                {"name": "Mine"}
            )
        self.assertEqual(self.plan.with_user(self.user_north_rep).base_amount, 1000.0)
        self.plan.with_user(self.user_admin).write({"base_amount": 1200})
