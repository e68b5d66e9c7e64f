"""Report test data: orders, lines and ledger rows inserted directly with the contract's fields.

The sales use cases are not needed to test reports; rows are written exactly as the orders
data contract describes them (status timestamps included), inside the tenant's context.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from webapp.catalog.models import Product
from webapp.core.documents import make_cpf
from webapp.core.money import quantize
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.sales.models import Order, OrderLine, OrderStatusChange
from webapp.wallet.models import LedgerTransaction, TransactionKind

_seq = itertools.count(1000)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def D(value) -> Decimal:
    return Decimal(str(value))


def customer(name: str) -> int:
    c = Customer(name=name, document=make_cpf(next(_seq)), document_type="cpf")
    db.session.add(c)
    db.session.flush()
    return c.id


def product(sku: str, name: str, stock: int, price="10.00", cost="5.00") -> int:
    p = Product(
        sku=sku,
        name=name,
        cost_price=D(cost),
        sale_price=D(price),
        min_price=D(price),
        max_price=D(price),
        stock_qty=stock,
    )
    db.session.add(p)
    db.session.flush()
    return p.id


def line(product_id, sku, qty, unit, cost, rate, category=None, name=None) -> dict:
    total = quantize(D(unit) * qty)
    return {
        "product_id": product_id,
        "sku": sku,
        "product_name": name or f"Produto {sku}",
        "category_name": category,
        "unit_price": D(unit),
        "cost_price": D(cost),
        "tax_rate": D(rate),
        "tax_amount": quantize(total * D(rate) / 100),
        "qty": qty,
        "line_total": total,
    }


def order(
    customer_id: int,
    seller_id: int | None,
    status: str,
    lines: list[dict],
    *,
    created_at: datetime,
    paid_at: datetime | None = None,
    cancelled_at: datetime | None = None,
    payment_method: str = "pix",
) -> int:
    total = sum((item["line_total"] for item in lines), Decimal("0.00"))
    tax = sum((item["tax_amount"] for item in lines), Decimal("0.00"))
    o = Order(
        customer_id=customer_id,
        seller_id=seller_id,
        status=status,
        payment_method=payment_method,
        subtotal=total,
        tax_total=tax,
        total=total,
        wallet_amount=Decimal("0.00"),
        amount_due=total,
        cost_total=sum((item["cost_price"] * item["qty"] for item in lines), Decimal("0.00")),
        idempotency_key=uuid.uuid4().hex,
        request_fingerprint="0" * 64,
        created_at=created_at,
        paid_at=paid_at,
        shipped_at=paid_at if status in ("shipped", "delivered") else None,
        delivered_at=paid_at if status == "delivered" else None,
        cancelled_at=cancelled_at,
    )
    db.session.add(o)
    db.session.flush()
    for item in lines:
        db.session.add(OrderLine(order_id=o.id, **item))
    db.session.add(OrderStatusChange(order_id=o.id, to_status="created", created_at=created_at))
    db.session.flush()
    return o.id


def ledger(kind: TransactionKind, amount, created_at: datetime, order_id=None, customer_id=None):
    t = LedgerTransaction(
        kind=kind,
        description=kind.label,
        amount=D(amount),
        customer_id=customer_id,
        order_id=order_id,
        idempotency_key=uuid.uuid4().hex,
        created_at=created_at,
    )
    db.session.add(t)
    db.session.flush()
    return t.id
