"""Import the addons' import templates the way the import screen does.

The templates (``static/xls/*.xlsx``, written by ``docs/import_templates.py``)
describe China with the codes and names of the demo data, so they are imported
into a company of their own, by the administrator working in that company only:
the demo's territories, channels and warehouses are in another company and the
multi-company rules keep them out of the importer's name and code lookups, as
in a database without them. The records created by a template get External IDs
in ``__import__``, which the demo data does not use.
"""

from os.path import basename

from odoo.tests import TransactionCase
from odoo.tools import file_open, mute_logger

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The options the import screen sends (base_import's import_model.js): the
# formatting options left to Odoo's guess, headers on, 2,000 rows per batch,
# tracking disabled, nothing to skip or to create on the fly.
SCREEN_OPTIONS = {
    "import_skip_records": [],
    "import_set_empty_fields": [],
    "fallback_values": {},
    "name_create_enabled_fields": {},
    "encoding": "",
    "separator": "",
    "quoting": '"',
    "date_format": "",
    "datetime_format": "",
    "float_thousand_separator": ",",
    "float_decimal_separator": ".",
    "advanced": True,
    "has_headers": True,
    "keep_matches": False,
    "limit": 2000,
    "sheets": [],
    "sheet": "",
    "skip": 0,
    "tracking_disable": True,
}


class ImportTemplateCase(TransactionCase):
    """A company of its own (in CNY, in China) and its administrator's
    environment, and :meth:`import_template`."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create(
            {
                "name": "Import Templates Co",
                "country_id": cls.env.ref("base.cn").id,
                "currency_id": cls.env.ref("base.CNY").id,
            }
        )
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.company_ids |= cls.company
        cls.import_env = cls.env(
            user=cls.admin,
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id]),
        )

    def template_path(self, model, index=0, name=None):
        """The file the import screen of ``model`` offers (its ``index``-th
        template, or the one whose file is called ``name``), as a path under
        the addons: it must exist."""
        templates = self.import_env[model].get_import_templates()
        if name:
            paths = [t["template"] for t in templates]
            found = [p for p in paths if p.rsplit("/", 1)[-1] == name]
            self.assertEqual(len(found), 1, f"{model} offers {name} once: {paths}")
            path = found[0].lstrip("/")
        else:
            path = templates[index]["template"].lstrip("/")
        with file_open(path, "rb"):
            pass
        return path

    def import_template(self, model, path=None, dryrun=False):
        """Upload the file, take the column mapping the preview proposes (every
        column must be matched), then test (``dryrun``) or import, as the
        import screen's buttons do. Returns the result of ``execute_import``:
        ``ids`` (False when nothing was imported) and ``messages``."""
        path = path or self.template_path(model)
        with file_open(path, "rb") as template:
            content = template.read()
        wizard = self.import_env["base_import.import"].create(
            {
                "res_model": model,
                "file": content,
                "file_name": basename(path),
                "file_type": XLSX,
            }
        )
        preview = wizard.parse_preview(dict(SCREEN_OPTIONS))
        self.assertFalse(preview.get("error"), f"{path}: {preview.get('error')}")
        headers = preview["headers"]
        matches = preview["matches"] or {}
        fields = [
            "/".join(matches[index]) if matches.get(index) else False
            for index in range(len(headers))
        ]
        unmatched = [h for h, f in zip(headers, fields, strict=True) if not f]
        self.assertFalse(unmatched, f"{path}: columns Odoo does not match")
        columns = [header.strip().lower() for header in headers]
        return wizard.with_context(tracking_disable=True).execute_import(
            fields, columns, dict(preview["options"]), dryrun=dryrun
        )

    def assertImported(self, result, count):
        """The import went through with ``count`` records and no message."""
        errors = [m["message"] for m in result["messages"]]
        self.assertFalse(errors, "the import reported problems")
        self.assertEqual(len(result["ids"]), count)

    def assertImportRefused(self, result, *fragments):
        """Nothing was imported, and the messages say each of ``fragments``."""
        self.assertFalse(result["ids"])
        text = "\n".join(m["message"] for m in result["messages"])
        for fragment in fragments:
            self.assertIn(fragment, text)

    def import_refused(self, model, *fragments, path=None):
        """Import the template of ``model`` (or ``path``) and check that
        nothing was imported and that the messages say each of
        ``fragments``. A row the importer cannot complete (a reference not
        found) still reaches the database, whose refusal (NOT NULL) odoo.sql_db
        logs as an error before the importer turns it into its message and
        rolls the file back: that log is muted here."""
        with mute_logger("odoo.sql_db"):
            result = self.import_template(model, path)
        self.assertImportRefused(result, *fragments)
        return result

    def xmlid(self, name):
        """A record imported with the External ID ``name``."""
        return self.import_env.ref(f"__import__.{name}")
