"""Install on a database that already has orders, leads and invoices: the
channel columns are created here, so that the ORM does not compute them record
by record. Documents sold before channels existed keep no channel, except the
orders of customers that already have one (the demo data)."""

from odoo.tools import SQL

TABLES = ("sale_order", "crm_lead", "account_move")


def pre_init_hook(env):
    for table in TABLES:
        env.cr.execute(
            SQL(
                "ALTER TABLE %s ADD COLUMN IF NOT EXISTS channel_id int4",
                SQL.identifier(table),
            )
        )


def post_init_hook(env):
    """Orders of customers that have a channel (the demo data) take it."""
    env["sale.order"]._fill_channel_from_customers()
