from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# what a partner's user fills in on the portal
PORTAL_FIELDS = (
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


class ChannelPartnerDeal(models.Model):
    """A deal a partner registers to claim a customer: once approved, an
    opportunity credited to the partner, and a protection of its claim on the
    customer for a configurable period."""

    _name = "channel.partner.deal"
    _description = "Deal Registration"
    _inherit = ["mail.thread", "mail.activity.mixin", "sales.territory.input.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/"
    )
    title = fields.Char(string="Opportunity", required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Channel Partner",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_channel_partner', '=', True), ('is_company', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Reviewer",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        tracking=True,
        domain="[('share', '=', False)]",
        help="Who approves or rejects it: the partner's manager by default.",
    )
    customer_id = fields.Many2one(
        "res.partner",
        tracking=True,
        check_company=True,
        help="The customer, when it is known; found by tax ID or name on approval "
        "otherwise, or created.",
    )
    customer_name = fields.Char(required=True)
    customer_email = fields.Char()
    customer_phone = fields.Char()
    customer_city = fields.Char()
    customer_vat = fields.Char(string="Customer Tax ID")
    expected_revenue = fields.Monetary(tracking=True)
    date_deadline = fields.Date(string="Expected Closing")
    description = fields.Text()
    state = fields.Selection(
        [
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("expired", "Expired"),
        ],
        default="submitted",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    reject_reason = fields.Text(tracking=True, copy=False)
    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity Created", readonly=True, copy=False
    )
    approved_date = fields.Date(readonly=True, copy=False)
    protection_end = fields.Date(
        readonly=True,
        copy=False,
        tracking=True,
        help="Until then, sales to the customer through anyone else are flagged "
        "(or blocked, see Settings).",
    )

    @api.depends("partner_id")
    def _compute_user_id(self):
        for deal in self:
            deal.user_id = deal.partner_id.partner_manager_id or deal.user_id

    @api.constrains("expected_revenue")
    def _check_revenue(self):
        for deal in self:
            if deal.expected_revenue < 0:
                raise ValidationError(
                    self.env._(
                        "The expected revenue of %(deal)s cannot be negative.",
                        deal=deal.title,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_input_values(vals_list)  # before reading them
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code(
                    "channel.partner.deal"
                ) or self.env._("New")
        deals = super().create(vals_list)
        for deal in deals.filtered("user_id"):
            deal.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Review the deal registration"),
                user_id=deal.user_id.id,
            )
        return deals

    # ------------------------------------------------------------ portal
    @api.model
    def _portal_register(self, values):
        """A deal registered by a partner's portal user, for its commercial
        entity, from the fields of :data:`PORTAL_FIELDS`."""
        user = self.env.user
        partner = user.commercial_partner_id
        if not partner.is_channel_partner:
            raise AccessError(self.env._("Only channel partners can register deals."))
        unknown = set(values) - set(PORTAL_FIELDS)
        if unknown:
            raise AccessError(
                self.env._(
                    "You may not set %(fields)s.", fields=", ".join(sorted(unknown))
                )
            )
        missing = [
            self._fields[name]._description_string(self.env)
            for name in ("title", "customer_name")
            if not (values.get(name) or "").strip()
        ]
        if missing:
            raise UserError(
                self.env._(
                    "Fill in %(fields)s to register the deal.",
                    fields=", ".join(missing),
                )
            )
        try:
            revenue = float(values.get("expected_revenue") or 0.0)
        except ValueError as error:
            raise UserError(
                self.env._("The expected revenue must be a number.")
            ) from error
        company = partner.company_id or user.company_id
        return (
            self.sudo()
            .with_company(company)
            .create(
                dict(
                    values,
                    expected_revenue=revenue,
                    date_deadline=values.get("date_deadline") or False,
                    partner_id=partner.id,
                    company_id=company.id,
                )
            )
            .sudo(False)
        )

    # ------------------------------------------------------------ review
    @api.model
    def _protections(self, customers):
        """Approved registrations protecting customers today: {customer id:
        deal}."""
        if not customers:
            return {}
        deals = self.sudo().search(
            [
                ("customer_id", "in", customers.ids),
                ("state", "=", "approved"),
                ("protection_end", ">=", fields.Date.context_today(self)),
            ],
            order="approved_date, id",
        )
        return {deal.customer_id.id: deal.sudo(False) for deal in reversed(deals)}

    def _find_customer(self):
        """The customer of the registration: set, else found by tax ID, else by
        exact name among companies, else created."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        if self.customer_id:
            return self.customer_id
        customer = Partner.browse()
        if self.customer_vat:
            customer = Partner.search([("vat", "=", self.customer_vat)], limit=1)
        if not customer:
            customer = Partner.search(
                [("name", "=ilike", self.customer_name), ("is_company", "=", True)],
                limit=1,
            )
        if not customer:
            customer = Partner.create(
                {
                    "name": self.customer_name,
                    "is_company": True,
                    "email": self.customer_email,
                    "phone": self.customer_phone,
                    "city": self.customer_city,
                    "vat": self.customer_vat,
                    "company_id": self.company_id.id,
                }
            )
        return customer.commercial_partner_id

    def _check_reviewer(self):
        """Registrations are reviewed by channel managers (the buttons are
        theirs): salespeople may edit a registration, not decide on it."""
        self.check_access("write")
        if not self.env.su and not self.env.user.has_group(
            "sales_channel.group_channel_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only a channel manager approves or rejects deal registrations."
                )
            )

    def action_approve(self):
        self._check_reviewer()
        today = fields.Date.context_today(self)
        for deal in self:
            if deal.state != "submitted":
                raise UserError(
                    self.env._(
                        "Registration %(deal)s was already reviewed.", deal=deal.name
                    )
                )
            customer = deal._find_customer()
            other = self._protections(customer).get(customer.id)
            if other and other.partner_id != deal.partner_id:
                raise UserError(
                    self.env._(
                        "%(customer)s is already protected for %(partner)s by "
                        "registration %(other)s until %(end)s: reject %(deal)s or "
                        "end that protection first.",
                        customer=customer.display_name,
                        partner=other.partner_id.display_name,
                        other=other.name,
                        end=other.protection_end,
                        deal=deal.name,
                    )
                )
            lead = self.env["crm.lead"].create(
                {
                    "type": "opportunity",
                    "name": deal.title,
                    "partner_id": customer.id,
                    "expected_revenue": deal.expected_revenue,
                    "date_deadline": deal.date_deadline,
                    "description": deal.description,
                    "company_id": deal.company_id.id,
                    "user_id": deal.user_id.id,
                    "deal_id": deal.id,
                    "forward_partner_id": deal.partner_id.id,
                    "forward_state": "accepted",
                    "channel_partner_id": deal.partner_id.id,
                }
            )
            lead.message_subscribe(partner_ids=deal.partner_id.ids)
            deal.write(
                {
                    "state": "approved",
                    "customer_id": customer.id,
                    "lead_id": lead.id,
                    "approved_date": today,
                    "protection_end": today
                    + timedelta(days=deal.company_id.deal_protection_days),
                }
            )
            deal.activity_feedback(["mail.mail_activity_data_todo"])
            deal.message_post(
                body=self.env._(
                    "Approved: %(customer)s is protected for %(partner)s until "
                    "%(end)s.",
                    customer=customer.display_name,
                    partner=deal.partner_id.display_name,
                    end=deal.protection_end,
                ),
                partner_ids=deal.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def action_reject(self, reason=None):
        self._check_reviewer()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the partner the reason of the rejection."))
        for deal in self:
            if deal.state != "submitted":
                raise UserError(
                    self.env._(
                        "Registration %(deal)s was already reviewed.", deal=deal.name
                    )
                )
        self.write({"state": "rejected", "reject_reason": reason})
        for deal in self:
            deal.activity_feedback(["mail.mail_activity_data_todo"])
            deal.message_post(
                body=self.env._("Rejected: %(reason)s", reason=reason),
                partner_ids=deal.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def action_open_reject_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject Registration"),
            "res_model": "channel.partner.deal.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_deal_ids": self.ids},
        }

    def action_view_lead(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": self.lead_id.id,
            "view_mode": "form",
        }

    @api.model
    def _cron_expire(self, today=None):
        today = today or fields.Date.context_today(self)
        expired = self.search(
            [("state", "=", "approved"), ("protection_end", "<", today)]
        )
        expired.write({"state": "expired"})
        return len(expired)
