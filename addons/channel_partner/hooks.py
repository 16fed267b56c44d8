"""Install on a database with orders, invoices and leads: the new columns of
those tables are created here, so that the ORM does not compute them record
by record."""

from odoo.tools import SQL


def pre_init_hook(env):
    env.cr.execute(
        SQL(
            """ALTER TABLE sale_order ADD COLUMN IF NOT EXISTS channel_partner_id int4;
               ALTER TABLE account_move
                   ADD COLUMN IF NOT EXISTS channel_partner_id int4;"""
        )
    )
