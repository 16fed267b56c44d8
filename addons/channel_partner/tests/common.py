from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.sales_channel.tests.common import ChannelCommon


class PartnerCommon(ChannelCommon):
    """Channels and territories of sales_channel's tests, plus partners:

    tiers: Bronze (0) < Silver (1,000) < Gold (5,000)
    Alpha Distribution: distributor, Gold, exclusive in North (all products)
    Beta Resale: reseller, Silver, South
    Gamma Agency: agent, Bronze, everywhere
    each with a portal user (Alpha's and Beta's)
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tier = cls.env["channel.partner.tier"]
        Tier.search([]).write({"active": False})
        cls.pricelist_gold = cls.env["product.pricelist"].create({"name": "Gold List"})
        cls.bronze = Tier.create(
            {
                "name": "Bronze",
                "sequence": 1,
                "threshold": 0,
                "forward_weight": 1,
                "lead_capacity": 2,
            }
        )
        cls.silver = Tier.create(
            {
                "name": "Silver",
                "sequence": 2,
                "threshold": 1000,
                "forward_weight": 2,
                "lead_capacity": 5,
            }
        )
        cls.gold = Tier.create(
            {
                "name": "Gold",
                "sequence": 3,
                "threshold": 5000,
                "forward_weight": 4,
                "lead_capacity": 10,
                "pricelist_id": cls.pricelist_gold.id,
            }
        )
        cls.alpha = cls._partner("Alpha Distribution", "distributor", cls.gold)
        cls.beta = cls._partner("Beta Resale", "reseller", cls.silver)
        cls.gamma = cls._partner("Gamma Agency", "agent", cls.bronze)
        cls.alpha_user = cls._portal_user(cls.alpha, "alpha_portal")
        cls.beta_user = cls._portal_user(cls.beta, "beta_portal")
        cls.year = date.today().year
        cls.agreement_alpha = cls._agreement(
            cls.alpha, territories=cls.north, exclusive=True
        )
        cls.agreement_beta = cls._agreement(cls.beta, territories=cls.south)
        cls.agreement_gamma = cls._agreement(cls.gamma, volume_basis="ordered")
        cls.category = cls.env["product.category"].create({"name": "Appliances"})
        cls.category_sub = cls.env["product.category"].create(
            {"name": "Fridges", "parent_id": cls.category.id}
        )
        cls.category_other = cls.env["product.category"].create({"name": "Furniture"})
        cls.fridge = cls.env["product.product"].create(
            {
                "name": "Fridge",
                "type": "consu",
                "list_price": 500.0,
                "categ_id": cls.category_sub.id,
                "invoice_policy": "order",
                "default_code": "FRIDGE-1",
            }
        )
        cls.chair = cls.env["product.product"].create(
            {
                "name": "Chair",
                "type": "consu",
                "list_price": 50.0,
                "categ_id": cls.category_other.id,
                "invoice_policy": "order",
                "barcode": "5550001",
            }
        )
        cls.user_partner_manager = new_test_user(
            cls.env,
            login="cp_manager",
            groups="sales_channel.group_channel_manager",
            name="Partner Manager",
        )

    @classmethod
    def _partner(cls, name, kind, tier, **vals):
        values = {
            "name": name,
            "is_company": True,
            "is_channel_partner": True,
            "partner_kind": kind,
            "partner_tier_id": tier.id,
            "partner_lifecycle": "active",
            "email": f"{name.split()[0].lower()}@example.com",
            "country_id": cls.country.id,
            "company_id": cls.company.id,
        }
        values.update(vals)
        return cls.env["res.partner"].create(values)

    @classmethod
    def _portal_user(cls, partner, login):
        contact = cls.env["res.partner"].create(
            {"name": f"{partner.name} Contact", "parent_id": partner.id}
        )
        return cls.env["res.users"].create(
            {
                "name": contact.name,
                "login": login,
                "partner_id": contact.id,
                "groups_id": [Command.set(cls.env.ref("base.group_portal").ids)],
            }
        )

    @classmethod
    def _agreement(cls, partner, territories=None, active=True, **vals):
        values = {
            "partner_id": partner.id,
            "date_start": date(date.today().year, 1, 1),
            "date_end": date(date.today().year, 12, 31),
            "territory_ids": [Command.set(territories.ids)] if territories else [],
            "rebate_period": "quarter",
            "rebate_line_ids": [
                Command.create({"sequence": 1, "amount_from": 1000, "rate": 2.0}),
                Command.create({"sequence": 2, "amount_from": 5000, "rate": 5.0}),
            ],
        }
        values.update(vals)
        agreement = cls.env["channel.partner.agreement"].create(values)
        if active:
            agreement.action_activate()
        return agreement

    @classmethod
    def _sell(cls, customer, lines, when=None, **vals):
        """A confirmed order of (product, qty, price) lines at a date."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": p.id, "product_uom_qty": q, "price_unit": u}
                    )
                    for p, q, u in lines
                ],
                **vals,
            }
        )
        order.action_confirm()
        if when:
            order.date_order = when
        return order

    @classmethod
    def _invoice(cls, order, when):
        move = order._create_invoices()
        move.invoice_date = when
        move.action_post()
        return move
