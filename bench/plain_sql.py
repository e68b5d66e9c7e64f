"""Database-ceiling baselines: the same work as the app, as plain SQL over one psycopg connection.

These functions are slots to fill when the modules they mirror land (their tables do not
exist on main yet). Until then they raise NotImplementedError and the harness reports the
baseline, and every goal that needs it, as "n/a". Each runs in the load-generator process,
one connection per thread, in a closed loop (see bench.loadgen.run_sql_closed_loop).
"""

from __future__ import annotations

from typing import Any

NOT_WRITTEN = "n/a: plain SQL for this transaction not written yet (bench/plain_sql.py)"


def plain_sql_checkout(
    conn: Any,
    *,
    tenant_id: int,
    seller_id: int,
    customer_id: int,
    shipping_address_id: int,
    product_id: int,
    qty: int = 1,
) -> int:
    """One checkout, exactly the statements a hand-written app would need; returns the order id.

    It must do, in ONE transaction (``with conn.transaction():``) and filtering ``tenant_id``
    in every statement, the same work as POST /api/v1/orders with one item paid by pix:

    1. ``SELECT`` the customer (active) and check the shipping address belongs to it.
    2. ``SELECT`` the product's sku, name, sale_price, cost_price, tax_rate (the snapshot).
    3. ``UPDATE products SET stock_qty = stock_qty - %(qty)s, version = version + 1
       WHERE id = %(product_id)s AND tenant_id = %(tenant_id)s AND stock_qty >= %(qty)s``;
       zero rows updated means insufficient stock (raise, the transaction rolls back).
    4. ``INSERT`` the stock movement (kardex row: before/after quantity, reason, order ref).
    5. ``INSERT`` the order (status created, totals computed here) ``RETURNING id``, then the
       order line with the snapshot, and the first status-history row.
    6. ``INSERT`` the audit rows the app writes for the order and the product change, so the
       ceiling does the same amount of writing as the app.

    Use the real table and column names from the sales/catalog migrations. The harness calls
    it with the same customers, addresses and products as the HTTP checkout scenario.
    """
    raise NotImplementedError(NOT_WRITTEN)


def count_cashback_credits(conn: Any, *, tenant_id: int, order_ids: list[int]) -> dict[int, int]:
    """For the cashback drain check: order id -> number of cashback credit ledger transactions.

    Must run one ``SELECT order_id, count(*) ... WHERE tenant_id = %s AND order_id = ANY(%s)
    AND kind = 'cashback credit' GROUP BY order_id`` over the wallet ledger (real names from
    the wallet migration). An order missing from the result was lost, a count above 1 doubled.
    """
    raise NotImplementedError(NOT_WRITTEN)
