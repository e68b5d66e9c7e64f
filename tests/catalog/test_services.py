"""Catalog rules: price rules, EAN, SKU uniqueness, RowVersion, stock moves and kardex."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.catalog.factories import make_product, product_data
from tests.conftest import in_tenant, requires_postgres, requires_redis
from webapp.audit.services import history_for
from webapp.catalog import services
from webapp.catalog.errors import InsufficientStock, SkuTaken, VersionConflict
from webapp.catalog.models import Product, StockMovement
from webapp.catalog.stock import StockLine
from webapp.core.audit import AuditEntry
from webapp.core.domain import NotFound, ValidationFailed
from webapp.core.money import AmbiguousThousands, TooManyDecimals
from webapp.extensions import db


def count_products() -> int:
    return db.session.scalar(select(func.count()).select_from(Product))


def test_create_product_with_initial_stock_writes_the_kardex(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(tenant.id, stock_qty=7, ean="7891000315507")
        product = services.get_product(product_id)
        assert product.version == 1
        assert product.category.name == "Bebidas"
        assert product.sale_price == Decimal("10.00")
        (movement,) = db.session.scalars(select(StockMovement)).all()
        assert (movement.kind, movement.qty, movement.before_qty, movement.after_qty) == (
            "in",
            7,
            0,
            7,
        )
        assert movement.actor_id == tenant.id


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sale_price": "8,00"}, "sale_price"),  # below min 9,00
        ({"sale_price": "13"}, "sale_price"),  # above max 12,00
        ({"min_price": "11", "max_price": "10"}, "max_price"),
        ({"cost_price": "-1"}, "cost_price"),
        ({"sale_price": "abc"}, "sale_price"),
        ({"tax_rate": "101"}, "tax_rate"),
        ({"tax_rate": "7,125"}, "tax_rate"),  # would be stored as 7,12
        ({"tax_rate": "99,999"}, "tax_rate"),  # would be stored as 100,00
        ({"ean": "7891000315508"}, "ean"),  # wrong check digit
        ({"ean": "12345"}, "ean"),
        ({"sku": ""}, "sku"),
        ({"sku": "com espaço"}, "sku"),
        ({"name": ""}, "name"),
        ({"name": "Café\x00 500 g"}, "name"),  # PostgreSQL refuses NUL in text
        ({"category": "Mercearia\x07"}, "category"),
        ({"stock_qty": "-3"}, "stock_qty"),
    ],
)
def test_invalid_products_name_the_field_and_save_nothing(app, tenant, overrides, field):
    with in_tenant(app, tenant.tenant_id):
        with pytest.raises(ValidationFailed) as info:
            services.create_product(product_data(**overrides), actor=tenant.id)
        assert field in info.value.fields
        assert count_products() == 0


def test_a_price_with_too_many_decimals_says_so(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        with pytest.raises(ValidationFailed) as info:
            services.create_product(
                product_data(cost_price="1.000", sale_price="9,999"), actor=tenant.id
            )
        assert info.value.fields["cost_price"] == AmbiguousThousands.message  # "1.000" = mil?
        assert info.value.fields["sale_price"] == TooManyDecimals.message
        assert count_products() == 0


def test_blank_min_and_max_default_to_the_sale_price(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(min_price="", max_price=None, sale_price="19,90")
        product = services.get_product(product_id)
        assert (product.min_price, product.max_price) == (Decimal("19.90"), Decimal("19.90"))


def test_sku_is_unique_per_tenant_and_ean_too(app, tenant, make_tenant):
    other = make_tenant("Outra Loja")
    with in_tenant(app, tenant.tenant_id):
        make_product(sku="CAFE-500", ean="7891000315507")
        with pytest.raises(SkuTaken):
            make_product(sku="cafe-500")
        with pytest.raises(ValidationFailed) as info:
            make_product(ean="7891000315507")
        assert "ean" in info.value.fields
    with in_tenant(app, other.tenant_id):
        make_product(sku="CAFE-500", ean="7891000315507")  # another tenant: fine


def test_two_edits_from_the_same_read_second_refused_first_survives(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(name="Café torrado 500 g")
        read_version = services.get_product(product_id).version
    with in_tenant(app, tenant.tenant_id):
        services.update_product(product_id, read_version, {"name": "Café A"}, actor=tenant.id)
    with in_tenant(app, tenant.tenant_id):
        with pytest.raises(VersionConflict) as info:
            services.update_product(product_id, read_version, {"name": "Café B"}, actor=tenant.id)
        assert info.value.details["current"]["name"] == "Café A"
        assert info.value.details["current"]["version"] == read_version + 1
    with in_tenant(app, tenant.tenant_id):
        product = services.get_product(product_id)
        assert product.name == "Café A"
        assert product.version == read_version + 1


def test_edit_is_audited_with_before_and_after(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(sale_price="10", max_price="15")
        services.update_product(product_id, 1, {"sale_price": "11,50"}, actor=tenant.id)
        entries = [item.entry for item in history_for("products", product_id).items]
        update = next(e for e in entries if e.action == "update")
        assert update.before["sale_price"] == "10.00"
        assert update.after["sale_price"] == "11.50"
        assert update.actor_id == tenant.id


def test_stock_moves_bump_version_and_refuse_going_below_zero(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(stock_qty=3)
        services.adjust_stock(product_id, "out", "2", "Avaria", actor=tenant.id)
        with pytest.raises(InsufficientStock) as info:
            services.adjust_stock(product_id, "out", 2, "Avaria", actor=tenant.id)
        assert "disponível 1" in info.value.message
        product = services.get_product(product_id)
        assert (product.stock_qty, product.version) == (1, 2)
        assert db.session.scalar(select(func.count()).select_from(StockMovement)) == 2


def test_stock_adjustment_needs_reason_and_positive_quantity(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(stock_qty=3)
        for kind, qty, reason, field in [
            ("in", "0", "x", "qty"),
            ("in", "-2", "x", "qty"),
            ("in", "1,5", "x", "qty"),
            ("in", "2", "  ", "reason"),
            ("sideways", "2", "x", "kind"),
        ]:
            with pytest.raises(ValidationFailed) as info:
                services.adjust_stock(product_id, kind, qty, reason, actor=tenant.id)
            assert field in info.value.fields
        assert services.get_product(product_id).stock_qty == 3


def test_bulk_moves_apply_all_or_nothing(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        first = make_product(stock_qty=5)
        second = make_product(stock_qty=1)
        with pytest.raises(InsufficientStock):
            services.move_stock_many(
                [StockLine(second, "sale", 2, "Pedido 9"), StockLine(first, "sale", 1, "Pedido 9")]
            )
    with in_tenant(app, tenant.tenant_id):
        assert services.get_product(first).stock_qty == 5
        assert services.get_product(second).stock_qty == 1
        # order_id must name a real order since the sales migration (foreign key); the
        # movements a checkout writes for its order are tested in tests/sales.
        moves = services.move_stock_many(
            [
                StockLine(second, "sale", 1, "Pedido 10"),
                StockLine(first, "sale", 2, "Pedido 10"),
            ]
        )
        assert [m.product_id for m in moves] == [first, second]  # product-id order
        assert services.get_product(second).stock_qty == 0


def test_another_tenants_product_is_not_found(app, tenant, make_tenant):
    other = make_tenant("Outra Loja")
    with in_tenant(app, other.tenant_id):
        foreign = make_product(stock_qty=5)
    with in_tenant(app, tenant.tenant_id):
        with pytest.raises(NotFound):
            services.get_product(foreign)
        with pytest.raises(NotFound):
            services.move_stock(foreign, "out", 1, "tentativa", actor=tenant.id)
    with in_tenant(app, other.tenant_id):
        assert services.get_product(foreign).stock_qty == 5


def test_stock_movements_are_filed_under_the_product_history(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(stock_qty=2)
        services.adjust_stock(product_id, "in", 3, "Compra NF 123", actor=tenant.id)
        tables = [i.entry.table_name for i in history_for("products", product_id).items]
        assert tables.count("stock_movements") == 2
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) >= 3


def test_stock_change_is_published_after_commit_only(app, tenant, monkeypatch):
    from webapp.catalog import events

    published: list[tuple] = []
    monkeypatch.setattr(events, "publish_stock_changed", lambda *args: published.append(args))
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(stock_qty=1)
        services.adjust_stock(product_id, "in", 2, "Compra", actor=tenant.id)
        assert published == [(tenant.tenant_id, [(product_id, 3, 2)])]
        with pytest.raises(InsufficientStock):
            services.adjust_stock(product_id, "out", 9, "Perda", actor=tenant.id)
        assert len(published) == 1


@requires_postgres
def test_thirty_simultaneous_entries_never_lose_an_update(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(stock_qty=0)
    start = threading.Barrier(30)
    outcomes: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        with in_tenant(app, tenant.tenant_id):  # own app context, session and connection
            start.wait()
            try:
                services.adjust_stock(product_id, "in", 1, "Entrada simultânea", actor=tenant.id)
                ok = True
            except Exception:
                ok = False
            with lock:
                outcomes.append(ok)

    threads = [threading.Thread(target=worker) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    successes = sum(outcomes)
    assert successes >= 1
    with in_tenant(app, tenant.tenant_id):
        product = services.get_product(product_id)
        movements = db.session.scalars(select(StockMovement)).all()
        assert product.stock_qty == successes
        assert len(movements) == successes
        assert sum(m.qty for m in movements) == product.stock_qty
        assert product.version == 1 + successes


@requires_postgres
def test_simultaneous_exits_never_sell_the_same_unit_twice(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(stock_qty=5)
    start = threading.Barrier(12)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        with in_tenant(app, tenant.tenant_id):
            start.wait()
            try:
                services.move_stock(product_id, "sale", 1, "Venda", actor=tenant.id)
                result = "ok"
            except InsufficientStock:
                result = "short"
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("ok") == 5
    assert outcomes.count("short") == 7
    with in_tenant(app, tenant.tenant_id):
        assert services.get_product(product_id).stock_qty == 0


def test_writer_slipping_in_between_read_and_write_is_a_version_conflict(app, tenant, monkeypatch):
    from sqlalchemy import update

    from webapp.catalog import services as catalog_services

    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(name="Original")
    real_clean = catalog_services.clean_product

    def clean_then_race(*args, **kwargs):
        # Another request commits an edit after our version check, before our UPDATE.
        with db.engine.begin() as other:
            other.execute(
                update(Product.__table__)
                .where(Product.__table__.c.id == product_id)
                .values(name="Outra pessoa", version=2)
            )
        return real_clean(*args, **kwargs)

    monkeypatch.setattr(catalog_services, "clean_product", clean_then_race)
    with in_tenant(app, tenant.tenant_id):
        with pytest.raises(VersionConflict) as info:
            services.update_product(product_id, 1, {"name": "Minha edição"}, actor=tenant.id)
        assert info.value.details["current"]["name"] == "Outra pessoa"
    with in_tenant(app, tenant.tenant_id):
        assert services.get_product(product_id).name == "Outra pessoa"


@requires_redis
def test_stock_change_is_published_on_the_tenant_channel(app, tenant):
    import json

    from redis import Redis

    from tests.conftest import TEST_REDIS_URL

    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(stock_qty=1)
    subscriber = Redis.from_url(TEST_REDIS_URL).pubsub()
    subscriber.subscribe(f"stock:{tenant.tenant_id}")
    subscriber.get_message(timeout=2)  # the subscribe confirmation
    with in_tenant(app, tenant.tenant_id):
        services.adjust_stock(product_id, "in", 4, "Compra", actor=tenant.id)
    message = subscriber.get_message(timeout=5)
    subscriber.close()
    assert message is not None
    assert json.loads(message["data"]) == {"product_id": product_id, "stock_qty": 5, "version": 2}
