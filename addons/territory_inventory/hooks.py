"""Install on a database with orders and transfers: the new stored columns
are created (and the transfers' territory filled) in SQL here, so that the ORM
does not compute them record by record."""

from odoo.tools import SQL


def pre_init_hook(env):
    env.cr.execute(
        SQL(
            """ALTER TABLE sale_order
                   ADD COLUMN IF NOT EXISTS warehouse_source varchar,
                   ADD COLUMN IF NOT EXISTS warehouse_manual boolean,
                   ADD COLUMN IF NOT EXISTS sourcing_rule_id int4;
               ALTER TABLE stock_picking
                   ADD COLUMN IF NOT EXISTS territory_id int4"""
        )
    )
    env.cr.execute(
        SQL(
            """UPDATE stock_picking p SET territory_id = c.territory_id
                 FROM res_partner pa
                 JOIN res_partner c ON c.id = pa.commercial_partner_id
                WHERE pa.id = p.partner_id AND c.territory_id IS NOT NULL"""
        )
    )
    env.cr.execute(
        SQL(
            """UPDATE stock_picking p SET territory_id = o.territory_id
                 FROM sale_order o
                WHERE o.id = p.sale_id AND o.territory_id IS NOT NULL"""
        )
    )
