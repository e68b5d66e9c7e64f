"""reports: partial, covering indexes for the period aggregates (dashboard, rankings, ABC)

Revision ID: 0009_reports
Revises: 0008_carts
Create Date: 2026-11-22

Declared in webapp/reports/models.py. PostgreSQL gets INCLUDE columns so the aggregates are
index-only scans; SQLite gets the same keys (and partial WHERE) without INCLUDE.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_reports"
down_revision = '0008_carts'
branch_labels = None
depends_on = None

REVENUE_WHERE = sa.text("status IN ('paid', 'shipped', 'delivered')")
REFUND_WHERE = sa.text("status = 'cancelled' AND paid_at IS NOT NULL")


def upgrade():
    with op.batch_alter_table("ledger_transactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_transactions_reports_kind",
            ["tenant_id", "kind", "created_at"],
            unique=False,
            postgresql_include=["amount", "order_id"],
        )

    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_order_lines_reports_order",
            ["order_id"],
            unique=False,
            postgresql_include=[
                "tenant_id",
                "product_id",
                "qty",
                "line_total",
                "cost_price",
                "category_name",
            ],
        )

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_orders_reports_refunds",
            ["tenant_id", "cancelled_at"],
            unique=False,
            postgresql_include=["total", "seller_id"],
            postgresql_where=REFUND_WHERE,
            sqlite_where=REFUND_WHERE,
        )
        batch_op.create_index(
            "ix_orders_reports_revenue",
            ["tenant_id", "paid_at"],
            unique=False,
            postgresql_include=["total", "tax_total", "seller_id", "customer_id", "payment_method"],
            postgresql_where=REVENUE_WHERE,
            sqlite_where=REVENUE_WHERE,
        )


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_reports_revenue")
        batch_op.drop_index("ix_orders_reports_refunds")

    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_order_lines_reports_order")

    with op.batch_alter_table("ledger_transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_transactions_reports_kind")
