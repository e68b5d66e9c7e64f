"""Cart services: one open cart per seller, scanner codes, bounds, parking."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.catalog.factories import make_product
from tests.conftest import in_tenant
from tests.sales.helpers import EAN, as_user, make_shop
from webapp.core.domain import ValidationFailed
from webapp.sales import cart as carts


@pytest.fixture
def shop(app, tenant):
    return make_shop(app, tenant)


def test_active_cart_is_created_once_with_a_server_key(app, tenant, shop):
    user = as_user(tenant)
    with in_tenant(app, tenant.tenant_id):
        first = carts.get_active_cart(user)
        again = carts.get_active_cart(user)
        assert first.id == again.id
        assert first.idempotency_key.startswith("cart-") and len(first.idempotency_key) > 20


def test_scanning_ean_then_sku_case_insensitive_adds_and_increments(app, tenant, shop):
    user = as_user(tenant)
    with in_tenant(app, tenant.tenant_id):
        carts.add_item_by_code(user, EAN)
        cart = carts.add_item_by_code(user, "  cafe-500 ")
        assert [(line.product_id, line.qty) for line in cart.lines] == [(shop.product_id, 2)]


def test_unknown_code_is_a_clear_error_and_changes_nothing(app, tenant, shop):
    user = as_user(tenant)
    with in_tenant(app, tenant.tenant_id):
        with pytest.raises(ValidationFailed) as exc:
            carts.add_item_by_code(user, "0000000000000")
        assert exc.value.fields == {"code": "Nenhum produto com o código “0000000000000”."}
        assert carts.get_active_cart(user).lines == []


def test_price_outside_bounds_is_refused_on_the_line(app, tenant, shop):
    user = as_user(tenant)
    with in_tenant(app, tenant.tenant_id):
        line = carts.add_item_by_code(user, EAN).lines[0]
        with pytest.raises(ValidationFailed) as exc:
            carts.set_price(user, line.id, "17,99")
        assert f"lines.{line.id}.price" in exc.value.fields
        assert "R$ 18,00 a R$ 25,00" in exc.value.message
        cart = carts.set_price(user, line.id, "R$ 19,50")
        assert cart.lines[0].unit_price == Decimal("19.50")
        assert carts.set_price(user, line.id, "").lines[0].unit_price is None


def test_qty_must_be_a_positive_integer(app, tenant, shop):
    user = as_user(tenant)
    with in_tenant(app, tenant.tenant_id):
        line = carts.add_item_by_code(user, EAN).lines[0]
        for bad in ("0", "-1", "1.5", "abc"):
            with pytest.raises(ValidationFailed):
                carts.set_qty(user, line.id, bad)
        assert carts.set_qty(user, line.id, "7").lines[0].qty == 7


def test_customer_brings_default_shipping_address(app, tenant, shop):
    user = as_user(tenant)
    with in_tenant(app, tenant.tenant_id):
        cart = carts.set_customer(user, shop.customer_id)
        assert cart.shipping_address_id == shop.address_id


def test_park_and_resume_keep_the_sale_and_its_key(app, tenant, shop):
    user = as_user(tenant)
    with in_tenant(app, tenant.tenant_id):
        carts.set_customer(user, shop.customer_id)
        parked = carts.park(user, "Balcão 2")
        key = parked.idempotency_key
        fresh = carts.get_active_cart(user)
        assert fresh.id != parked.id and fresh.lines == [] and fresh.customer_id is None
        carts.add_item_by_code(user, EAN)  # the new sale on screen gets parked on resume
        resumed = carts.resume(user, parked.id)
        assert resumed.status == "open" and resumed.idempotency_key == key
        assert [c.label or c.id for c in carts.parked_carts(user)] == [fresh.id]


def test_parking_an_empty_cart_is_refused(app, tenant, shop):
    with in_tenant(app, tenant.tenant_id), pytest.raises(ValidationFailed):
        carts.park(as_user(tenant), None)


def test_inactive_product_cannot_be_added(app, tenant, shop):
    user = as_user(tenant)
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(tenant.id, sku="OLD-1", active=False)
        with pytest.raises(ValidationFailed):
            carts.add_item(user, product_id)


def test_another_users_cart_is_not_found(app, tenant, make_user, shop):
    seller = make_user(tenant.tenant_id)
    with in_tenant(app, tenant.tenant_id):
        carts.add_item_by_code(as_user(tenant), EAN)
        parked = carts.park(as_user(tenant), None)
        with pytest.raises(carts.CartNotFound):
            carts.resume(as_user(seller), parked.id)
