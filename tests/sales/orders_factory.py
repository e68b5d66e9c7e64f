"""Building blocks for sales tests: a shop (seller, customer, addresses) and quick sales."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from tests.catalog.factories import make_product
from tests.conftest import in_tenant
from tests.customers.conftest import ADDRESS, customer_data
from webapp.catalog.models import Product, StockMovement
from webapp.core.documents import make_cpf
from webapp.customers import services as customer_services
from webapp.extensions import db
from webapp.identity.models import Role, User
from webapp.sales import services as sales
from webapp.sales.models import Order, OrderLine, OrderStatusChange
from webapp.wallet.models import LedgerTransaction

_documents = iter(range(300_000, 10_000_000))


@dataclass
class Shop:
    tenant_id: int
    admin_id: int
    seller_id: int
    customer_id: int
    address_id: int
    billing_id: int


def make_shop(app, tenant, make_user) -> Shop:
    seller = make_user(tenant.tenant_id, Role.SELLER)
    with in_tenant(app, tenant.tenant_id):
        customer_id, address_id, billing_id = new_customer(tenant.id)
    return Shop(tenant.tenant_id, tenant.id, seller.id, customer_id, address_id, billing_id)


def new_customer(actor_id: int, **overrides: Any) -> tuple[int, int, int]:
    """(customer id, shipping address id, billing address id) in the current tenant."""
    data = customer_data(document=make_cpf(next(_documents)), **overrides)
    customer = customer_services.create_customer(actor_id, data)
    shipping = customer_services.add_address(actor_id, customer.id, ADDRESS)
    billing = customer_services.add_address(actor_id, customer.id, {**ADDRESS, "kind": "billing"})
    return customer.id, shipping.id, billing.id


def product(actor_id: int, stock: int = 10, **overrides: Any) -> int:
    return make_product(actor_id, stock_qty=stock, **overrides)


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def sell(shop: Shop, items, *, actor_id: int | None = None, key: str | None = None, **kw) -> Order:
    """A checkout by the shop's seller (call inside the tenant context)."""
    request = {
        "customer_id": shop.customer_id,
        "shipping_address_id": shop.address_id,
        "payment_method": "pix",
        "idempotency_key": key or uuid.uuid4().hex,
        **kw,
    }
    items = [sales.CheckoutItem(*item) if isinstance(item, tuple) else item for item in items]
    return sales.checkout(user(actor_id or shop.seller_id), items=items, **request)


def counts() -> dict[str, Any]:
    """What a failed checkout must leave untouched."""

    def count(model) -> int:
        return db.session.scalar(select(func.count()).select_from(model))

    return {
        "orders": count(Order),
        "lines": count(OrderLine),
        "history": count(OrderStatusChange),
        "movements": count(StockMovement),
        "ledger": count(LedgerTransaction),
        "stock": dict(db.session.execute(select(Product.id, Product.stock_qty)).all()),
    }


def D(value: str) -> Decimal:
    return Decimal(value)
