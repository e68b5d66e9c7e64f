"""Product search pages: the few-matches path gives what the plain sorted query gives."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.catalog.factories import make_product
from tests.conftest import in_tenant
from webapp.catalog import queries
from webapp.catalog.models import Product
from webapp.extensions import db

NAMES = ["Abacaxi", "Zabumba café", "Café torrado", "Café moído", "Cafeteira", "Xícara café"]


@pytest.fixture
def shelf(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        for n, name in enumerate(NAMES * 3):
            make_product(name=f"{name} {n:02d}", stock_qty=n % 4)
        make_product(name="Pó de café", sku="CAFE-POS")
    return tenant


def plain_page(filters: queries.ProductFilters) -> tuple[list[int], int]:
    """The page and total by the plain query: sorted index walk and a COUNT."""
    query = queries.product_query(filters)
    offset = (filters.page - 1) * filters.per_page
    ids = db.session.scalars(
        query.with_only_columns(Product.id).limit(filters.per_page).offset(offset)
    ).all()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return list(ids), total


@pytest.mark.parametrize(
    "filters",
    [
        queries.ProductFilters(q="café", per_page=5),
        queries.ProductFilters(q="café", per_page=5, page=3),
        queries.ProductFilters(q="CAFE", per_page=5),  # SKU prefix and name together
        queries.ProductFilters(q="café", sort="stock_desc", per_page=4),
        queries.ProductFilters(q="café", sort="recent", per_page=4, page=2),
        queries.ProductFilters(q="café", stock="zero"),
        queries.ProductFilters(q="café", per_page=5, page=40),  # past the last page
        queries.ProductFilters(q="ca", per_page=5),  # too short: the plain path
    ],
    ids=lambda f: f"q={f.q},sort={f.sort},stock={f.stock},page={f.page}",
)
def test_search_pages_match_the_plain_sorted_query(app, shelf, filters):
    with in_tenant(app, shelf.tenant_id):
        page = queries.search_products(filters)
        ids, total = plain_page(filters)
        assert [p.id for p in page.items] == ids
        assert page.total == total
        assert total > 0


def test_a_search_with_many_matches_takes_the_plain_path(app, shelf, monkeypatch):
    monkeypatch.setattr(queries, "SORT_MATCHES_UP_TO", 3)
    filters = queries.ProductFilters(q="café", per_page=5, page=2)
    with in_tenant(app, shelf.tenant_id):
        page = queries.search_products(filters)
        ids, total = plain_page(filters)
        assert [p.id for p in page.items] == ids and page.total == total > 3
        assert all(p.category.name == "Bebidas" for p in page.items)
