"""The cashback job under real ``flask worker`` processes on PostgreSQL and Redis.

* cancels racing the job on many orders, while two workers consume the queue: every wallet
  ends at the amount paid;
* a real Redis outage (a throwaway redis-server SIGKILLed with jobs queued in it, then
  started again empty) and workers SIGKILLed in the middle of a batch: no credit lost
  (outbox relay), none doubled (outbox claim + ledger idempotency key).
"""

from __future__ import annotations

import os
import signal
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.conftest import in_tenant, requires_postgres, requires_redis
from tests.sales.orders_factory import D, make_shop, new_customer, product, sell, user
from tests.wallet.test_integration import balance, fund, kinds, ledger_ok
from tests.wallet.workers import wait_for, workers_ready
from webapp.core import jobs
from webapp.core.context import system_context
from webapp.core.uow import OutboxMessage
from webapp.extensions import db
from webapp.sales import services as sales
from webapp.wallet.models import LedgerTransaction, TransactionKind

USES_REAL_ORDERS = True  # no placeholder orders from tests/wallet/conftest.py
pytestmark = [requires_postgres, requires_redis]

CASHBACK_TASK = "webapp.wallet.tasks.credit_order_cashback"
CREDITED_THEN_REFUNDED = ["cashback_credit", "refund", "cashback_reversal"]


@pytest.fixture
def shop(app, tenant, make_user):
    return make_shop(app, tenant, make_user)


def cashback_messages(app) -> tuple[int, int]:
    """(cashback jobs written to the outbox, how many of them are not processed yet)."""
    with app.app_context(), system_context():
        rows = db.session.execute(
            select(func.count(), func.count().filter(OutboxMessage.processed_at.is_(None))).where(
                OutboxMessage.task == CASHBACK_TASK
            )
        ).one()
        db.session.remove()
    return rows[0], rows[1]


def all_processed(app, expected: int):
    return lambda: cashback_messages(app) == (expected, 0)


def customers_with_orders(app, shop, count: int, price: str = "40.00", **sale) -> list:
    """``count`` customers with one R$ ``price`` order each: [(order id, customer id)]."""
    orders = []
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=count, sale_price=D(price), max_price=D(price))
        for n in range(count):
            customer_id, address_id, _ = new_customer(shop.admin_id, name=f"Cliente Fila {n}")
            if sale.get("wallet_amount"):
                fund(shop, customer_id, str(sale["wallet_amount"]))
            order = sell(
                shop, [(p, 1)], customer_id=customer_id, shipping_address_id=address_id, **sale
            )
            orders.append((order.id, customer_id))
    return orders


def dispatched(app) -> dict[int, bool]:
    """Order id -> whether its cashback job was ever pushed to Redis."""
    with app.app_context(), system_context():
        rows = db.session.execute(
            select(OutboxMessage.payload, OutboxMessage.dispatched_at).where(
                OutboxMessage.task == CASHBACK_TASK
            )
        ).all()
        db.session.remove()
    return {payload["order_id"]: sent is not None for payload, sent in rows}


def credits_per_order(app, shop) -> dict[int, int]:
    with in_tenant(app, shop.tenant_id):
        rows = db.session.execute(
            select(LedgerTransaction.order_id, func.count())
            .where(LedgerTransaction.kind == TransactionKind.CASHBACK_CREDIT)
            .group_by(LedgerTransaction.order_id)
        ).all()
    return dict(rows)


def test_cancels_racing_two_real_workers_leave_every_wallet_at_the_amount_paid(
    app, shop, real_workers
):
    """Each order is cancelled the moment it is paid, while two workers run its cashback job.

    R$ 40,00 orders paid R$ 10,00 with balance and R$ 30,00 with money (cashback R$ 1,50):
    whichever runs first, the customer ends with the R$ 40,00 paid, and no cashback.
    """
    orders = customers_with_orders(app, shop, 16, wallet_amount=D("10.00"))
    workers = [real_workers(), real_workers()]
    queue = app.config["REDIS_URL"], app.config["RQ_QUEUE"]
    wait_for(lambda: workers_ready(*queue, *workers), 30, "two workers")

    paid = [threading.Event() for _ in orders]
    failures: list[BaseException] = []

    def cancel_each_as_soon_as_paid() -> None:
        try:
            for (order_id, _), event in zip(orders, paid, strict=True):
                assert event.wait(30)
                with in_tenant(app, shop.tenant_id):
                    sales.transition(user(shop.admin_id), order_id, "cancelled", reason="Corrida")
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    canceller = threading.Thread(target=cancel_each_as_soon_as_paid)
    canceller.start()
    for (order_id, _), event in zip(orders, paid, strict=True):
        with in_tenant(app, shop.tenant_id):
            sales.transition(user(shop.seller_id), order_id, "paid")  # job dispatched on commit
        event.set()
    canceller.join(timeout=60)
    assert not failures, failures
    wait_for(all_processed(app, len(orders)), 60, "the workers to run every cashback job")

    outcomes = []
    for order_id, customer_id in orders:
        assert balance(app, shop, customer_id) == D("40.00"), order_id
        history = kinds(app, shop, order_id)[1:]  # after the purchase with balance
        assert history in (["refund"], CREDITED_THEN_REFUNDED), (order_id, history)
        outcomes.append("credit first" if len(history) == 3 else "cancel first")
    print(f"\noutcomes of {len(orders)} races: {sorted(set(outcomes))}")
    ledger_ok(app)


