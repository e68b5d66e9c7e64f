"""Product search indexes: name contains (pg_trgm), SKU and EAN prefixes

Revision ID: 0011_product_search
Revises: 0010_order_cost_total
Create Date: 2026-12-01

The product list and GET /products search ``lower(name) LIKE '%q%' OR sku LIKE 'Q%'`` (and
``ean LIKE 'digits%'`` for numeric queries). Without these every search read the tenant's
whole catalog (6-7 ms at 20,000 products, for the page and again for its count); with them
PostgreSQL answers with a BitmapOr of the three indexes (about 1 ms). pg_trgm is created
by 0003_customers; SQLite gets plain indexes on the same columns.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_product_search"
down_revision = "0010_order_cost_total"
branch_labels = None
depends_on = None


def upgrade():
    name_lower = sa.literal_column("lower(name)").label("name_lower")
    with op.batch_alter_table("products") as batch_op:
        batch_op.create_index(
            "ix_products_name_trgm",
            [name_lower],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"name_lower": "gin_trgm_ops"},
        )
        batch_op.create_index(
            "ix_products_tenant_sku_prefix",
            ["tenant_id", "sku"],
            unique=False,
            postgresql_ops={"sku": "text_pattern_ops"},
        )
        batch_op.create_index(
            "ix_products_tenant_ean_prefix",
            ["tenant_id", "ean"],
            unique=False,
            postgresql_ops={"ean": "text_pattern_ops"},
            postgresql_where=sa.text("ean IS NOT NULL"),
            sqlite_where=sa.text("ean IS NOT NULL"),
        )


def downgrade():
    with op.batch_alter_table("products") as batch_op:
        batch_op.drop_index("ix_products_tenant_ean_prefix")
        batch_op.drop_index("ix_products_tenant_sku_prefix")
        batch_op.drop_index("ix_products_name_trgm")
