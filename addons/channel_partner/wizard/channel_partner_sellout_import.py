import base64
import csv
import io
from datetime import date, datetime

from odoo import api, fields, models
from odoo.exceptions import UserError

# header aliases (English and Chinese) -> column
COLUMNS = {
    "date": "date",
    "日期": "date",
    "product": "product",
    "产品": "product",
    "customer": "customer",
    "客户": "customer",
    "quantity": "quantity",
    "qty": "quantity",
    "数量": "quantity",
    "amount": "amount",
    "金额": "amount",
}
REQUIRED = {
    "sellout": ("date", "product", "customer", "quantity", "amount"),
    "stock": ("date", "product", "quantity"),
}
MAX_REPORTED = 50


class ChannelPartnerSelloutImport(models.TransientModel):
    """Upload of a distributor's sell-out or stock (CSV or XLSX): every line
    is checked first; any error is reported line by line and nothing is
    imported."""

    _name = "channel.partner.sellout.import"
    _description = "Import Sell-out or Partner Stock"

    partner_id = fields.Many2one(
        "res.partner",
        string="Distributor",
        required=True,
        domain="[('is_channel_partner', '=', True), ('is_company', '=', True)]",
    )
    kind = fields.Selection(
        [("sellout", "Sell-out"), ("stock", "Stock")],
        required=True,
        default="sellout",
    )
    file = fields.Binary(required=True)
    filename = fields.Char()

    def action_import(self):
        self.ensure_one()
        log = self._import_file(
            base64.b64decode(self.file or b""),
            self.filename or "",
            self.kind,
            self.partner_id.commercial_partner_id,
        )
        model = (
            "channel.partner.sellout"
            if self.kind == "sellout"
            else "channel.partner.stock"
        )
        return {
            "type": "ir.actions.act_window",
            "name": log.name,
            "res_model": model,
            "view_mode": "list,pivot,form",
            "domain": [("import_id", "=", log.id)],
        }

    # ------------------------------------------------------------ parsing
    @api.model
    def _read_rows(self, content, filename):
        """[(line number, {column: raw value})] of a CSV or XLSX file."""
        if not content:
            raise UserError(self.env._("The file is empty."))
        if filename.lower().endswith((".xlsx", ".xlsm")):
            try:
                import openpyxl

                book = openpyxl.load_workbook(
                    io.BytesIO(content), read_only=True, data_only=True
                )
            except Exception as error:
                raise UserError(
                    self.env._("%(file)s is not a readable XLSX file.", file=filename)
                ) from error
            table = [list(row) for row in book.active.iter_rows(values_only=True)]
        else:
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise UserError(
                    self.env._(
                        "%(file)s is not UTF-8 text: save it as CSV UTF-8 or XLSX.",
                        file=filename,
                    )
                ) from error
            try:
                dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], ",;\t")
            except csv.Error:
                dialect = csv.excel
            table = list(csv.reader(io.StringIO(text), dialect))
        if not table:
            raise UserError(self.env._("The file is empty."))
        header = [COLUMNS.get(str(name or "").strip().lower()) for name in table[0]]
        rows = []
        for number, values in enumerate(table[1:], start=2):
            if not any(str(v or "").strip() for v in values):
                continue
            rows.append(
                (
                    number,
                    {
                        column: value
                        for column, value in zip(header, values, strict=False)
                        if column
                    },
                )
            )
        return header, rows

    @api.model
    def _parse_date(self, value):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value or "").strip()
        for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%Y.%m.%d"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        return None

    @api.model
    def _parse_number(self, value):
        if isinstance(value, int | float):
            return float(value)
        text = str(value or "").strip().replace(",", "")
        try:
            return float(text)
        except ValueError:
            return None

    @api.model
    def _lookup(self, rows, company):
        """Products (by internal reference, barcode or name) and customers (by
        reference, tax ID or name) of the rows, in a few queries."""
        keys = {str(r.get("product") or "").strip() for _n, r in rows} - {""}
        Product = self.env["product.product"].with_context(active_test=True)
        company_domain = [("company_id", "in", (False, company.id))]
        products = {}
        for field in ("name", "barcode", "default_code"):
            for product in Product.search([(field, "in", list(keys))] + company_domain):
                products[product[field]] = product
        names = {str(r.get("customer") or "").strip() for _n, r in rows} - {""}
        Partner = self.env["res.partner"]
        customers = {}
        for field in ("name", "vat", "ref"):
            for partner in Partner.search(
                [(field, "in", list(names))] + company_domain
            ):
                customers.setdefault(partner[field], partner.commercial_partner_id)
                if field != "name":
                    customers[partner[field]] = partner.commercial_partner_id
        return products, customers

    @api.model
    def _validate(self, rows, kind, partner, company):
        """Values to create and errors (line number, message)."""
        products, customers = self._lookup(rows, company)
        values, errors = [], []
        for number, row in rows:
            line_errors = []
            day = self._parse_date(row.get("date"))
            if not day:
                line_errors.append(
                    self.env._(
                        "date %(value)r is not a date (YYYY-MM-DD)",
                        value=str(row.get("date") or ""),
                    )
                )
            product_key = str(row.get("product") or "").strip()
            product = products.get(product_key)
            if not product:
                line_errors.append(
                    self.env._("unknown product %(value)r", value=product_key)
                )
            quantity = self._parse_number(row.get("quantity"))
            if (
                quantity is None
                or quantity < 0
                or (kind == "sellout" and quantity == 0)
            ):
                line_errors.append(
                    self.env._(
                        "quantity %(value)r is not a positive number",
                        value=str(row.get("quantity") or ""),
                    )
                )
            vals = {
                "partner_id": partner.id,
                "company_id": company.id,
                "date": day,
                "product_id": product.id if product else False,
                "quantity": quantity,
            }
            if kind == "sellout":
                customer_key = str(row.get("customer") or "").strip()
                customer = customers.get(customer_key)
                if not customer:
                    line_errors.append(
                        self.env._("unknown customer %(value)r", value=customer_key)
                    )
                amount = self._parse_number(row.get("amount"))
                if amount is None or amount < 0:
                    line_errors.append(
                        self.env._(
                            "amount %(value)r is not a number of zero or more",
                            value=str(row.get("amount") or ""),
                        )
                    )
                vals.update(
                    customer_id=customer.id if customer else False, amount=amount
                )
            if line_errors:
                errors.extend((number, error) for error in line_errors)
            else:
                values.append(vals)
        return values, errors

    @api.model
    def _import_file(self, content, filename, kind, partner):
        """Check every line, then import all of them or none."""
        partner = partner.commercial_partner_id
        if not partner.is_channel_partner:
            raise UserError(
                self.env._(
                    "%(partner)s is not a channel partner.",
                    partner=partner.display_name,
                )
            )
        company = partner.company_id or self.env.company
        header, rows = self._read_rows(content, filename)
        missing = [column for column in REQUIRED[kind] if column not in header]
        if missing:
            raise UserError(
                self.env._(
                    "%(file)s misses the columns %(columns)s (the first line names "
                    "the columns; download the template).",
                    file=filename,
                    columns=", ".join(missing),
                )
            )
        if not rows:
            raise UserError(self.env._("%(file)s has no lines.", file=filename))
        values, errors = self._validate(rows, kind, partner, company)
        if errors:
            lines = [
                self.env._("Line %(line)s: %(error)s", line=number, error=error)
                for number, error in errors[:MAX_REPORTED]
            ]
            if len(errors) > MAX_REPORTED:
                lines.append(
                    self.env._(
                        "... and %(count)s more lines.",
                        count=len(errors) - MAX_REPORTED,
                    )
                )
            raise UserError(
                self.env._(
                    "Nothing was imported from %(file)s; correct these lines and "
                    "upload it again:\n%(lines)s",
                    file=filename,
                    lines="\n".join(lines),
                )
            )
        log = self.env["channel.partner.sellout.import.log"].create(
            {
                "name": filename or self.env._("Upload"),
                "partner_id": partner.id,
                "company_id": company.id,
                "kind": kind,
                "line_count": len(values),
            }
        )
        model = (
            "channel.partner.sellout" if kind == "sellout" else "channel.partner.stock"
        )
        self.env[model].create([dict(vals, import_id=log.id) for vals in values])
        return log
