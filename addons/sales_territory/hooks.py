"""Install on a database that already has customers and documents.

The territory columns of orders, leads and invoices are created here before
the ORM sees them, so that installing does not recompute them record by
record; they are then filled in SQL from the customers, and the customers are
assigned by the rules with one realignment (audit log included)."""

from odoo.tools import SQL

DOCUMENT_TABLES = {
    "sale_order": SQL("TRUE"),
    "crm_lead": SQL("TRUE"),
    "account_move": SQL("d.move_type IN ('out_invoice', 'out_refund', 'out_receipt')"),
}


def pre_init_hook(env):
    for table in DOCUMENT_TABLES:
        env.cr.execute(
            SQL(
                "ALTER TABLE %s ADD COLUMN IF NOT EXISTS territory_id int4",
                SQL.identifier(table),
            )
        )
    # which step chose the pricelist: unknown (empty) for existing orders
    env.cr.execute(
        SQL("ALTER TABLE sale_order ADD COLUMN IF NOT EXISTS pricelist_source varchar")
    )


def post_init_hook(env):
    assign_existing_customers(env)


def assign_existing_customers(env):
    """Assign unassigned customers by the rules, then their documents."""
    Realignment = env["sales.territory.realignment"]
    for company in env["res.company"].search([]):
        has_rules = env["sales.territory.rule"].search_count(
            [("company_id", "=", company.id)], limit=1
        )
        if not (has_rules and company.territory_auto_assign):
            continue
        realignment = Realignment.create(
            {
                "name": env._("Assignment at installation"),
                "company_id": company.id,
                "scope": "unassigned",
                "carry_open_documents": False,
            }
        )
        realignment.action_preview()
        if realignment.line_ids:
            realignment.with_context(territory_background=False).action_apply()
        else:
            realignment.unlink()
    env.flush_all()
    for table, condition in DOCUMENT_TABLES.items():
        env.cr.execute(
            SQL(
                """UPDATE %(table)s d SET territory_id = p.territory_id
                     FROM res_partner p
                     JOIN sales_territory t ON t.id = p.territory_id
                    WHERE p.id = d.partner_id AND d.territory_id IS NULL
                      AND t.company_id = d.company_id AND %(condition)s""",
                table=SQL.identifier(table),
                condition=condition,
            )
        )
    for model in ("sale.order", "crm.lead", "account.move"):
        env[model].invalidate_model(["territory_id"])


def uninstall_hook(env):
    # After this hook Odoo deletes, one by one, the records of the module's XML
    # ids (the demo's), then drops the module's columns and tables. Territories
    # and realignments go with their tables instead: customers and
    # sub-territories still point at the territories (restrict), and deleting a
    # realignment deletes its rows of the plain table dropped below, so each
    # deletion would fail (an ERROR in the log) before the table is dropped.
    env.cr.execute(
        SQL(
            "DELETE FROM ir_model_data WHERE module = 'sales_territory' "
            "AND model = ANY(%s)",
            ["sales.territory", "sales.territory.realignment"],
        )
    )
    # plain table of the realignment lines (see sales.territory.realignment.line)
    env.cr.execute(SQL("DROP TABLE IF EXISTS sales_territory_realignment_result"))
    env["ir.config_parameter"].sudo().search(
        [("key", "=like", "sales_territory.%")]
    ).unlink()
