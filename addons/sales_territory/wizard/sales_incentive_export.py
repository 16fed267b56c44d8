import base64
import csv
import io
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import xlsxwriter


class SalesIncentiveExport(models.TransientModel):
    """Approved or paid statements as a CSV or XLSX file for payroll: one row
    per statement, downloaded as an attachment."""

    _name = "sales.incentive.export"
    _description = "Export Incentive Statements for Payroll"

    statement_ids = fields.Many2many(
        "sales.incentive.statement",
        "sales_incentive_export_statement_rel",
        "export_id",
        "statement_id",
        string="Statements",
        required=True,
        help="Only approved and paid statements are exported.",
    )
    file_format = fields.Selection(
        [("xlsx", "Excel (XLSX)"), ("csv", "CSV (UTF-8)")],
        string="Format",
        required=True,
        default="xlsx",
    )
    attachment_id = fields.Many2one("ir.attachment", readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if (
            "statement_ids" in fields_list
            and not values.get("statement_ids")
            and context.get("active_model") == "sales.incentive.statement"
            and context.get("active_ids")
        ):
            values["statement_ids"] = [fields.Command.set(context["active_ids"])]
        return values

    # ------------------------------------------------------------ content
    def _export_columns(self):
        """(title, function of a statement -> value) of the file's columns.
        Extend it to add a column (e.g. an employee number)."""
        return [
            (self.env._("Login"), lambda s: s.user_id.login),
            (self.env._("Person"), lambda s: s.user_id.name),
            (self.env._("Incentive Plan"), lambda s: s.plan_id.name),
            (self.env._("Period"), lambda s: s.period),
            (self.env._("Start"), lambda s: s.date_from),
            (self.env._("End"), lambda s: s.date_to),
            (self.env._("Target"), lambda s: s.target_value),
            (self.env._("Actual"), lambda s: s.actual_value),
            (self.env._("Achievement (%)"), lambda s: round(s.achievement, 2)),
            (self.env._("Payout (%)"), lambda s: round(s.payout_percent, 2)),
            (self.env._("Base Amount"), lambda s: s.base_amount),
            (self.env._("Payout"), lambda s: s.payout_amount),
            (self.env._("Currency"), lambda s: s.currency_id.name),
            (self.env._("Status"), lambda s: s._state_label()),
        ]

    def _export_statements(self):
        statements = self.statement_ids.sorted(
            lambda s: (s.date_from, s.plan_id.name, s.user_id.name or "", s.id)
        )
        drafts = statements.filtered(lambda s: s.state == "draft")
        if drafts:
            raise UserError(
                self.env._(
                    "Draft statements are not exported for payroll: approve "
                    "%(statements)s first, or leave them out.",
                    statements=", ".join(drafts.mapped("display_name")),
                )
            )
        return statements

    def _export_rows(self):
        """Header row, then one row per statement."""
        columns = self._export_columns()
        rows = [[title for title, _value in columns]]
        for statement in self._export_statements():
            rows.append([value(statement) for _title, value in columns])
        return rows

    def _csv_content(self, rows):
        output = io.StringIO()
        writer = csv.writer(output)
        for row in rows:
            writer.writerow(
                [
                    fields.Date.to_string(cell) if isinstance(cell, date) else cell
                    for cell in row
                ]
            )
        # with a byte order mark, so that spreadsheet programs read UTF-8
        return output.getvalue().encode("utf-8-sig")

    def _xlsx_content(self, rows):
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Incentives"))
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        amount_format = workbook.add_format({"num_format": "#,##0.00"})
        for col, title in enumerate(rows[0]):
            sheet.write(0, col, title, bold)
            sheet.set_column(col, col, max(12, len(title) + 2))
        for row_index, row in enumerate(rows[1:], start=1):
            for col, cell in enumerate(row):
                if isinstance(cell, date):
                    sheet.write_datetime(row_index, col, cell, date_format)
                elif isinstance(cell, float):
                    sheet.write_number(row_index, col, cell, amount_format)
                else:
                    sheet.write(row_index, col, cell)
        workbook.close()
        return output.getvalue()

    def action_export(self):
        """Build the file and download it."""
        self.ensure_one()
        rows = self._export_rows()
        if self.file_format == "csv":
            content, mimetype = self._csv_content(rows), "text/csv"
        else:
            content = self._xlsx_content(rows)
            mimetype = (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        name = "{}-{}.{}".format(
            self.env._("incentives"),
            fields.Date.to_string(fields.Date.context_today(self)),
            self.file_format,
        )
        self.attachment_id = self.env["ir.attachment"].create(
            {
                "name": name,
                "datas": base64.b64encode(content),
                "mimetype": mimetype,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "download",
        }
