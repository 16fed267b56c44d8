import logging

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, config

_logger = logging.getLogger(__name__)

JOB_METHOD_PREFIX = "_job_"


class SalesTerritoryJob(models.Model):
    """Long work (a realignment, a refresh of thousands of targets, the
    scorecards, rebate settlements, a replenishment run) done by the cron
    worker instead of the user's request.

    ``_run_or_enqueue`` runs small work at once and queues large work; the
    job's cron (triggered on queueing) runs the queued jobs one by one as
    their user, in that user's companies and language, writes their progress
    where the user sees it while they run, and notifies the user when each
    ends (a message in the job's chatter addressed to the user, and a pop-up
    in an open browser)."""

    _name = "sales.territory.job"
    _description = "Background Job"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Started by",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.user,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    res_model = fields.Char(string="Document Model", required=True, readonly=True)
    res_ids = fields.Json(string="Documents", readonly=True)
    method = fields.Char(required=True, readonly=True)
    job_kwargs = fields.Json(string="Job Arguments", readonly=True)
    job_context = fields.Json(readonly=True)
    size = fields.Integer(
        string="Records",
        readonly=True,
        help="How many records the job works on (customers, targets, "
        "scorecards, settlements, product × warehouse pairs).",
    )
    progress = fields.Float(
        string="Progress (%)",
        readonly=True,
        help="Written by the job while it runs.",
    )
    date_started = fields.Datetime(string="Started", readonly=True)
    date_done = fields.Datetime(string="Ended", readonly=True)
    result = fields.Text(readonly=True)
    error = fields.Text(readonly=True)

    # ------------------------------------------------------------ queueing
    @api.model
    def _threshold(self):
        return self.env.company.background_job_threshold

    @api.model
    def _in_background(self, size):
        """Whether work on ``size`` records goes to a background job."""
        background = self.env.context.get("territory_background")
        if background is None:
            return size > self._threshold()
        return bool(background)

    @api.model
    def _run_or_enqueue(self, records, method, size, name, **kwargs):
        """``records.<method>(**kwargs)`` now when ``size`` is within the
        company's threshold, else a queued job; returns the method's result,
        or the notification telling the user that the job was queued.

        The context key ``territory_background`` forces either way (True:
        queue, False: run now)."""
        if not method.startswith(JOB_METHOD_PREFIX):
            raise ValueError(f"{method}: job methods start with {JOB_METHOD_PREFIX}")
        if not self._in_background(size):
            return getattr(records, method)(**kwargs)
        job = self._enqueue(records, method, size, name, **kwargs)
        return job._queued_notification()

    @api.model
    def _enqueue(self, records, method, size, name, **kwargs):
        context = {
            key: value
            for key, value in self.env.context.items()
            if key in ("lang", "tz", "allowed_company_ids")
        }
        job = (
            self.sudo()
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(
                {
                    "name": name,
                    "user_id": self.env.uid,
                    "company_id": self.env.company.id,
                    "res_model": records._name,
                    "res_ids": records.ids,
                    "method": method,
                    "job_kwargs": kwargs,
                    "job_context": context,
                    "size": size,
                }
            )
        )
        self.env.ref("sales_territory.ir_cron_run_background_jobs").sudo()._trigger()
        return job.with_env(self.env)

    def _queued_notification(self):
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.name,
                "message": self.env._(
                    "%(count)s records: this runs in the background. You will be "
                    "notified when it is done; its progress is under Sales > "
                    "Configuration > Territories > Background Jobs.",
                    count=self.size,
                ),
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------ running
    @api.model
    def _may_commit(self):
        """Whether the job may commit (not inside tests or an install)."""
        return self.env["sales.territory.realignment"]._may_commit()

    @api.model
    def _cron_run(self):
        """Run the oldest queued job; the cron runs again at once while jobs
        remain (Odoo's batched crons)."""
        self._fail_interrupted()
        self.env.cr.execute(
            SQL(
                """SELECT id FROM sales_territory_job WHERE state = 'queued'
                   ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"""
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            return
        self.browse(row[0])._run()
        remaining = self.search_count([("state", "=", "queued")])
        self.env["ir.cron"]._notify_progress(done=1, remaining=remaining)

    @api.model
    def _fail_interrupted(self):
        """Jobs still *Running* after the longest a cron worker may run (the
        server stopped, or the worker was killed at its limit) are failed, so
        that their documents may be worked on again."""
        limit = next(
            (
                seconds
                for seconds in (
                    config["limit_time_real_cron"],
                    config["limit_time_real"],
                )
                if seconds and seconds > 0
            ),
            86400,
        )
        since = fields.Datetime.subtract(
            fields.Datetime.now(), seconds=max(2 * limit, 3600)
        )
        stale = self.search([("state", "=", "running"), ("date_started", "<", since)])
        for job in stale:
            job.write(
                {
                    "state": "failed",
                    "error": job.with_context(lang=job._lang()).env._(
                        "Interrupted: the server stopped or the job ran past the "
                        "time limit of the scheduled actions. Start it again: "
                        "realignments and replenishment runs resume where they "
                        "stopped."
                    ),
                    "date_done": fields.Datetime.now(),
                }
            )
            job._notify_end()

    def _run(self):
        self.ensure_one()
        self.write(
            {"state": "running", "date_started": fields.Datetime.now(), "progress": 0}
        )
        commit = self._may_commit()
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        user = self.user_id
        context = dict(self.job_context or {}, territory_job_id=self.id)
        context.setdefault("lang", user.lang)
        context["territory_background"] = False
        context["allowed_company_ids"] = [
            cid
            for cid in context.get("allowed_company_ids") or [self.company_id.id]
            if cid in user.company_ids.ids
        ] or [user.company_id.id]
        # as its user (a job queued by the superuser, by script, runs as such)
        env = self.env(user=user.id, context=context, su=user.id == SUPERUSER_ID)
        records = env[self.res_model].browse(self.res_ids or []).exists()
        try:
            if self.res_ids and not records:
                raise UserError(
                    env._(
                        "The documents of this job were deleted before it ran: "
                        "nothing was done."
                    )
                )
            if commit:
                result = getattr(records, self.method)(**(self.job_kwargs or {}))
                self.env.cr.commit()  # pylint: disable=invalid-commit
            else:
                with self.env.cr.savepoint():
                    result = getattr(records, self.method)(**(self.job_kwargs or {}))
        except Exception as error:  # any failure ends the job, reported
            if commit:
                self.env.cr.rollback()
            self.env.invalidate_all()
            if isinstance(error, (UserError, ValidationError, AccessError)):
                message = error.args[0]
            else:
                _logger.exception("Background job %s (%s) failed", self.id, self.name)
                message = env._("Unexpected error: %s", error)
            self.write(
                {
                    "state": "failed",
                    "error": message,
                    "date_done": fields.Datetime.now(),
                }
            )
            self._notify_end()
        else:
            self.write(
                {
                    "state": "done",
                    "progress": 100.0,
                    "result": result if isinstance(result, str) else False,
                    "date_done": fields.Datetime.now(),
                }
            )
            self._notify_end()
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _report_progress(self, done, total):
        """Called by a job's method while it works: the share done, visible to
        the user at once (a separate transaction); nothing outside a job."""
        job_id = self.env.context.get("territory_job_id")
        if not job_id or total <= 0:
            return
        progress = min(100.0, round(100.0 * done / total, 1))
        if not self._may_commit():
            self.browse(job_id).sudo().progress = progress
            return
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "UPDATE sales_territory_job SET progress = %s WHERE id = %s",
                    progress,
                    job_id,
                )
            )

    def _lang(self):
        """The language of the user who started the job (as they started it)."""
        self.ensure_one()
        return (self.job_context or {}).get("lang") or self.user_id.lang

    def _notify_end(self):
        """A message to the user in the job's chatter (the inbox) and a pop-up
        in the user's open browser."""
        self.ensure_one()
        user = self.user_id
        job = self.with_context(lang=self._lang())
        if self.state == "done":
            title = job.env._("Done: %s", self.name)
            message = self.result or job.env._("The job ended without error.")
            kind = "success"
        else:
            title = job.env._("Failed: %s", self.name)
            message = self.error
            kind = "danger"
        job.sudo().message_post(
            body=message,
            subject=title,
            partner_ids=user.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        user._bus_send(
            "simple_notification",
            {"type": kind, "title": title, "message": message, "sticky": True},
        )

    # ------------------------------------------------------------ actions
    def action_open_documents(self):
        self.ensure_one()
        records = self.env[self.res_model].browse(self.res_ids or []).exists()
        action = {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": self.res_model,
        }
        if len(records) == 1:
            return dict(action, view_mode="form", res_id=records.id)
        return dict(action, view_mode="list,form", domain=[("id", "in", records.ids)])

    @api.autovacuum
    def _gc_ended_jobs(self):
        """Ended jobs are kept 30 days."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=30)
        self.search(
            [("state", "in", ("done", "failed")), ("date_done", "<", limit)]
        ).unlink()


class SalesTerritoryJobMixin(models.AbstractModel):
    """Documents whose long work may run as a background job: the job that
    works on them now, and its progress, for their form."""

    _name = "sales.territory.job.mixin"
    _description = "Document with Background Jobs"

    background_job_id = fields.Many2one(
        "sales.territory.job",
        compute="_compute_background_job",
        help="The queued or running background job working on this document.",
    )
    background_job_state = fields.Selection(
        [("queued", "Queued"), ("running", "Running")],
        compute="_compute_background_job",
        string="Background Job Status",
    )
    background_job_progress = fields.Float(compute="_compute_background_job")

    def _compute_background_job(self):
        Job = self.env["sales.territory.job"].sudo()
        jobs = Job.search(
            [("res_model", "=", self._name), ("state", "in", ("queued", "running"))]
        )
        for record in self:
            job = jobs.filtered(lambda job, r=record: r.id in (job.res_ids or []))[:1]
            record.background_job_id = job
            record.background_job_state = job.state
            record.background_job_progress = job.progress

    def _run_or_enqueue(self, method, size, name, **kwargs):
        """Run ``method`` on these documents now, or as a background job when
        ``size`` is large; refused while a job already works on them."""
        fnames = [
            "background_job_id",
            "background_job_state",
            "background_job_progress",
        ]
        self.invalidate_recordset(fnames)
        busy = self.filtered("background_job_id")
        if busy:
            raise UserError(
                self.env._(
                    "%(document)s is already being worked on in the background "
                    "(%(job)s); wait until it ends.",
                    document=busy[0].display_name,
                    job=busy[0].background_job_id.name,
                )
            )
        result = self.env["sales.territory.job"]._run_or_enqueue(
            self, method, size, name, **kwargs
        )
        self.invalidate_recordset(fnames)
        return result

    def _action_run_or_enqueue(self, method, size, name, **kwargs):
        """For a button: the notification of a queued job, else True."""
        result = self._run_or_enqueue(method, size, name, **kwargs)
        return result if isinstance(result, dict) else True

    def _run_or_enqueue_each(self, method, size, name):
        """``_run_or_enqueue`` document by document, ``size`` and ``name``
        being functions of the document; returns the first notification of a
        queued job, else True."""
        actions = [
            document._run_or_enqueue(method, size(document), name(document))
            for document in self
        ]
        return next((action for action in actions if isinstance(action, dict)), True)
