from datetime import datetime

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .test_targets import TargetCommon


@tagged("post_install", "-at_install")
class TestBackgroundJobs(TargetCommon):
    """Large runs go to a background job run by the cron: progress, result,
    notification of the user, failure; small runs stay immediate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Job = cls.env["sales.territory.job"]
        cls.cron = cls.env.ref("sales_territory.ir_cron_run_background_jobs")
        cls.lake = cls.env["sales.territory"].create(
            {"name": "Lake", "code": "T-NL", "parent_id": cls.north.id}
        )
        # customers in North that a new rule moves to Lake
        cls.movers = cls.env["res.partner"]
        for index in range(5):
            cls.movers |= cls._customer(f"Mover {index}", cls.state_north, "995000")
        assert set(cls.movers.territory_id) == {cls.north}
        cls.env["sales.territory.rule"].create(
            {"territory_id": cls.lake.id, "zip_from": "990000", "zip_to": "999999"}
        )
        cls._sale(cls.cust_north, datetime(2025, 1, 5, 10), qty=3)  # 300
        cls._sale(cls.cust_south, datetime(2025, 1, 15, 10), qty=5)  # 500

    def _realignment(self, user=None, **vals):
        Realignment = self.env["sales.territory.realignment"]
        if user:
            Realignment = Realignment.with_user(user)
        return Realignment.create(dict({"name": "Background realignment"}, **vals))

    def _triggers(self):
        return self.env["ir.cron.trigger"].search_count(
            [("cron_id", "=", self.cron.id)]
        )

    def test_large_realignment_runs_in_the_background(self):
        self.company.background_job_threshold = 3
        realignment = self._realignment(user=self.user_admin)
        realignment.action_preview()
        self.assertGreater(realignment.move_count, 3)
        triggers = self._triggers()

        action = realignment.action_apply()

        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("background", action["params"]["message"])
        self.assertEqual(realignment.state, "previewed")  # nothing moved yet
        self.assertEqual(set(self.movers.territory_id), {self.north})
        self.assertEqual(self._triggers(), triggers + 1)
        job = self.Job.search([("res_model", "=", realignment._name)])
        self.assertRecordValues(
            job,
            [
                {
                    "state": "queued",
                    "user_id": self.user_admin.id,
                    "res_ids": realignment.ids,
                    "size": realignment.move_count,
                    "progress": 0.0,
                }
            ],
        )
        self.assertEqual(realignment.background_job_state, "queued")
        with self.assertRaisesRegex(UserError, "already being worked on"):
            realignment.with_user(self.user_admin).action_apply()

        self.Job._cron_run()

        self.assertEqual(realignment.state, "done")
        self.assertEqual(set(self.movers.territory_id), {self.lake})
        moves = self.env["sales.territory.move"].search(
            [("realignment_id", "=", realignment.id)]
        )
        self.assertEqual(set(moves.user_id), {self.user_admin})  # as its user
        self.assertEqual(job.state, "done")
        self.assertEqual(job.progress, 100.0)
        self.assertIn(f"{realignment.done_count} customers moved", job.result)
        self.assertFalse(realignment.background_job_state)
        # the user is notified: a message addressed to them, a pop-up
        message = job.message_ids.filtered(
            lambda m: self.user_admin.partner_id in m.partner_ids
        )
        self.assertEqual(len(message), 1)
        self.assertIn("customers moved", message.body)
        popups = [
            values["message"]
            for values in self.env.cr.precommit.data.get("bus.bus.values", [])
            if "simple_notification" in values["message"]
        ]  # sent when the job's transaction commits
        self.assertTrue(
            any(job.name in popup and "success" in popup for popup in popups),
            "no pop-up in the user's browser",
        )

    def test_small_realignment_is_immediate(self):
        self.assertEqual(self.company.background_job_threshold, 1000)
        realignment = self._realignment()
        self.assertIs(realignment.action_apply(), True)
        self.assertEqual(realignment.state, "done")
        self.assertEqual(set(self.movers.territory_id), {self.lake})
        self.assertFalse(self.Job.search([]))

    def test_failed_job_changes_nothing_and_says_why(self):
        # a draft realignment of chosen territories without territories: its
        # preview, in the job, is refused
        realignment = self._realignment(scope="territories")
        action = realignment.with_context(territory_background=True).action_apply()
        self.assertEqual(action["tag"], "display_notification")
        job = self.Job.search([("res_model", "=", realignment._name)])

        self.Job._cron_run()

        self.assertEqual(job.state, "failed")
        self.assertIn("Choose the territories to realign", job.error)
        self.assertEqual(realignment.state, "draft")
        self.assertFalse(realignment.line_ids)
        self.assertEqual(set(self.movers.territory_id), {self.north})
        self.assertTrue(
            job.message_ids.filtered(lambda m: "Choose the territories" in m.body)
        )

    def test_jobs_run_in_order_and_report_progress(self):
        first = self._realignment(name="First")
        second = self._realignment(name="Second")
        Job = self.Job.with_context(territory_background=True)
        Job._run_or_enqueue(first, "_job_apply", 10, "first")
        Job._run_or_enqueue(second, "_job_apply", 10, "second")
        self.Job._cron_run()
        self.assertEqual((first.state, second.state), ("done", "draft"))
        self.Job._cron_run()
        self.assertEqual(second.state, "done")
        self.assertEqual(
            self.Job.search([]).mapped("state"), ["done", "done"]
        )  # newest first

        job = self.Job.search([], limit=1)
        self.Job.with_context(territory_job_id=job.id)._report_progress(25, 200)
        self.assertEqual(job.progress, 12.5)
        self.Job._report_progress(50, 200)  # outside a job: nothing
        self.assertEqual(job.progress, 12.5)

    def test_documents_deleted_before_the_job_runs(self):
        realignment = self._realignment()
        realignment.with_context(territory_background=True).action_apply()
        job = self.Job.search([("res_model", "=", realignment._name)])
        realignment.unlink()
        self.Job._cron_run()
        self.assertEqual(job.state, "failed")
        self.assertIn("deleted before it ran", job.error)
        self.assertEqual(set(self.movers.territory_id), {self.north})

    def test_interrupted_job_frees_its_document(self):
        """A job left Running (the server stopped) is failed by the next run of
        the cron, and its realignment may be applied again."""
        realignment = self._realignment()
        realignment.with_context(territory_background=True).action_apply()
        job = self.Job.search([("res_model", "=", realignment._name)])
        job.write(
            {
                "state": "running",
                "date_started": fields.Datetime.subtract(fields.Datetime.now(), days=2),
            }
        )
        realignment.invalidate_recordset()
        self.assertEqual(realignment.background_job_state, "running")
        recent = self._realignment(name="Still running")
        recent.with_context(territory_background=True).action_apply()
        recent_job = self.Job.search([("id", "!=", job.id)])
        recent_job.write({"state": "running", "date_started": fields.Datetime.now()})

        self.Job._cron_run()

        self.assertEqual(job.state, "failed")
        self.assertIn("Interrupted", job.error)
        self.assertEqual(recent_job.state, "running")  # may still be at work
        self.assertIs(realignment.action_apply(), True)
        self.assertEqual(realignment.state, "done")

    def test_messages_in_the_users_language(self):
        """The reason of a failure and the notification are in the language of
        the user who started the job, not the cron's."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._get("sales_territory")._update_translations(
            ["zh_CN"], overwrite=True
        )
        self.user_admin.lang = "zh_CN"
        realignment = self._realignment(user=self.user_admin)
        realignment.with_user(self.user_admin).with_context(
            lang="zh_CN", territory_background=True
        ).action_apply()
        job = self.Job.search([("res_model", "=", realignment._name)])
        realignment.unlink()
        self.Job.with_context(lang="en_US")._cron_run()
        self.assertEqual(job.state, "failed")
        self.assertEqual(job.error, "此任务的单据在运行前已被删除：未执行任何操作。")
        self.assertTrue(job.message_ids.filtered(lambda m: "失败" in (m.subject or "")))

    def test_only_job_methods_run(self):
        with self.assertRaises(ValueError):
            self.Job._run_or_enqueue(self.movers, "unlink", 10, "delete them")
        self.assertTrue(self.movers.exists())

    def test_target_refresh_in_the_background(self):
        targets = self._target(1000) | self._target(1000, territory_id=self.south.id)
        self.company.background_job_threshold = 1
        action = targets.with_user(self.user_admin).action_refresh()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(targets.mapped("actual_value"), [0.0, 0.0])
        self.Job._cron_run()
        self.assertEqual(targets.mapped("actual_value"), [300.0, 500.0])
        job = self.Job.search([("res_model", "=", "sales.target")])
        self.assertEqual(job.state, "done")
        self.assertIn("2 targets", job.result)
        # one target: at once
        self.company.background_job_threshold = 1000
        one = self._target(100, territory_id=self.north_city.id)
        self.assertIs(one.action_refresh(), True)
        self.assertEqual(one.actual_value, 0.0)  # nothing in the city this month

    def test_job_access(self):
        self.company.background_job_threshold = 0
        own = self._target(1000).with_user(self.user_north_manager)
        own.action_refresh()
        theirs = self._target(1000, territory_id=self.south.id)
        theirs.with_user(self.user_admin).action_refresh()
        jobs = self.Job.search([])
        self.assertEqual(len(jobs), 2)
        # each user sees the jobs they started; territory administrators all
        Job = self.Job.with_user(self.user_north_manager)
        self.assertEqual(Job.search([]).user_id, self.user_north_manager)
        self.assertEqual(self.Job.with_user(self.user_admin).search([]), jobs)
        # nobody creates or changes a job by hand (the job's own cron does)
        with self.assertRaises(AccessError):
            Job.create({"name": "x", "res_model": "res.partner", "method": "_job_x"})
        with self.assertRaises(AccessError):
            Job.search([]).write({"method": "unlink"})
        with self.assertRaises(AccessError):
            Job.search([]).unlink()
        self.assertEqual(self.Job.search([]), jobs)

    def test_threshold_must_not_be_negative(self):
        with self.assertRaisesRegex(ValidationError, "number of records"):
            self.company.background_job_threshold = -5
        self.assertEqual(self.company.background_job_threshold, 1000)
