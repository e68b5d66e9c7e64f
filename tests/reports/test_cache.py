"""Cached report figures are exact: served from Redis until a write under them commits.

Orders go through the real use cases (checkout, workflow, stock moves), the way the data
changes in a running shop; the SQL statement counter shows when the cache answered.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tests.conftest import in_tenant, requires_redis
from tests.sales.orders_factory import D, make_shop, product, sell, user
from webapp.catalog import services as catalog
from webapp.extensions import db
from webapp.reports import services as reports
from webapp.reports.periods import local_today, resolve_period
from webapp.reports.queries import Scope
from webapp.sales import services as sales

pytestmark = requires_redis


@pytest.fixture
def shop(app, tenant, make_user):
    return make_shop(app, tenant, make_user)


@contextmanager
def counted_sql():
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def today():
    return resolve_period("today", None, None, local_today())


def test_a_payment_shows_at_once_and_repeated_views_cost_no_query(app, shop):
    with in_tenant(app, shop.tenant_id):
        admin, scope = user(shop.admin_id), Scope(shop.tenant_id)
        first = sell(shop, [(product(shop.admin_id, stock=5), 2)])  # 2 x 10.00
        sales.transition(admin, first.id, "paid")
        assert reports.summary(scope, today()).revenue == D("20.00")
        with counted_sql() as seen:
            assert reports.summary(scope, today()).revenue == D("20.00")
        assert seen == []  # answered from the cache

        second = sell(shop, [(product(shop.admin_id, stock=5), 1)])
        sales.transition(admin, second.id, "paid")
        assert reports.summary(scope, today()).revenue == D("30.00")


def test_a_stock_move_refreshes_the_abc_curve_it_shows(app, shop):
    with in_tenant(app, shop.tenant_id):
        admin, scope = user(shop.admin_id), Scope(shop.tenant_id)
        coffee = product(shop.admin_id, stock=5)
        sales.transition(admin, sell(shop, [(coffee, 1)]).id, "paid")
        assert [row.stock_qty for row in reports.abc_curve(scope, today())] == [4]
        catalog.adjust_stock(coffee, "in", 6, "Reposição", actor=admin)
        assert [row.stock_qty for row in reports.abc_curve(scope, today())] == [10]


def test_tenants_and_sellers_never_share_a_cached_figure(app, shop, make_tenant, make_user):
    other = make_shop(app, make_tenant("Outra Loja"), make_user)
    with in_tenant(app, shop.tenant_id):
        sale = sell(shop, [(product(shop.admin_id, stock=5), 3)])
        sales.transition(user(shop.admin_id), sale.id, "paid")
        assert reports.summary(Scope(shop.tenant_id), today()).revenue == D("30.00")
        mine = Scope(shop.tenant_id, seller_id=shop.admin_id)  # sold nothing himself
        assert reports.summary(mine, today()).revenue == D("0.00")
    with in_tenant(app, other.tenant_id):
        assert reports.summary(Scope(other.tenant_id), today()).revenue == D("0.00")
