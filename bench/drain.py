"""Cashback job drain: N orders become paid while the worker is paused, then one worker drains.

Pausing the worker (SIGSTOP on its process group) separates the two things: the web side
queues every job first, and the clock then measures only the drain, from SIGCONT until every
outbox message written by those payments is processed.
"""

from __future__ import annotations

import signal
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg

from bench import plain_sql
from bench.client import BenchClient
from bench.goals import DrainFigures
from bench.scenarios import checkout_body, checkout_samples
from bench.stack import Processes

REQUIRED_PATHS = ("/api/v1/orders/1/transitions", "/api/v1/customers/1/wallet")
DRAIN_TIMEOUT_S = 900


def created_orders(client: BenchClient, wanted: int, echo) -> list[int]:
    """Ids of ``wanted`` orders in status created: seeded ones first, then new checkouts."""
    ids = [o["id"] for o in client.list_all("/api/v1/orders?status=created", wanted)]
    samples = checkout_samples(client) if len(ids) < wanted else []
    if samples:
        echo(f"  creating {wanted - len(ids):,} orders for the drain")
    for i in range(wanted - len(ids)):
        status, body = client.post_json(
            "/api/v1/orders",
            checkout_body(samples[i % len(samples)]),
            headers={"Idempotency-Key": f"bench-drain-{time.time_ns()}-{i}"},
        )
        if status != 201:
            raise RuntimeError(f"checkout for the drain failed: {status} {body}")
        ids.append(body["id"])
    return ids


def run_drain(app, client, procs: Processes, db_url: str, tenant_id: int, jobs: int, echo):
    order_ids = created_orders(client, jobs, echo)
    echo(f"  paying {len(order_ids):,} orders with the worker paused")
    with psycopg.connect(db_url, autocommit=True) as conn:
        mark = conn.execute("SELECT coalesce(max(id), 0) FROM outbox_messages").fetchone()[0]
        procs.signal("worker", signal.SIGSTOP)
        try:
            _pay_all(client, order_ids)
        finally:
            started = time.perf_counter()
            procs.signal("worker", signal.SIGCONT)
        _wait_drained(conn, mark)
        seconds = time.perf_counter() - started
        echo(f"  drained in {seconds:.1f} s; checking the ledger")
        expected = orders_earning_cashback(app, tenant_id, order_ids)
        lost, doubled = _ledger_check(conn, tenant_id, order_ids, expected)
        echo(f"  {len(expected):,} of them earn cashback; lost {lost}, doubled {doubled}")
    return DrainFigures(jobs=len(order_ids), seconds=seconds, lost=lost, doubled=doubled)


def _pay_all(client: BenchClient, order_ids: list[int]) -> None:
    def pay(order_id: int) -> None:
        status, body = client.post_json(
            f"/api/v1/orders/{order_id}/transitions", {"to": "paid", "reason": "bench"}
        )
        if status != 200:
            raise RuntimeError(f"order {order_id} -> paid: {status} {body}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(pay, order_ids))


def _wait_drained(conn, mark: int) -> None:
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    while time.monotonic() < deadline:
        pending = conn.execute(
            "SELECT count(*) FROM outbox_messages WHERE id > %s AND processed_at IS NULL", (mark,)
        ).fetchone()[0]
        if not pending:
            return
        time.sleep(0.2)
    raise RuntimeError(f"cashback jobs not drained after {DRAIN_TIMEOUT_S} s")


def orders_earning_cashback(app, tenant_id: int, order_ids: list[int]) -> set[int]:
    """The paid orders whose cashback is above zero, by the app's own rule (the same function
    the job uses: tenant rate, category rates, minimum order value)."""
    from sqlalchemy import select

    from webapp.core.context import tenant_context
    from webapp.extensions import db
    from webapp.sales.models import PAID, Order
    from webapp.wallet.tasks import order_cashback

    earning: set[int] = set()
    with app.app_context(), tenant_context(tenant_id):
        for start in range(0, len(order_ids), 1000):
            chunk = order_ids[start : start + 1000]
            orders = db.session.scalars(select(Order).where(Order.id.in_(chunk))).all()
            for order in orders:
                lines = [(line.category_id, line.line_total) for line in order.lines]
                if order.status == PAID and order_cashback(lines, order.amount_due) > 0:
                    earning.add(order.id)
            db.session.expunge_all()
        db.session.remove()
    return earning


def _ledger_check(
    conn, tenant_id: int, order_ids: list[int], expected: set[int]
) -> tuple[int | None, int | None]:
    """lost: orders earning cashback without a credit; doubled: more than one credit, or a
    credit for an order that earns none."""
    try:
        counts = plain_sql.count_cashback_credits(conn, tenant_id=tenant_id, order_ids=order_ids)
    except NotImplementedError:
        return None, None
    lost = sum(1 for order_id in expected if counts.get(order_id, 0) == 0)
    doubled = sum(1 for order_id, n in counts.items() if n > 1 or order_id not in expected)
    return lost, doubled
