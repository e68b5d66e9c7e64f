"""On PostgreSQL an order list page is read in order from an index, however many orders tie.

A test database is too small for the planner to prefer an index over sorting everything, so
sorting is priced out (enable_sort off): the plan still sorts if no index delivers the order.
"""

from __future__ import annotations

from sqlalchemy import text

from tests.conftest import explain, in_tenant, requires_postgres
from webapp.demo import DEMO_ADMIN, seed_demo
from webapp.extensions import db
from webapp.identity import services as identity
from webapp.sales.models import Order
from webapp.sales.services.queries import order_rows_query

pytestmark = requires_postgres


def test_orders_sharing_a_timestamp_need_no_sort_for_a_page(app):
    with app.app_context():
        tenant_id = seed_demo(echo=lambda _: None, customers=40, products=20, orders=400)
        # An import, or a busy second: most orders on one instant.
        db.session.execute(text("UPDATE orders SET created_at = now() WHERE id % 4 <> 0"))
        db.session.execute(text("ANALYZE orders"))
        db.session.commit()
    with in_tenant(app, tenant_id):
        admin = identity.find_user_by_email(DEMO_ADMIN)
        seller_id = db.session.scalar(text("SELECT max(seller_id) FROM orders"))
        customer_id = db.session.scalar(text("SELECT min(customer_id) FROM orders"))
        db.session.execute(text("SET LOCAL enable_sort = off"))
        for filters in ({}, {"seller_id": seller_id}, {"customer_id": customer_id}):
            # explain() compiles without the session's tenant criteria: add it as the app does.
            query = order_rows_query(admin, **filters).where(Order.tenant_id == tenant_id)
            page = query.limit(26)
            explained = explain(page)
            assert "Sort" not in explained, f"{filters}:\n{explained}"
