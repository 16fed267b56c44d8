from urllib.parse import quote

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

LEAD_STATES = ("forwarded", "accepted")


class ChannelPartnerPortal(CustomerPortal):
    """The partner's pages: forwarded leads, deal registrations, orders it
    brought, targets, rebate statements, agreements and sell-out uploads. A
    partner's user sees only its own commercial entity's records."""

    def _channel_partner(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return partner if partner.is_channel_partner else None

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        partner = self._channel_partner()
        env = request.env
        counts = {
            "partner_lead_count": lambda: env["crm.lead"].search_count(
                self._partner_leads_domain(partner)
            ),
            "partner_deal_count": lambda: env["channel.partner.deal"].search_count(
                [("partner_id", "=", partner.id)]
            ),
            "partner_order_count": lambda: (
                env["sale.order"]
                .sudo()
                .search_count(self._partner_orders_domain(partner))
            ),
            "partner_target_count": lambda: (
                env["sales.target"]
                .sudo()
                .search_count(self._partner_targets_domain(partner))
            ),
            "partner_rebate_count": lambda: env["channel.partner.rebate"].search_count(
                [("partner_id", "=", partner.id), ("state", "!=", "draft")]
            ),
            "partner_agreement_count": lambda: env[
                "channel.partner.agreement"
            ].search_count([("partner_id", "=", partner.id)]),
        }
        for key, count in counts.items():
            if key in counters:
                values[key] = count() if partner else 0
        return values

    # ------------------------------------------------------------ domains
    def _partner_leads_domain(self, partner):
        return [
            ("forward_partner_id", "=", partner.id),
            ("forward_state", "in", LEAD_STATES),
        ]

    def _partner_orders_domain(self, partner):
        return [("channel_partner_id", "=", partner.id), ("state", "=", "sale")]

    def _partner_targets_domain(self, partner):
        return [
            ("channel_partner_id", "=", partner.id),
            ("state", "in", ("confirmed", "closed")),
        ]

    def _render_partner_page(self, template, values):
        partner = self._channel_partner()
        if not partner:
            return request.redirect("/my")
        layout = self._prepare_portal_layout_values()
        layout.update(values, channel_partner=partner)
        return request.render(template, layout)

    def _paged(self, model, domain, url, page, order, sudo=False):
        Model = request.env[model].sudo() if sudo else request.env[model]
        pager = portal_pager(
            url=url,
            total=Model.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        records = Model.search(
            domain, order=order, limit=self._items_per_page, offset=pager["offset"]
        )
        return records, pager

    # ------------------------------------------------------------ leads
    @http.route(
        ["/my/partner/leads", "/my/partner/leads/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_partner_leads(self, page=1, **kw):
        partner = self._channel_partner()
        if not partner:
            return request.redirect("/my")
        leads, pager = self._paged(
            "crm.lead",
            self._partner_leads_domain(partner),
            "/my/partner/leads",
            page,
            "forward_date desc, id desc",
        )
        return self._render_partner_page(
            "channel_partner.portal_my_partner_leads",
            {"leads": leads, "pager": pager, "page_name": "partner_leads"},
        )

    def _partner_lead(self, lead_id):
        lead = request.env["crm.lead"].browse(lead_id).exists()
        if not lead:
            raise MissingError(request.env._("This lead does not exist any more."))
        lead.check_access("read")
        return lead

    @http.route(
        "/my/partner/leads/<int:lead_id>", type="http", auth="user", website=True
    )
    def portal_partner_lead(self, lead_id, error=None, **kw):
        try:
            lead = self._partner_lead(lead_id)
        except (AccessError, MissingError):
            return request.redirect("/my/partner/leads")
        return self._render_partner_page(
            "channel_partner.portal_my_partner_lead",
            {"lead": lead, "page_name": "partner_lead", "error": error},
        )

    @http.route(
        "/my/partner/leads/<int:lead_id>/<string:action>",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_partner_lead_action(self, lead_id, action, **post):
        try:
            lead = self._partner_lead(lead_id)
            if action == "accept":
                lead.action_forward_accept()
            elif action == "decline":
                lead.action_forward_decline(post.get("reason"))
                return request.redirect("/my/partner/leads")
            elif action == "update":
                values = {}
                if post.get("expected_revenue"):
                    values["expected_revenue"] = float(post["expected_revenue"])
                if post.get("probability"):
                    values["probability"] = float(post["probability"])
                if post.get("date_deadline"):
                    values["date_deadline"] = post["date_deadline"]
                lead.action_forward_update(values)
            else:
                raise MissingError(request.env._("Unknown action."))
        except (AccessError, MissingError):
            return request.redirect("/my/partner/leads")
        except (UserError, ValidationError, ValueError) as error:
            message = error.args[0] if error.args else str(error)
            return request.redirect(
                f"/my/partner/leads/{lead_id}?error={quote(message)}"
            )
        return request.redirect(f"/my/partner/leads/{lead_id}")

    # ------------------------------------------------------------ deals
    @http.route(
        ["/my/partner/deals", "/my/partner/deals/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_partner_deals(self, page=1, **kw):
        partner = self._channel_partner()
        if not partner:
            return request.redirect("/my")
        deals, pager = self._paged(
            "channel.partner.deal",
            [("partner_id", "=", partner.id)],
            "/my/partner/deals",
            page,
            "create_date desc, id desc",
        )
        return self._render_partner_page(
            "channel_partner.portal_my_partner_deals",
            {"deals": deals, "pager": pager, "page_name": "partner_deals"},
        )

    @http.route(
        "/my/partner/deals/new",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_partner_deal_new(self, **post):
        partner = self._channel_partner()
        if not partner:
            return request.redirect("/my")
        error = None
        if request.httprequest.method == "POST":
            Deal = request.env["channel.partner.deal"]
            values = {
                name: post.get(name, "").strip()
                for name in (
                    "title",
                    "customer_name",
                    "customer_email",
                    "customer_phone",
                    "customer_city",
                    "customer_vat",
                    "expected_revenue",
                    "date_deadline",
                    "description",
                )
                if post.get(name, "").strip()
            }
            try:
                Deal._portal_register(values)
            except (UserError, ValidationError) as exc:
                error = exc.args[0]
            else:
                return request.redirect("/my/partner/deals")
        return self._render_partner_page(
            "channel_partner.portal_my_partner_deal_new",
            {"page_name": "partner_deal_new", "error": error, "post": post},
        )

    # ------------------------------------------------------------ orders, targets
    @http.route(
        ["/my/partner/orders", "/my/partner/orders/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_partner_orders(self, page=1, **kw):
        partner = self._channel_partner()
        if not partner:
            return request.redirect("/my")
        orders, pager = self._paged(
            "sale.order",
            self._partner_orders_domain(partner),
            "/my/partner/orders",
            page,
            "date_order desc, id desc",
            sudo=True,
        )
        invoices = (
            request.env["account.move"]
            .sudo()
            .search(
                [
                    ("channel_partner_id", "=", partner.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ],
                order="invoice_date desc, id desc",
                limit=self._items_per_page,
            )
        )
        return self._render_partner_page(
            "channel_partner.portal_my_partner_orders",
            {
                "orders": orders,
                "invoices": invoices,
                "pager": pager,
                "page_name": "partner_orders",
            },
        )

    @http.route("/my/partner/targets", type="http", auth="user", website=True)
    def portal_partner_targets(self, **kw):
        partner = self._channel_partner()
        if not partner:
            return request.redirect("/my")
        targets = (
            request.env["sales.target"]
            .sudo()
            .search(self._partner_targets_domain(partner), order="date_from desc")
        )
        return self._render_partner_page(
            "channel_partner.portal_my_partner_targets",
            {"targets": targets, "page_name": "partner_targets"},
        )

    # ------------------------------------------------------------ rebates, agreements
    @http.route("/my/partner/rebates", type="http", auth="user", website=True)
    def portal_partner_rebates(self, **kw):
        partner = self._channel_partner()
        if not partner:
            return request.redirect("/my")
        rebates = request.env["channel.partner.rebate"].search(
            [("partner_id", "=", partner.id), ("state", "!=", "draft")]
        )
        return self._render_partner_page(
            "channel_partner.portal_my_partner_rebates",
            {"rebates": rebates, "page_name": "partner_rebates"},
        )

    @http.route("/my/partner/agreements", type="http", auth="user", website=True)
    def portal_partner_agreements(self, **kw):
        partner = self._channel_partner()
        if not partner:
            return request.redirect("/my")
        agreements = request.env["channel.partner.agreement"].search(
            [("partner_id", "=", partner.id), ("state", "!=", "draft")]
        )
        return self._render_partner_page(
            "channel_partner.portal_my_partner_agreements",
            {"agreements": agreements, "page_name": "partner_agreements"},
        )

    # ------------------------------------------------------------ sell-out
    @http.route(
        "/my/partner/sellout",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_partner_sellout(self, **post):
        partner = self._channel_partner()
        if not partner:
            return request.redirect("/my")
        error = message = None
        if request.httprequest.method == "POST":
            upload = post.get("file")
            try:
                if not upload or not getattr(upload, "filename", None):
                    raise UserError(request.env._("Choose a CSV or XLSX file."))
                log = (
                    request.env["channel.partner.sellout.import"]
                    .sudo()
                    ._import_file(
                        upload.read(),
                        upload.filename,
                        "stock" if post.get("kind") == "stock" else "sellout",
                        partner,
                    )
                )
                message = request.env._(
                    "%(count)s lines imported from %(file)s.",
                    count=log.line_count,
                    file=log.name,
                )
            except (UserError, ValidationError) as exc:
                error = exc.args[0]
        lines = (
            request.env["channel.partner.sellout"]
            .sudo()
            .search([("partner_id", "=", partner.id)], limit=50)
        )
        return self._render_partner_page(
            "channel_partner.portal_my_partner_sellout",
            {
                "lines": lines,
                "error": error,
                "message": message,
                "page_name": "partner_sellout",
            },
        )
