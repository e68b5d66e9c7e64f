"""Checkout test data for the sales screens: a customer with a shipping address, products."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from tests.catalog.factories import make_product
from tests.conftest import in_tenant
from tests.customers.conftest import ADDRESS, customer_data
from webapp.customers import services as customers

EAN = "7891000100103"


def as_user(account) -> SimpleNamespace:
    """What the cart services need of a user: its id (the tests have no request)."""
    return SimpleNamespace(id=account.id)


def make_shop(app, tenant, stock: int = 10, **product) -> SimpleNamespace:
    """A customer (with a shipping address) and one product with an EAN, ids only."""
    with in_tenant(app, tenant.tenant_id):
        customer = customers.create_customer(tenant.id, customer_data())
        address = customers.add_address(tenant.id, customer.id, ADDRESS)
        defaults = {
            "sku": "CAFE-500",
            "ean": EAN,
            "name": "Café torrado 500 g",
            "sale_price": Decimal("20.00"),
            "min_price": Decimal("18.00"),
            "max_price": Decimal("25.00"),
            "stock_qty": stock,
        }
        product_id = make_product(tenant.id, **{**defaults, **product})
        return SimpleNamespace(
            customer_id=customer.id, address_id=address.id, product_id=product_id
        )
