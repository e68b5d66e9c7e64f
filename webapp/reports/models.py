"""Indexes the reports need on other modules' tables (reports own no tables).

Declared here, next to the queries they serve, so the sales and wallet models stay as their
owners wrote them; the migration 0009_reports creates them. On PostgreSQL they are partial
and covering, so the period aggregates are index-only scans:

- revenue orders by (tenant, paid_at) carrying the amounts (cost_total too, 0010) and
  grouping keys;
- refunds (paid then cancelled) by (tenant, cancelled_at);
- cashback transactions by (tenant, kind, created_at) carrying amount and order;
- order lines by order carrying what COGS, categories and the ABC curve sum.
"""

from __future__ import annotations

from sqlalchemy import Index, text

from webapp.sales.models import Order, OrderLine
from webapp.wallet.models import LedgerTransaction

REVENUE_WHERE = text("status IN ('paid', 'shipped', 'delivered')")
REFUND_WHERE = text("status = 'cancelled' AND paid_at IS NOT NULL")

orders = Order.__table__
lines = OrderLine.__table__
ledger = LedgerTransaction.__table__

revenue_orders = Index(
    "ix_orders_reports_revenue",
    orders.c.tenant_id,
    orders.c.paid_at,
    postgresql_include=[
        "total",
        "tax_total",
        "cost_total",
        "seller_id",
        "customer_id",
        "payment_method",
    ],
    postgresql_where=REVENUE_WHERE,
    sqlite_where=REVENUE_WHERE,
)
refund_orders = Index(
    "ix_orders_reports_refunds",
    orders.c.tenant_id,
    orders.c.cancelled_at,
    postgresql_include=["total", "seller_id"],
    postgresql_where=REFUND_WHERE,
    sqlite_where=REFUND_WHERE,
)
ledger_by_kind = Index(
    "ix_ledger_transactions_reports_kind",
    ledger.c.tenant_id,
    ledger.c.kind,
    ledger.c.created_at,
    postgresql_include=["amount", "order_id"],
)
lines_by_order = Index(
    "ix_order_lines_reports_order",
    lines.c.order_id,
    postgresql_include=[
        "tenant_id",
        "product_id",
        "qty",
        "line_total",
        "cost_price",
        "category_name",
    ],
)
