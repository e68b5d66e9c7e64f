"""Real threads, each with its own app context and PostgreSQL connection."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from tests.conftest import in_tenant, requires_postgres
from tests.sales.orders_factory import counts, make_shop, product, sell
from webapp.catalog import services as catalog
from webapp.catalog.errors import InsufficientStock
from webapp.catalog.models import StockMovement
from webapp.extensions import db

pytestmark = requires_postgres


@pytest.fixture
def shop(app, tenant, make_user):
    return make_shop(app, tenant, make_user)


def run_together(app, tenant_id: int, count: int, work) -> list:
    barrier = threading.Barrier(count)

    def one(i: int):
        with in_tenant(app, tenant_id):
            barrier.wait()
            try:
                return work(i)
            except InsufficientStock as exc:
                return exc

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_40_simultaneous_checkouts_of_a_product_with_stock_10(app, shop):
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10)

    outcomes = run_together(app, shop.tenant_id, 40, lambda i: sell(shop, [(p, 1)]).id)

    orders = [o for o in outcomes if isinstance(o, int)]
    refusals = [o for o in outcomes if isinstance(o, InsufficientStock)]
    assert len(orders) == 10 and len(set(orders)) == 10
    assert len(refusals) == 30
    assert all("Estoque insuficiente" in r.message and "items.0" in r.fields for r in refusals)
    with in_tenant(app, shop.tenant_id):
        assert catalog.get_product(p).stock_qty == 0
        sales_moves = db.session.scalars(
            select(StockMovement).where(StockMovement.kind == "sale")
        ).all()
        assert len(sales_moves) == 10 and {m.order_id for m in sales_moves} == set(orders)
        assert counts()["orders"] == 10


def test_two_threads_racing_with_the_same_key_make_one_order(app, shop):
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10)

    ids = run_together(app, shop.tenant_id, 8, lambda i: sell(shop, [(p, 2)], key="same-key").id)

    assert len(set(ids)) == 1 and all(isinstance(i, int) for i in ids)
    with in_tenant(app, shop.tenant_id):
        assert catalog.get_product(p).stock_qty == 8
        assert counts()["orders"] == 1


def test_a_sale_fails_only_when_stock_is_really_short(app, shop):
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=30)

    outcomes = run_together(app, shop.tenant_id, 30, lambda i: sell(shop, [(p, 1)]).id)

    assert all(isinstance(o, int) for o in outcomes)
    with in_tenant(app, shop.tenant_id):
        assert catalog.get_product(p).stock_qty == 0
        assert counts()["lines"] == 30
