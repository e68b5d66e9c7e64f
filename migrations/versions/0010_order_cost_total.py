"""orders.cost_total: per-order cost of goods snapshot, backfilled; revenue index carries it

Revision ID: 0010_order_cost_total
Revises: 0009_reports
Create Date: 2026-11-22

cost_total = sum(order_lines.cost_price * qty) of the order, written at checkout (lines never
change afterwards). The dashboard's COGS then sums orders instead of visiting every line of the
period. Existing orders are backfilled from their lines in one statement; the partial covering
revenue index is rebuilt to INCLUDE cost_total on PostgreSQL so the summary stays index-only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_order_cost_total"
down_revision = "0009_reports"
branch_labels = None
depends_on = None

REVENUE_WHERE = sa.text("status IN ('paid', 'shipped', 'delivered')")
REVENUE_INCLUDE = ["total", "tax_total", "seller_id", "customer_id", "payment_method"]

BACKFILL_POSTGRESQL = """
UPDATE orders SET cost_total = s.cost
FROM (SELECT order_id, sum(cost_price * qty) AS cost FROM order_lines GROUP BY order_id) s
WHERE s.order_id = orders.id
"""
# SQLite's UPDATE ... FROM needs 3.33; a correlated subquery works everywhere. The sum is
# rounded because SQLite computes NUMERIC arithmetic in floating point.
BACKFILL_SQLITE = """
UPDATE orders SET cost_total = (
    SELECT round(sum(l.cost_price * l.qty), 2) FROM order_lines l WHERE l.order_id = orders.id
)
WHERE EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = orders.id)
"""


def _revenue_index(batch_op, include: list[str]) -> None:
    batch_op.create_index(
        "ix_orders_reports_revenue",
        ["tenant_id", "paid_at"],
        unique=False,
        postgresql_include=include,
        postgresql_where=REVENUE_WHERE,
        sqlite_where=REVENUE_WHERE,
    )


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "cost_total", sa.Numeric(precision=14, scale=2), nullable=False, server_default="0"
            )
        )
    bind = op.get_bind()
    op.execute(BACKFILL_POSTGRESQL if bind.dialect.name == "postgresql" else BACKFILL_SQLITE)
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_reports_revenue")
        _revenue_index(batch_op, [*REVENUE_INCLUDE[:2], "cost_total", *REVENUE_INCLUDE[2:]])


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_reports_revenue")
        _revenue_index(batch_op, REVENUE_INCLUDE)
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("cost_total")