def test_redis_outage_with_jobs_queued_loses_no_credit_and_doubles_none(
    app, shop, throwaway_redis, real_workers, monkeypatch
):
    """A real outage: the Redis holding queued jobs is SIGKILLed (they are lost), orders are
    paid while it is down, then it comes back empty. The worker's outbox relay sends every
    job again; each order earns its cashback exactly once, even when delivered twice."""
    redis = throwaway_redis
    monkeypatch.setitem(app.config, "REDIS_URL", redis.url)
    monkeypatch.delitem(app.extensions, "redis_client", raising=False)  # reconnect to it
    orders = customers_with_orders(app, shop, 5)  # R$ 40,00 each: R$ 2,00 of cashback
    relay = {"OUTBOX_RELAY_INTERVAL": "1", "OUTBOX_STALE_AFTER": "3"}

    def pay(order_id: int) -> None:
        with in_tenant(app, shop.tenant_id):
            assert sales.transition(user(shop.seller_id), order_id, "paid").status == "paid"

    def credited(customer_id: int) -> bool:
        return balance(app, shop, customer_id) == D("2.00")

    worker = real_workers(redis.url, **relay)
    wait_for(lambda: workers_ready(redis.url, app.config["RQ_QUEUE"], worker), 30, "the worker")
    (first, first_customer), queued, while_down = orders[0], orders[1:3], orders[3:]
    pay(first)
    wait_for(lambda: credited(first_customer), 30, "the first cashback")

    os.kill(worker.pid, signal.SIGSTOP)  # the worker stalls; jobs pile up in Redis
    for order_id, _ in queued:
        pay(order_id)
    redis.kill()  # the outage: the two queued jobs die with it
    for order_id, _ in while_down:
        pay(order_id)  # commits anyway; the job stays in the outbox
    os.kill(worker.pid, signal.SIGCONT)  # the worker meets a dead Redis
    assert dispatched(app) == {
        **{order_id: True for order_id, _ in [orders[0], *queued]},  # sent, then lost
        **{order_id: False for order_id, _ in while_down},  # never sent
    }
    assert all(balance(app, shop, c) == D("0.00") for _, c in queued + while_down)

    redis.start()  # back, and empty
    if worker.poll() is not None:  # a worker that gave up is restarted, as compose would
        worker = real_workers(redis.url, **relay)
    wait_for(all_processed(app, len(orders)), 60, "the relay to send the lost jobs again")
    for _, customer_id in orders:
        assert balance(app, shop, customer_id) == D("2.00")

    # Every job delivered once more (a relay and a restarted worker racing): no effect.
    with app.app_context(), system_context():
        message_ids = list(db.session.scalars(select(OutboxMessage.id)))
        db.session.remove()
    with app.app_context():
        queue = jobs.get_queue()
        for message_id in message_ids:
            queue.enqueue(jobs.RUNNER, message_id)
        wait_for(
            lambda: queue.count == 0 and queue.started_job_registry.count == 0,
            30,
            "the duplicates to be run",
        )
        monkeypatch.setitem(app.config, "OUTBOX_STALE_AFTER", 0)
        assert jobs.relay_outbox() == 0  # processed rows are never sent again
    assert credits_per_order(app, shop) == {order_id: 1 for order_id, _ in orders}
    for order_id, customer_id in orders:
        assert balance(app, shop, customer_id) == D("2.00")
        assert kinds(app, shop, order_id) == ["cashback_credit"]
    ledger_ok(app)


def test_workers_killed_in_the_middle_of_a_batch_credit_each_order_once(app, shop, real_workers):
    """SIGKILL the worker twice while it works through 40 cashback jobs; restart it each
    time. Jobs killed mid-transaction are sent again by the relay; jobs that committed
    just before the kill are never run again."""
    orders = customers_with_orders(app, shop, 40, price="20.00")  # R$ 1,00 each
    for order_id, _ in orders:
        with in_tenant(app, shop.tenant_id):
            sales.transition(user(shop.seller_id), order_id, "paid")
    relay = {"OUTBOX_RELAY_INTERVAL": "1", "OUTBOX_STALE_AFTER": "2"}
    kills = 0
    for at_least in (8, 22):
        worker = real_workers(**relay)
        wait_for(
            lambda n=at_least: len(orders) - cashback_messages(app)[1] >= n,
            60,
            f"{at_least} jobs processed",
            every=0.02,
        )
        worker.kill()  # SIGKILL, wherever it is
        worker.wait(timeout=10)
        kills += 1
        assert cashback_messages(app)[1] > 0, "the batch ended before the kill"
    real_workers(**relay)
    wait_for(all_processed(app, len(orders)), 90, "every cashback job")

    assert kills == 2
    assert credits_per_order(app, shop) == {order_id: 1 for order_id, _ in orders}
    for _, customer_id in orders:
        assert balance(app, shop, customer_id) == Decimal("1.00")
    ledger_ok(app)
