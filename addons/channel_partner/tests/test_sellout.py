import base64
import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PartnerCommon


@tagged("post_install", "-at_install")
class TestSellout(PartnerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cust_south.ref = "C-SOUTH"
        cls.cust_north.vat = "QZ999"

    def _import(self, content, filename="sales.csv", kind="sellout", partner=None):
        wizard = self.env["channel.partner.sellout.import"].create(
            {
                "partner_id": (partner or self.alpha).id,
                "kind": kind,
                "file": base64.b64encode(content),
                "filename": filename,
            }
        )
        return wizard.action_import()

    def test_csv_import_and_report(self):
        content = (
            b"date,product,customer,quantity,amount\n"
            b"2026-01-15,FRIDGE-1,C-SOUTH,2,1000\n"
            b"2026-01-20,5550001,QZ999,10,500.50\n"
            b"2026-02-01,Fridge,North Co,1,450\n"
        )
        action = self._import(content)
        lines = self.env["channel.partner.sellout"].search(action["domain"])
        self.assertEqual(len(lines), 3)
        self.assertEqual(
            sorted(
                lines.mapped(lambda line: (line.product_id.name, line.customer_id.name))
            ),
            [("Chair", "North Co"), ("Fridge", "North Co"), ("Fridge", "South Co")],
        )
        # secondary sales by territory and product
        groups = {
            (territory, product): amount
            for territory, product, amount in self.env[
                "channel.partner.sellout"
            ]._read_group(
                [("id", "in", lines.ids)],
                ["territory_id", "product_id"],
                ["amount:sum"],
            )
        }
        self.assertEqual(groups[self.south, self.fridge], 1000.0)
        self.assertEqual(groups[self.north, self.chair], 500.5)
        self.assertEqual(groups[self.north, self.fridge], 450.0)

    def test_malformed_lines_reported_nothing_imported(self):
        content = (
            b"date;product;customer;quantity;amount\n"
            b"2026-01-15;FRIDGE-1;C-SOUTH;2;1000\n"
            b"15 January;FRIDGE-1;C-SOUTH;2;1000\n"
            b"2026-01-15;NOPE;C-SOUTH;2;1000\n"
            b"2026-01-15;FRIDGE-1;Nobody Inc;two;-5\n"
        )
        with self.assertRaises(UserError) as catcher:
            self._import(content)
        message = str(catcher.exception)
        self.assertIn("Nothing was imported", message)
        self.assertIn("Line 3: date '15 January' is not a date", message)
        self.assertIn("Line 4: unknown product 'NOPE'", message)
        self.assertIn("Line 5: quantity 'two' is not a positive number", message)
        self.assertIn("unknown customer 'Nobody Inc'", message)
        self.assertIn("amount '-5'", message)
        self.assertNotIn("Line 2", message)
        self.assertFalse(
            self.env["channel.partner.sellout"].search(
                [("partner_id", "=", self.alpha.id)]
            )
        )
        self.assertFalse(
            self.env["channel.partner.sellout.import.log"].search(
                [("partner_id", "=", self.alpha.id)]
            )
        )

    def test_bad_files(self):
        with self.assertRaisesRegex(UserError, "misses the columns customer, amount"):
            self._import(b"date,product,quantity\n2026-01-01,FRIDGE-1,1\n")
        with self.assertRaisesRegex(UserError, "not UTF-8"):
            self._import("date,product\n".encode("utf-16"))
        with self.assertRaisesRegex(UserError, "not a readable XLSX"):
            self._import(b"garbage", filename="sales.xlsx")
        with self.assertRaisesRegex(UserError, "not a channel partner"):
            self._import(b"date\n", partner=self.cust_south)

    def test_xlsx_stock_import(self):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["日期", "产品", "数量"])
        sheet.append(["2026-03-31", "FRIDGE-1", 12])
        sheet.append(["2026-03-31", "Chair", 40.5])
        buffer = io.BytesIO()
        book.save(buffer)
        action = self._import(buffer.getvalue(), filename="stock.xlsx", kind="stock")
        stock = self.env["channel.partner.stock"].search(action["domain"])
        self.assertEqual(
            sorted(stock.mapped(lambda s: (s.product_id.name, s.quantity))),
            [("Chair", 40.5), ("Fridge", 12.0)],
        )

    def test_portal_upload_is_own(self):
        """A partner's user imports for its own company only and sees only its
        own sell-out."""
        content = (
            "date,product,customer,quantity,amount\n"
            "2026-01-15,FRIDGE-1,C-SOUTH,2,1000\n"
        )
        Import = self.env["channel.partner.sellout.import"]
        Import.with_user(self.beta_user).sudo()._import_file(
            content.encode(),
            "beta.csv",
            "sellout",
            self.beta_user.commercial_partner_id,
        )
        self._import(content.encode())
        Sellout = self.env["channel.partner.sellout"].with_user(self.beta_user)
        self.assertEqual(Sellout.search([]).partner_id, self.beta)
