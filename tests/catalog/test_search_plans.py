"""On PostgreSQL the product search reads its indexes, never the whole catalog.

20,000 products (the benchmark's catalog), ANALYZEd by the seed, planner left free. The count
that goes with every search page is checked: before the indexes it re-read every product of
the tenant, in the page query and again in its count.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import explain as plan
from tests.conftest import in_tenant, requires_postgres
from webapp.catalog import queries
from webapp.catalog.demo import seed_catalog
from webapp.catalog.models import Product
from webapp.extensions import db

pytestmark = requires_postgres
PRODUCTS = 20_000


@pytest.fixture
def catalog(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        seed_catalog(tenant.tenant_id, PRODUCTS, echo=lambda _m: None)
        return db.session.scalars(select(Product).order_by(Product.id).offset(4321)).first()


def test_every_search_kind_reads_its_index(app, tenant, catalog):
    searches = {
        "name word": (catalog.name.split()[0], "ix_products_name_folded_trgm"),
        "name fragment": (max(catalog.name.split(), key=len)[1:5], "ix_products_name_folded_trgm"),
        "sku prefix": (catalog.sku[:-2], "ix_products_tenant_sku_prefix"),
        "ean prefix": (catalog.ean[:10], "ix_products_tenant_ean_prefix"),
    }
    with in_tenant(app, tenant.tenant_id):
        for kind, (q, index) in searches.items():
            filters = queries.ProductFilters(q=q)
            found = queries.product_query(filters).where(Product.tenant_id == tenant.tenant_id)
            count = select(func.count()).select_from(found.order_by(None).subquery())
            explained = plan(count)
            assert "Seq Scan on products" not in explained, f"{kind} ({q!r}):\n{explained}"
            assert index in explained, f"{kind} ({q!r}):\n{explained}"
            page = queries.search_products(filters)
            assert catalog.id in {p.id for p in page.items} or page.total > len(page.items), kind
