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


def test_a_page_past_the_end_says_so_and_links_to_the_first(app, tenant, login_as):
    from tests.catalog.factories import make_product

    with in_tenant(app, tenant.tenant_id):
        seed_customers(tenant.tenant_id, 1, echo=lambda _m: None)
        make_product(tenant.id, name="Café torrado")  # also writes an audit entry
    client = login_as("admin")
    for url, first_page in [
        ("/products?q=caf&page=9999", "/products?q=caf"),
        ("/customers?page=9999", "/customers"),
        ("/audit?page=99999", "/audit"),
        ("/orders?status=paid&page=9999", "/orders?status=paid"),
    ]:
        html = client.get(url).get_data(as_text=True)
        assert "Esta página está vazia" in html, url
        assert f'href="{first_page}"' in html, url
        assert "cadastrado" not in html and "ainda" not in html, url
    assert "Esta página está vazia" not in client.get("/products?q=zzz").get_data(as_text=True)
