import html
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import Command, fields, http
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

# Shared with static/tests/tours/channel_partner_portal_tour.js
ALPHA_NAME = "Tour Partner Alpha"
LEAD_ALPHA_NAME = "Tour Lead Hospital Beds"
PORTAL_DEAL_TITLE = "Tour Deal 40 Hospital Fridges"
PORTAL_DEAL_CUSTOMER = "Tour Deal Hospital Ltd"
PORTAL_DEAL_REVENUE = 48000.0

# Shared with static/tests/tours/channel_partner_manager_tour.js
MANAGER_DEAL_TITLE = "Tour Deal 12 School Ovens"
MANAGER_DEAL_CUSTOMER = "Tour Deal School Ltd"
# Alpha's sell-in of the current month: 6 x 1,000 invoiced, which reaches the
# 5,000 step of the scale (5 %): 300.00
SELL_IN_QTY = 6
SELL_IN_PRICE = 1000.0
REBATE_AMOUNT = 300.0

BETA_NAME = "Tour Partner Beta"
LEAD_BETA_NAME = "Tour Lead School Desks"


@tagged("post_install", "-at_install")
class TestPartnerUi(HttpCase):
    """The partner portal and the partner manager's back office in the browser,
    then the isolation of the portal pages between two partners over HTTP.

    Alpha (distributor, North) and Beta (reseller, South), each with a portal
    user, an active agreement with a monthly rebate scale (2 % from 1,000, 5 %
    from 5,000) and a lead forwarded to it; Alpha bought and was invoiced
    6,000 this month; a plain customer has a portal user too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.company = cls.env.company
        cls.today = fields.Date.today()
        # the demo's agreements do not compete for our leads nor get settled
        Agreement = cls.env["channel.partner.agreement"]
        Agreement.search([("state", "=", "active")]).write({"state": "terminated"})
        cls.company.channel_exclusivity_mode = "warn"

        cls.manager = new_test_user(
            cls.env,
            login="cp_tour_manager",
            password="cp_tour_manager",
            groups="sales_channel.group_channel_manager",
            name="Tour Partner Manager",
            tz="UTC",
        )
        # no onboarding tour on top of ours
        cls.manager.tour_enabled = False
        Tier = cls.env["channel.partner.tier"]
        Tier.search([]).write({"active": False})
        tier = Tier.create(
            {"name": "Tour Tier", "forward_weight": 1, "lead_capacity": 0}
        )
        Territory = cls.env["sales.territory"]
        cls.north = Territory.create(
            {"name": "Tour Partner North", "code": "TOUR-CP-N", "level": "region"}
        )
        cls.south = Territory.create(
            {"name": "Tour Partner South", "code": "TOUR-CP-S", "level": "region"}
        )
        Partner = cls.env["res.partner"]
        cls.alpha, cls.beta = Partner.create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "is_channel_partner": True,
                    "partner_kind": kind,
                    "partner_tier_id": tier.id,
                    "partner_lifecycle": "active",
                    "partner_manager_id": cls.manager.id,
                    "email": email,
                    "company_id": cls.company.id,
                }
                for name, kind, email in (
                    (ALPHA_NAME, "distributor", "alpha@tour.example.com"),
                    (BETA_NAME, "reseller", "beta@tour.example.com"),
                )
            ]
        )
        cls.alpha_user = cls._portal_user(cls.alpha, "cp_tour_alpha")
        cls.beta_user = cls._portal_user(cls.beta, "cp_tour_beta")
        cls.plain_customer = Partner.create(
            {"name": "Tour Plain Customer", "is_company": True}
        )
        cls.customer_user = cls._portal_user(cls.plain_customer, "cp_tour_customer")

        # agreements since last year, so that last month is always covered;
        # Alpha's for all products (its rebate volume), Beta's for one category
        year = cls.today.year
        kitchen = cls.env["product.category"].create({"name": "Tour Kitchen"})
        cls.agreement_alpha, cls.agreement_beta = Agreement.create(
            [
                {
                    "partner_id": partner.id,
                    "date_start": date(year - 1, 1, 1),
                    "date_end": date(year, 12, 31),
                    "territory_ids": [Command.set(territory.ids)],
                    "categ_ids": [Command.set(categories.ids)],
                    "rebate_period": "month",
                    "rebate_line_ids": [
                        Command.create(
                            {"sequence": 1, "amount_from": 1000, "rate": 2.0}
                        ),
                        Command.create(
                            {"sequence": 2, "amount_from": 5000, "rate": 5.0}
                        ),
                    ],
                }
                for partner, territory, categories in (
                    (cls.alpha, cls.north, cls.env["product.category"]),
                    (cls.beta, cls.south, kitchen),
                )
            ]
        )
        (cls.agreement_alpha | cls.agreement_beta).action_activate()

        # a lead of each region, forwarded to the partner of the region:
        # Alpha's of a new company, Beta's of a known (private) customer
        cls.principal = Partner.create({"name": "Tour South Principal"})
        Lead = cls.env["crm.lead"]
        cls.lead_alpha, cls.lead_beta = Lead.create(
            [
                {
                    "name": LEAD_ALPHA_NAME,
                    "type": "lead",
                    "territory_id": cls.north.id,
                    "partner_name": "Tour North Hospital",
                    "contact_name": "Dr Tour",
                    "email_from": "tour.lead@example.com",
                    "expected_revenue": 25000.0,
                    "user_id": cls.manager.id,
                },
                {
                    "name": LEAD_BETA_NAME,
                    "type": "lead",
                    "territory_id": cls.south.id,
                    "partner_id": cls.principal.id,
                    "expected_revenue": 25000.0,
                    "user_id": cls.manager.id,
                },
            ]
        )
        cls.lead_alpha.action_forward()
        cls.lead_beta.action_forward()

        # Alpha's sell-in this month, invoiced
        cls.product = cls.env["product.product"].create(
            {
                "name": "Tour Oven",
                "type": "consu",
                "list_price": SELL_IN_PRICE,
                "invoice_policy": "order",
                "default_code": "TOUR-OVEN",
                "taxes_id": [Command.clear()],
            }
        )
        order = cls._sell(cls.alpha, SELL_IN_QTY, SELL_IN_PRICE)
        cls.sell_in_invoice = order._create_invoices()
        cls.sell_in_invoice.invoice_date = cls.today
        cls.sell_in_invoice.action_post()

    @classmethod
    def _portal_user(cls, partner, login):
        contact = cls.env["res.partner"].create(
            {
                "name": f"{partner.name} Contact",
                "parent_id": partner.id,
                "email": f"{login}@example.com",
            }
        )
        return cls.env["res.users"].create(
            {
                "name": contact.name,
                "login": login,
                "password": login,
                "partner_id": contact.id,
                "groups_id": [Command.set(cls.env.ref("base.group_portal").ids)],
            }
        )

    @classmethod
    def _sell(cls, customer, qty, price, **vals):
        order = cls.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                        }
                    )
                ],
                **vals,
            }
        )
        order.action_confirm()
        return order

    def _register(self, user, title, customer):
        """A deal registered from the portal by user (as the controller does)."""
        deal = (
            self.env["channel.partner.deal"]
            .with_user(user)
            ._portal_register(
                {"title": title, "customer_name": customer, "expected_revenue": "9000"}
            )
        )
        return deal.with_env(self.env)

    # ------------------------------------------------------------ tours
    def test_fixture(self):
        """What the tours and the isolation tests rely on."""
        self.assertRecordValues(
            self.lead_alpha | self.lead_beta,
            [
                {
                    "forward_partner_id": self.alpha.id,
                    "forward_state": "forwarded",
                    "type": "lead",
                },
                {
                    "forward_partner_id": self.beta.id,
                    "forward_state": "forwarded",
                    "type": "lead",
                },
            ],
        )
        self.assertEqual(self.alpha_user.commercial_partner_id, self.alpha)
        self.assertTrue(self.alpha_user.share)
        self.assertAlmostEqual(
            self.sell_in_invoice.amount_untaxed, SELL_IN_QTY * SELL_IN_PRICE
        )

    def test_portal_tour(self):
        """Alpha's portal user accepts its forwarded lead, then registers a deal."""
        Deal = self.env["channel.partner.deal"]
        self.assertFalse(Deal.search([("title", "=", PORTAL_DEAL_TITLE)]))

        self.start_tour("/my", "channel_partner_portal_tour", login="cp_tour_alpha")

        self.lead_alpha.invalidate_recordset()
        self.assertRecordValues(
            self.lead_alpha,
            [
                {
                    "forward_state": "accepted",
                    "forward_partner_id": self.alpha.id,
                    "channel_partner_id": self.alpha.id,
                    "type": "opportunity",
                }
            ],
        )
        history = self.lead_alpha.forward_ids.sorted("id")
        self.assertEqual(history.mapped("state"), ["forwarded", "accepted"])
        self.assertEqual(history[-1].user_id, self.alpha_user)
        # Beta's lead is untouched
        self.assertEqual(self.lead_beta.forward_state, "forwarded")

        deal = Deal.search([("title", "=", PORTAL_DEAL_TITLE)])
        self.assertRecordValues(
            deal,
            [
                {
                    "partner_id": self.alpha.id,
                    "state": "submitted",
                    "customer_name": PORTAL_DEAL_CUSTOMER,
                    "customer_city": "Tour City",
                    "expected_revenue": PORTAL_DEAL_REVENUE,
                    "company_id": self.company.id,
                    "user_id": self.manager.id,
                    "lead_id": False,
                }
            ],
        )
        self.assertTrue(deal.name.startswith("DR/"), deal.name)

    def test_manager_tour(self):
        """The partner manager approves Alpha's registration, then settles
        Alpha's rebate of the month with a credit note."""
        deal = self._register(
            self.alpha_user, MANAGER_DEAL_TITLE, MANAGER_DEAL_CUSTOMER
        )
        self.assertEqual(deal.state, "submitted")
        Rebate = self.env["channel.partner.rebate"]
        self.assertFalse(Rebate.search([("partner_id", "=", self.alpha.id)]))

        self.start_tour(
            "/odoo", "channel_partner_manager_tour", login="cp_tour_manager"
        )

        deal.invalidate_recordset()
        self.assertEqual(deal.state, "approved")
        self.assertEqual(deal.approved_date, self.today)
        self.assertTrue(deal.protection_end)
        self.assertEqual(deal.customer_id.name, MANAGER_DEAL_CUSTOMER)
        self.assertRecordValues(
            deal.lead_id,
            [
                {
                    "name": MANAGER_DEAL_TITLE,
                    "type": "opportunity",
                    "partner_id": deal.customer_id.id,
                    "channel_partner_id": self.alpha.id,
                    "forward_state": "accepted",
                    "deal_id": deal.id,
                }
            ],
        )

        rebate = Rebate.search([("partner_id", "=", self.alpha.id)])
        self.assertEqual(len(rebate), 1, "one settlement of Alpha: this month's")
        first = self.today.replace(day=1)
        self.assertRecordValues(
            rebate,
            [
                {
                    "agreement_id": self.agreement_alpha.id,
                    "date_from": first,
                    "date_to": first + relativedelta(months=1, days=-1),
                    "kind": "rebate",
                    "volume": SELL_IN_QTY * SELL_IN_PRICE,
                    "rate": 5.0,
                    "amount": REBATE_AMOUNT,
                    "state": "done",
                }
            ],
        )
        self.assertRecordValues(
            rebate.move_id,
            [
                {
                    "move_type": "out_refund",
                    "partner_id": self.alpha.id,
                    "state": "draft",
                    "amount_untaxed": REBATE_AMOUNT,
                    "invoice_user_id": self.manager.id,
                }
            ],
        )
        # Beta's settlement of the month was computed too, and left accrued
        beta_rebate = Rebate.search([("partner_id", "=", self.beta.id)])
        self.assertRecordValues(
            beta_rebate, [{"state": "draft", "volume": 0.0, "amount": 0.0}]
        )

    # ------------------------------------------------------------ isolation
    def _get(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return response, html.unescape(response.text)

    def _post(self, url, data=None, files=None):
        data = dict(data or {}, csrf_token=http.Request.csrf_token(self))
        response = self.url_open(url, data=data, files=files)
        self.assertEqual(response.status_code, 200, url)
        return response, html.unescape(response.text)

    def _assert_only(self, text, visible=(), hidden=()):
        """The page shows each of visible and none of hidden (with a short
        message, not the whole page)."""
        for value in visible:
            self.assertTrue(value in text, f"{value!r} is not on the page")
        for value in hidden:
            self.assertFalse(value in text, f"{value!r} is on the page")

    def test_portal_home(self):
        """The Partner Center is on the home of a partner's user only."""
        self.authenticate("cp_tour_beta", "cp_tour_beta")
        _response, text = self._get("/my")
        self._assert_only(
            text,
            [
                "Partner Center",
                'href="/my/partner/leads"',
                'href="/my/partner/sellout"',
            ],
        )
        counters = self.make_jsonrpc_request(
            "/my/counters",
            {"counters": ["partner_lead_count", "partner_deal_count"]},
        )
        self.assertEqual(counters["partner_lead_count"], 1)
        self.assertEqual(counters["partner_deal_count"], 0)

        self.authenticate("cp_tour_customer", "cp_tour_customer")
        _response, text = self._get("/my")
        self._assert_only(text, hidden=["Partner Center", 'href="/my/partner/leads"'])
        # and its pages send it back home
        response = self.url_open("/my/partner/leads")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith("/my"), response.url)
        self._assert_only(response.text, hidden=[LEAD_ALPHA_NAME, LEAD_BETA_NAME])

    def test_portal_leads_isolation(self):
        self.authenticate("cp_tour_beta", "cp_tour_beta")
        # the list: Beta's lead only
        _response, text = self._get("/my/partner/leads")
        self._assert_only(text, [LEAD_BETA_NAME], [LEAD_ALPHA_NAME])
        # its own lead opens
        _response, text = self._get(f"/my/partner/leads/{self.lead_beta.id}")
        self._assert_only(
            text,
            [
                LEAD_BETA_NAME,
                "Tour South Principal",
                "Tour Partner South",
                "Tour Partner Manager",
            ],
            [LEAD_ALPHA_NAME],
        )
        self._assert_only(
            text, [f'action="/my/partner/leads/{self.lead_beta.id}/accept"']
        )
        # Alpha's lead: back to the list, nothing of it shown
        response, text = self._get(f"/my/partner/leads/{self.lead_alpha.id}")
        self.assertTrue(response.url.endswith("/my/partner/leads"), response.url)
        self._assert_only(text, [LEAD_BETA_NAME], [LEAD_ALPHA_NAME, "Tour North"])
        # accepting, declining or updating it changes nothing
        for action, data in (
            ("accept", {}),
            ("decline", {"reason": "Not ours"}),
            ("update", {"expected_revenue": "1"}),
        ):
            response, text = self._post(
                f"/my/partner/leads/{self.lead_alpha.id}/{action}", data
            )
            self.assertTrue(response.url.endswith("/my/partner/leads"), response.url)
            self._assert_only(text, hidden=[LEAD_ALPHA_NAME])
        self.lead_alpha.invalidate_recordset()
        self.assertRecordValues(
            self.lead_alpha,
            [
                {
                    "forward_state": "forwarded",
                    "forward_partner_id": self.alpha.id,
                    "type": "lead",
                    "expected_revenue": 25000.0,
                }
            ],
        )
        self.assertEqual(self.lead_alpha.forward_ids.mapped("state"), ["forwarded"])
        # a lead that does not exist
        response = self.url_open("/my/partner/leads/999999999")
        self.assertTrue(response.url.endswith("/my/partner/leads"), response.url)
        # its own lead, accepted over HTTP
        response, text = self._post(f"/my/partner/leads/{self.lead_beta.id}/accept")
        self.assertTrue(
            response.url.endswith(f"/my/partner/leads/{self.lead_beta.id}"),
            response.url,
        )
        self.lead_beta.invalidate_recordset()
        self.assertEqual(self.lead_beta.forward_state, "accepted")
        self._assert_only(text, ["Accepted"])

    def test_portal_documents_isolation(self):
        """Deals, orders, targets, rebates and agreements of the other partner
        never show."""
        alpha_deal = self._register(
            self.alpha_user, "Tour Alpha Secret Deal", "Tour Alpha Prospect"
        )
        beta_deal = self._register(
            self.beta_user, "Tour Beta Open Deal", "Tour Beta Prospect"
        )
        self.assertEqual(alpha_deal.partner_id, self.alpha)
        self.assertEqual(beta_deal.partner_id, self.beta)
        # orders brought by each partner for end customers
        end_customer = self.env["res.partner"].create(
            {"name": "Tour End Customer", "is_company": True}
        )
        alpha_order = self._sell(
            end_customer, 1, 111.0, channel_partner_id=self.alpha.id
        )
        beta_order = self._sell(end_customer, 2, 222.0, channel_partner_id=self.beta.id)
        self.assertEqual(alpha_order.channel_partner_id, self.alpha)
        self.assertEqual(beta_order.channel_partner_id, self.beta)
        beta_invoice = beta_order._create_invoices()
        beta_invoice.action_post()
        # targets of this month
        first = self.today.replace(day=1)
        Target = self.env["sales.target"]
        targets = Target.create(
            [
                {
                    "dimension": "channel_partner",
                    "channel_partner_id": partner.id,
                    "measure": "ordered",
                    "period_type": "month",
                    "date_from": first,
                    "target_value": value,
                }
                for partner, value in ((self.alpha, 77777), (self.beta, 33333))
            ]
        )
        targets.action_confirm()
        # last month's settlements, confirmed (accrued ones are not shown)
        Rebate = self.env["channel.partner.rebate"]
        rebates = Rebate._generate(
            self.agreement_alpha | self.agreement_beta, first - relativedelta(days=1)
        )
        alpha_rebate = rebates.filtered(lambda r: r.partner_id == self.alpha)
        beta_rebate = rebates.filtered(lambda r: r.partner_id == self.beta)
        self.assertTrue(alpha_rebate and beta_rebate)
        rebates.action_confirm()
        accrued = Rebate._generate(self.agreement_beta, self.today)
        self.assertEqual(accrued.state, "draft")

        self.authenticate("cp_tour_beta", "cp_tour_beta")
        pages = {
            "/my/partner/deals": (
                [beta_deal.name, "Tour Beta Open Deal", "Tour Beta Prospect"],
                [alpha_deal.name, "Tour Alpha Secret Deal", "Tour Alpha Prospect"],
            ),
            "/my/partner/orders": (
                [beta_order.name, beta_invoice.name, "444.00"],
                [alpha_order.name, self.sell_in_invoice.name, "111.00"],
            ),
            "/my/partner/targets": (["33,333.00"], ["77,777.00"]),
            "/my/partner/rebates": (
                [beta_rebate.name],
                [alpha_rebate.name, accrued.name],
            ),
            "/my/partner/agreements": (
                [self.agreement_beta.name, "Tour Partner South", "Tour Kitchen"],
                [self.agreement_alpha.name, "Tour Partner North"],
            ),
        }
        for url, (visible, hidden) in pages.items():
            with self.subTest(url=url):
                _response, text = self._get(url)
                self._assert_only(text, visible, hidden)

        # and the other way round for Alpha
        self.authenticate("cp_tour_alpha", "cp_tour_alpha")
        _response, text = self._get("/my/partner/deals")
        self._assert_only(text, [alpha_deal.name], [beta_deal.name])
        _response, text = self._get("/my/partner/rebates")
        self._assert_only(text, [alpha_rebate.name], [beta_rebate.name])

    def test_portal_sellout_upload(self):
        """A file with a bad line imports nothing and tells which line; a
        good one is imported for the uploading partner only."""
        Sellout = self.env["channel.partner.sellout"]
        self.assertFalse(Sellout.search([("partner_id", "in", self.beta.ids)]))
        customer = self.env["res.partner"].create(
            {"name": "Tour Sellout Customer", "is_company": True, "ref": "TOUR-SC"}
        )
        day = self.today.isoformat()
        bad = (
            "date,product,customer,quantity,amount\n"
            f"{day},TOUR-OVEN,TOUR-SC,2,2100\n"
            f"{day},NO-SUCH-OVEN,TOUR-SC,1,900\n"
        )
        good = (
            "date,product,customer,quantity,amount\n"
            f"{day},TOUR-OVEN,TOUR-SC,2,2100\n"
            f"{day},Tour Oven,Tour Sellout Customer,1,1050.50\n"
        )
        self.authenticate("cp_tour_beta", "cp_tour_beta")
        _response, text = self._get("/my/partner/sellout")
        self._assert_only(text, ['name="file"'])

        _response, text = self._post(
            "/my/partner/sellout",
            {"kind": "sellout"},
            {"file": ("bad.csv", bad.encode(), "text/csv")},
        )
        self._assert_only(
            text,
            [
                "Nothing was imported from bad.csv",
                "Line 3: unknown product 'NO-SUCH-OVEN'",
            ],
            ["Line 2", "lines imported"],
        )
        self.assertFalse(Sellout.search([("partner_id", "=", self.beta.id)]))
        self.assertFalse(
            self.env["channel.partner.sellout.import.log"].search(
                [("partner_id", "=", self.beta.id)]
            )
        )

        _response, text = self._post(
            "/my/partner/sellout",
            {"kind": "sellout"},
            {"file": ("good.csv", good.encode(), "text/csv")},
        )
        self._assert_only(
            text,
            ["2 lines imported from good.csv.", "Tour Sellout Customer"],
            ["Nothing was imported"],
        )
        lines = Sellout.search([("partner_id", "=", self.beta.id)], order="amount")
        self.assertRecordValues(
            lines,
            [
                {
                    "product_id": self.product.id,
                    "customer_id": customer.id,
                    "quantity": 1.0,
                    "amount": 1050.5,
                    "date": self.today,
                    "company_id": self.company.id,
                },
                {
                    "product_id": self.product.id,
                    "customer_id": customer.id,
                    "quantity": 2.0,
                    "amount": 2100.0,
                    "date": self.today,
                    "company_id": self.company.id,
                },
            ],
        )
        self.assertEqual(lines.import_id.name, "good.csv")
        self.assertEqual(lines.import_id.line_count, 2)
        self.assertFalse(Sellout.search([("partner_id", "=", self.alpha.id)]))

        # Alpha does not see Beta's lines
        self.authenticate("cp_tour_alpha", "cp_tour_alpha")
        _response, text = self._get("/my/partner/sellout")
        self._assert_only(text, hidden=["Tour Sellout Customer"])
