"""``flask seed-demo``'s catalog reads like a shop's shelf."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tests.conftest import in_tenant
from webapp.catalog.demo import seed_catalog
from webapp.catalog.models import Product
from webapp.extensions import db


def test_demo_catalog_has_distinct_products_at_their_own_prices(app, tenant):
    # Names were a random product plus a random size of its category ("Feijão carioca
    # 200 ml"), priced R$ 1-200 whatever they were: lettuce at R$ 89,55.
    with in_tenant(app, tenant.tenant_id):
        seed_catalog(tenant.tenant_id, 300, echo=lambda _m: None)
        products = db.session.scalars(select(Product)).all()
    names = [product.name for product in products]
    assert len(names) == 300 and len(set(names)) == 300
    by_name = {product.name: product for product in products}
    assert by_name["Alface crespa unidade"].sale_price < Decimal("5.00")
    assert not any(name.startswith("Feijão") and name.endswith(" ml") for name in names)
    for product in products:
        assert product.cost_price < product.sale_price
        assert product.min_price <= product.sale_price <= product.max_price
