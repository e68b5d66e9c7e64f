"""Change counters: a committed unit of work bumps the counter of every table it wrote."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from tests.catalog.factories import make_product
from tests.conftest import in_tenant, requires_redis
from webapp.catalog.models import Category, Product
from webapp.core import changes
from webapp.core.uow import unit_of_work

pytestmark = requires_redis
TABLES = ("categories", "products", "customers")


def test_orm_writes_and_core_updates_bump_their_tables_only(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(tenant.id, stock_qty=3)
        before = changes.versions(tenant.tenant_id, TABLES)
        with unit_of_work(tenant.id) as uow:
            uow.session.add(Category(name="Categoria nova"))  # flushed by the ORM
            uow.session.execute(  # a stock move: a single conditional UPDATE
                update(Product).where(Product.id == product_id).values(stock_qty=4)
            )
        after = changes.versions(tenant.tenant_id, TABLES)
    assert after[0] == before[0]  # same epoch
    assert [b - a for a, b in zip(before[1:], after[1:], strict=True)] == [1, 1, 0]


def test_a_rolled_back_unit_of_work_bumps_nothing(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        before = changes.versions(tenant.tenant_id, TABLES)
        with pytest.raises(RuntimeError), unit_of_work(tenant.id) as uow:
            uow.session.add(Category(name="Limpeza"))
            uow.session.flush()
            raise RuntimeError("the use case failed")
        with unit_of_work(tenant.id):
            pass  # a later commit must not publish what was rolled back
        assert changes.versions(tenant.tenant_id, TABLES) == before


def test_a_redis_that_lost_its_data_starts_a_new_epoch(app, tenant):
    from webapp.core.jobs import get_redis

    with in_tenant(app, tenant.tenant_id):
        before = changes.versions(tenant.tenant_id, TABLES)
        get_redis().delete(f"{app.config['REDIS_KEY_PREFIX']}:changes:epoch")
        after = changes.versions(tenant.tenant_id, TABLES)
    assert after[1:] == before[1:] and after[0] != before[0]


def test_counters_are_per_tenant(app, tenant, make_tenant):
    other = make_tenant("Outra Loja")
    with in_tenant(app, other.tenant_id):
        before = changes.versions(tenant.tenant_id, TABLES)
        with unit_of_work(other.id) as uow:
            uow.session.add(Category(name="Bebidas"))
        assert changes.versions(tenant.tenant_id, TABLES) == before
