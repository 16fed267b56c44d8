from datetime import date, datetime

import psycopg2

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PartnerCommon


@tagged("post_install", "-at_install")
class TestRebate(PartnerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.channel_exclusivity_mode = "warn"
        y = cls.year
        cls.q1 = (date(y, 1, 1), date(y, 3, 31))
        # Alpha buys (sell-in, invoiced): Q1 3,000 + 1,500 fridges, 400 chairs;
        # a credit note of 500 in Q1; 9,000 in Q2.
        cls.alpha_orders = [
            cls._sell(cls.alpha, [(cls.fridge, 6, 500.0)], datetime(y, 1, 15, 10)),
            cls._sell(cls.alpha, [(cls.fridge, 3, 500.0)], datetime(y, 2, 15, 10)),
            cls._sell(cls.alpha, [(cls.chair, 8, 50.0)], datetime(y, 3, 15, 10)),
            cls._sell(cls.alpha, [(cls.fridge, 18, 500.0)], datetime(y, 4, 15, 10)),
        ]
        for order, day in zip(
            cls.alpha_orders,
            (date(y, 1, 20), date(y, 2, 20), date(y, 3, 20), date(y, 4, 20)),
            strict=True,
        ):
            cls._invoice(order, day)
        refund = cls.alpha_orders[0].invoice_ids._reverse_moves()
        refund.invoice_line_ids.quantity = 1
        refund.invoice_date = date(y, 3, 25)
        refund.action_post()
        # Gamma (agent) brings orders of end customers: ordered basis, monthly
        cls.agreement_gamma.rebate_period = "month"
        cls._sell(
            cls.cust_south,
            [(cls.fridge, 2, 500.0)],
            datetime(y, 5, 3, 10),
            channel_partner_id=cls.gamma.id,
        )
        cls._sell(
            cls.cust_north,
            [(cls.chair, 10, 50.0)],
            datetime(y, 5, 20, 10),
            channel_partner_id=cls.gamma.id,
        )
        cls._sell(
            cls.cust_south,
            [(cls.fridge, 100, 500.0)],
            datetime(y, 6, 3, 10),
            channel_partner_id=cls.gamma.id,
        )

    def _settle(self, agreement, day):
        return self.env["channel.partner.rebate"]._generate(agreement, day)

    def test_distributor_quarter_by_hand(self):
        """Q1 invoiced: 3,000 + 1,500 + 400 - 500 (credit note) = 4,400;
        step 1,000 (2 %) reached, 5,000 not: 88.00."""
        rebate = self._settle(self.agreement_alpha, date(self.year, 2, 1))
        self.assertEqual((rebate.date_from, rebate.date_to), self.q1)
        self.assertAlmostEqual(rebate.volume, 4400.0)
        self.assertEqual(rebate.rate, 2.0)
        self.assertAlmostEqual(rebate.amount, 88.0)
        self.assertEqual(rebate.kind, "rebate")
        # Q2: 9,000 reaches 5,000: 5 % of the whole = 450
        q2 = self._settle(self.agreement_alpha, date(self.year, 5, 1))
        self.assertAlmostEqual(q2.volume, 9000.0)
        self.assertAlmostEqual(q2.amount, 450.0)

    def test_settlement_in_the_background(self):
        """The wizard over more agreements than the company's threshold: a
        background job accrues them; recomputing many settlements too."""
        Job = self.env["sales.territory.job"]
        self.company.background_job_threshold = 1
        agreements = self.agreement_alpha | self.agreement_gamma
        wizard = self.env["channel.partner.rebate.generate"].create(
            {"date": date(self.year, 2, 1), "agreement_ids": agreements.ids}
        )
        action = wizard.action_generate()
        self.assertEqual(action["tag"], "display_notification")
        Rebate = self.env["channel.partner.rebate"]
        self.assertFalse(Rebate.search([("agreement_id", "in", agreements.ids)]))
        Job._cron_run()
        job = Job.search([("method", "=", "_job_generate")])
        self.assertEqual(job.state, "done", job.error)
        rebates = Rebate.search([("agreement_id", "in", agreements.ids)])
        alpha = rebates.filtered(lambda r: r.agreement_id == self.agreement_alpha)
        self.assertEqual((alpha.date_from, alpha.date_to), self.q1)
        self.assertAlmostEqual(alpha.amount, 88.0)  # as by hand above
        self.assertEqual(len(rebates), 2)
        self.assertIn("2 rebate settlements", job.result)

        # recompute both: in the background too, the figures kept right
        rebates.volume = 0.0
        self.assertEqual(rebates.action_compute()["tag"], "display_notification")
        Job._cron_run()
        self.assertAlmostEqual(alpha.volume, 4400.0)
        # one: at once
        self.company.background_job_threshold = 1000
        alpha.volume = 0.0
        self.assertIs(alpha.action_compute(), True)
        self.assertAlmostEqual(alpha.volume, 4400.0)

    def test_categories_restrict_volume(self):
        """Only Appliances (and its Fridges): Q1 = 3,000 + 1,500 - 500."""
        self.agreement_alpha.categ_ids = [Command.set(self.category.ids)]
        rebate = self._settle(self.agreement_alpha, date(self.year, 1, 10))
        self.assertAlmostEqual(rebate.volume, 4000.0)
        self.assertAlmostEqual(rebate.amount, 80.0)

    def test_ordered_basis_agent_commission(self):
        """May: 1,000 + 500 = 1,500 ordered through Gamma: 2 % = 30 (a
        commission); June: 50,000: 5 % = 2,500."""
        may = self._settle(self.agreement_gamma, date(self.year, 5, 31))
        self.assertEqual(may.kind, "commission")
        self.assertAlmostEqual(may.volume, 1500.0)
        self.assertAlmostEqual(may.amount, 30.0)
        june = self._settle(self.agreement_gamma, date(self.year, 6, 1))
        self.assertAlmostEqual(june.amount, 2500.0)
        april = self._settle(self.agreement_gamma, date(self.year, 4, 1))
        self.assertEqual(april.volume, 0.0)
        self.assertEqual(april.amount, 0.0)

    def test_below_first_step(self):
        self.agreement_beta.rebate_line_ids[0].amount_from = 100000
        self.agreement_beta.rebate_line_ids[1].amount_from = 200000
        self._sell(
            self.cust_south,
            [(self.fridge, 2, 500.0)],
            datetime(self.year, 2, 1, 10),
            channel_partner_id=self.beta.id,
        )
        self.agreement_beta.volume_basis = "ordered"
        rebate = self._settle(self.agreement_beta, date(self.year, 2, 1))
        self.assertAlmostEqual(rebate.volume, 1000.0)
        self.assertEqual(rebate.rate, 0.0)
        self.assertEqual(rebate.amount, 0.0)

    def test_credit_note_and_no_double_settlement(self):
        rebate = self._settle(self.agreement_alpha, date(self.year, 2, 1))
        rebate.action_confirm()
        action = rebate.action_create_document()
        move = rebate.move_id
        self.assertEqual(action["res_id"], move.id)
        self.assertEqual(move.move_type, "out_refund")
        self.assertEqual(move.partner_id, self.alpha)
        self.assertAlmostEqual(move.amount_untaxed, 88.0)
        self.assertEqual(rebate.state, "done")
        self.assertEqual(rebate.action_view_document()["res_id"], move.id)
        # generating the period again returns the same settlement
        self.assertEqual(
            self._settle(self.agreement_alpha, date(self.year, 3, 1)), rebate
        )
        # a second settlement of the period by hand is refused
        with self.assertRaisesRegex(ValidationError, "already settled"):
            self.env["channel.partner.rebate"].create(
                {
                    "agreement_id": self.agreement_alpha.id,
                    "date_from": date(self.year, 3, 1),
                    "date_to": date(self.year, 3, 31),
                }
            )
        # the database refuses it too (two settlements started at once)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                """INSERT INTO channel_partner_rebate
                       (name, agreement_id, company_id, date_from, date_to,
                        settled_from, state)
                   VALUES ('X', %s, %s, %s, %s, %s, 'draft')""",
                [
                    self.agreement_alpha.id,
                    self.company.id,
                    self.q1[0],
                    self.q1[1],
                    self.q1[0],
                ],
            )
        # the rebate's own credit note (dated today) does not lower the
        # volume of its period
        move.action_post()
        current = self._settle(self.agreement_alpha, move.invoice_date)
        self.assertEqual(current.volume, 0.0)
        with self.assertRaisesRegex(UserError, "posted"):
            rebate.action_cancel()

    def test_vendor_bill_for_agent(self):
        rebate = self._settle(self.agreement_gamma, date(self.year, 5, 31))
        rebate.action_confirm()
        rebate.action_create_document()
        self.assertEqual(rebate.move_id.move_type, "in_invoice")
        self.assertEqual(rebate.move_id.partner_id, self.gamma)
        self.assertAlmostEqual(rebate.move_id.amount_untaxed, 30.0)

    def test_states(self):
        rebate = self._settle(self.agreement_alpha, date(self.year, 2, 1))
        with self.assertRaisesRegex(UserError, "Confirm settlement"):
            rebate.action_create_document()
        rebate.action_confirm()
        with self.assertRaisesRegex(UserError, "not accrued"):
            rebate.action_confirm()
        with self.assertRaisesRegex(UserError, "Only accrued"):
            rebate.action_compute()
        rebate.action_cancel()
        self.assertEqual(rebate.state, "cancel")
        # a cancelled settlement frees the period
        again = self._settle(self.agreement_alpha, date(self.year, 2, 1))
        self.assertNotEqual(again, rebate)
        self.assertAlmostEqual(again.amount, 88.0)
        zero = self._settle(self.agreement_gamma, date(self.year, 4, 1))
        zero.action_confirm()
        with self.assertRaisesRegex(UserError, "amounts to nothing"):
            zero.action_create_document()

    def test_accrual_cron(self):
        """The cron accrues the running period and updates the accrued ones,
        leaving confirmed settlements alone."""
        Rebate = self.env["channel.partner.rebate"]
        accrued = Rebate._cron_accrue(today=date(self.year, 2, 10))
        alpha = accrued.filtered(lambda r: r.agreement_id == self.agreement_alpha)
        # the agreement starts on 1/1: no previous quarter to settle
        self.assertEqual(alpha.date_from, date(self.year, 1, 1))
        current = alpha
        self.assertAlmostEqual(current.amount, 88.0)
        self._sell(
            self.alpha, [(self.fridge, 2, 500.0)], datetime(self.year, 2, 12, 10)
        )
        self._invoice(
            self.alpha.sale_order_ids.sorted("id")[-1], date(self.year, 2, 12)
        )
        Rebate._cron_accrue(today=date(self.year, 2, 13))
        self.assertAlmostEqual(current.volume, 5400.0)
        self.assertAlmostEqual(current.amount, 270.0)
        current.action_confirm()
        self._sell(
            self.alpha, [(self.fridge, 2, 500.0)], datetime(self.year, 2, 14, 10)
        )
        self._invoice(
            self.alpha.sale_order_ids.sorted("id")[-1], date(self.year, 2, 14)
        )
        Rebate._cron_accrue(today=date(self.year, 2, 15))
        self.assertAlmostEqual(current.volume, 5400.0)
