"""Pagination without a count (infinite scroll) knows exactly whether a next page exists."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import in_tenant
from webapp.core.pagination import paginate
from webapp.customers.demo import seed_customers
from webapp.customers.models import Customer
from webapp.extensions import db


def _pages(per_page: int, count: bool):
    query = select(Customer).order_by(Customer.id)
    return [paginate(db.session, query, n, per_page, count=count) for n in (1, 2, 3)]


def test_without_a_count_the_last_full_page_has_no_next(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        seed_customers(tenant.tenant_id, 6, echo=lambda _m: None)
        first, second, third = _pages(3, count=False)
        assert [len(p.items) for p in (first, second, third)] == [3, 3, 0]
        assert (first.has_next, second.has_next, third.has_next) == (True, False, False)
        assert first.total is None
        assert {c.id for c in first.items}.isdisjoint(c.id for c in second.items)


def test_with_a_count_pages_agree_with_the_total(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        seed_customers(tenant.tenant_id, 6, echo=lambda _m: None)
        first, second, _ = _pages(4, count=True)
        assert (first.total, first.pages, first.has_next, second.has_next) == (6, 2, True, False)
