"""Database-ceiling baselines: the same work as the app, as plain SQL over one psycopg connection.

Each runs in the load-generator process, one connection per thread, in a closed loop (see
bench.loadgen.run_sql_closed_loop), with the same customers, addresses and products as the
HTTP checkout scenario.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from decimal import Decimal
from typing import Any

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class InsufficientStock(RuntimeError):
    """The conditional stock UPDATE matched no row: the transaction rolls back."""


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def plain_sql_checkout(
    conn: Any,
    *,
    tenant_id: int,
    seller_id: int,
    customer_id: int,
    shipping_address_id: int,
    items: list[list[int]],
    payment_method: str = "pix",
) -> int:
    """One checkout, the statements a hand-written app would need; returns the order id.

    The same writes as POST /api/v1/orders (webapp/sales/services/checkout.py) with
    ``items`` = [[product_id, qty], ...] paid by pix, in ONE transaction, filtering
    ``tenant_id`` everywhere: look the idempotency key up, read customer + address and the
    product snapshot, INSERT the order (key + request fingerprint), its lines and first
    status change, then per product in id order a conditional ``UPDATE ... WHERE stock_qty
    >= n RETURNING`` and its kardex row, and the audit rows the app writes (order and stock
    movements). Checkout enqueues no outbox message in the app (the cashback job is written
    when the order is paid), so neither does this.
    """
    wanted: dict[int, int] = {}
    for product_id, qty in items:
        wanted[product_id] = wanted.get(product_id, 0) + qty
    with conn.transaction():
        address = _customer_address(conn, tenant_id, customer_id, shipping_address_id)
        products = _products(conn, tenant_id, sorted(wanted))
        lines = [_line(products[pid], qty) for pid, qty in items]
        total = sum((line["line_total"] for line in lines), Decimal(0))
        tax_total = sum((line["tax_amount"] for line in lines), Decimal(0))
        order_id = _insert_order(
            conn,
            tenant_id,
            seller_id,
            customer_id,
            shipping_address_id,
            address,
            items,
            payment_method,
            total,
            tax_total,
        )
        conn.cursor().executemany(
            "INSERT INTO order_lines (tenant_id, order_id, product_id, sku, product_name,"
            " category_id, category_name, unit_price, cost_price, tax_rate, tax_amount, qty,"
            " line_total) VALUES (%(tenant_id)s, %(order_id)s, %(product_id)s, %(sku)s,"
            " %(name)s, %(category_id)s, %(category_name)s, %(unit_price)s, %(cost_price)s,"
            " %(tax_rate)s, %(tax_amount)s, %(qty)s, %(line_total)s)",
            [{**line, "tenant_id": tenant_id, "order_id": order_id} for line in lines],
        )
        conn.execute(
            "INSERT INTO order_status_changes (tenant_id, order_id, from_status, to_status,"
            " actor_id, created_at) VALUES (%s, %s, NULL, 'created', %s, now())",
            (tenant_id, order_id, seller_id),
        )
        _audit(conn, tenant_id, seller_id, "orders", order_id, "customers", customer_id)
        for product_id in sorted(wanted):
            movement_id = _take_stock(
                conn, tenant_id, seller_id, order_id, product_id, wanted[product_id]
            )
            _audit(
                conn, tenant_id, seller_id, "stock_movements", movement_id, "products", product_id
            )
    return order_id


def _customer_address(conn, tenant_id, customer_id, address_id) -> str:
    row = conn.execute(
        "SELECT a.street, a.number, a.complement, a.district, a.city, a.state, a.zip"
        " FROM customers c JOIN addresses a ON a.customer_id = c.id AND a.tenant_id = c.tenant_id"
        " WHERE c.tenant_id = %s AND c.id = %s AND c.active AND a.id = %s"
        " AND a.kind = 'shipping'",
        (tenant_id, customer_id, address_id),
    ).fetchone()
    if row is None:
        raise LookupError(f"customer {customer_id} / address {address_id} not usable")
    street, number, complement, district, city, state, zip_ = row
    extra = f" - {complement}" if complement else ""
    return (f"{street}, {number}{extra}, {district}, {city}/{state}, CEP {zip_[:5]}-{zip_[5:]}")[
        :400
    ]


def _products(conn, tenant_id: int, product_ids: list[int]) -> dict[int, dict]:
    rows = conn.execute(
        "SELECT p.id, p.sku, p.name, p.category_id, c.name, p.sale_price, p.cost_price,"
        " p.tax_rate FROM products p LEFT JOIN categories c ON c.id = p.category_id"
        " WHERE p.tenant_id = %s AND p.id = ANY(%s) AND p.active",
        (tenant_id, product_ids),
    ).fetchall()
    keys = (
        "product_id",
        "sku",
        "name",
        "category_id",
        "category_name",
        "unit_price",
        "cost_price",
        "tax_rate",
    )
    found = {row[0]: dict(zip(keys, row, strict=True)) for row in rows}
    if len(found) != len(product_ids):
        raise LookupError("product not found or inactive")
    return found


def _line(product: dict, qty: int) -> dict:
    line_total = _money(product["unit_price"] * qty)
    tax_amount = _money(line_total * product["tax_rate"] / HUNDRED)
    return {**product, "qty": qty, "line_total": line_total, "tax_amount": tax_amount}


def _insert_order(conn, tenant_id, seller_id, customer_id, address_id, address_text, items,
                  payment_method, total, tax_total) -> int:  # fmt: skip
    key = f"plain-sql-{uuid.uuid4().hex}"
    replayed = conn.execute(  # the app answers a repeated key with the order it placed
        "SELECT id, request_fingerprint FROM orders WHERE tenant_id = %s AND idempotency_key = %s",
        (tenant_id, key),
    ).fetchone()
    if replayed is not None:
        return replayed[0]
    request = {"customer_id": customer_id, "shipping_address_id": address_id,
               "items": [[pid, qty, None] for pid, qty in items],
               "payment_method": payment_method, "wallet_amount": "0.00"}  # fmt: skip
    fingerprint = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()
    return conn.execute(
        "INSERT INTO orders (tenant_id, customer_id, shipping_address_id, shipping_address_text,"
        " seller_id, status, payment_method, subtotal, tax_total, total, wallet_amount,"
        " amount_due, idempotency_key, request_fingerprint, created_at, version)"
        " VALUES (%s, %s, %s, %s, %s, 'created', %s, %s, %s, %s, 0, %s, %s, %s, now(), 1)"
        " RETURNING id",
        (
            tenant_id,
            customer_id,
            address_id,
            address_text,
            seller_id,
            payment_method,
            total,
            tax_total,
            total,
            total,
            key,
            fingerprint,
        ),
    ).fetchone()[0]


def _take_stock(conn, tenant_id, seller_id, order_id, product_id, qty) -> int:
    row = conn.execute(
        "UPDATE products SET stock_qty = stock_qty - %s, version = version + 1,"
        " updated_at = now() WHERE tenant_id = %s AND id = %s AND stock_qty >= %s"
        " RETURNING stock_qty",
        (qty, tenant_id, product_id, qty),
    ).fetchone()
    if row is None:
        raise InsufficientStock(f"product {product_id}: less than {qty} in stock")
    after = row[0]
    return conn.execute(
        "INSERT INTO stock_movements (tenant_id, product_id, kind, qty, before_qty, after_qty,"
        " reason, actor_id, order_id, created_at) VALUES (%s, %s, 'sale', %s, %s, %s, %s, %s,"
        " %s, now()) RETURNING id",
        (
            tenant_id,
            product_id,
            -qty,
            after + qty,
            after,
            f"Venda - pedido #{order_id}",
            seller_id,
            order_id,
        ),
    ).fetchone()[0]


def _audit(conn, tenant_id, actor_id, table, record_id, parent_table, parent_id) -> None:
    conn.execute(
        "INSERT INTO audit_entries (tenant_id, table_name, record_id, parent_table, parent_id,"
        " action, before, after, actor_id, created_at)"
        " VALUES (%s, %s, %s, %s, %s, 'create', NULL, %s, %s, now())",
        (
            tenant_id,
            table,
            str(record_id),
            parent_table,
            str(parent_id),
            json.dumps({"id": record_id}),
            actor_id,
        ),
    )


def count_cashback_credits(conn: Any, *, tenant_id: int, order_ids: list[int]) -> dict[int, int]:
    """For the cashback drain check: order id -> number of cashback credit ledger transactions.

    An order missing from the result was lost, a count above 1 doubled.
    """
    rows = conn.execute(
        "SELECT order_id, count(*) FROM ledger_transactions WHERE tenant_id = %s"
        " AND order_id = ANY(%s) AND kind = 'cashback_credit' GROUP BY order_id",
        (tenant_id, order_ids),
    ).fetchall()
    return {order_id: n for order_id, n in rows}
