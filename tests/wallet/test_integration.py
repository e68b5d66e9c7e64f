"""Sales x wallet on PostgreSQL with a real RQ worker on Redis (burst mode).

Pay -> cashback once; cancel -> refund of the amount paid and cashback reversed; balance
races; cancel racing the cashback job; Redis down while paying; a real worker SIGKILLed
inside the job. ``flask ledger check``'s invariants hold after each. test_real_workers.py
runs the same promises under real ``flask worker`` processes and a real Redis outage.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from redis import Redis
from sqlalchemy import create_engine, func, select, text

from tests.conftest import Account, bearer_for, in_tenant, requires_postgres, requires_redis
from tests.core.test_uow import run_worker_burst
from tests.sales.orders_factory import D, make_shop, new_customer, product, sell, user
from tests.wallet.conftest import assert_ledger_ok
from tests.wallet.workers import start_worker
from webapp.catalog import services as catalog
from webapp.core import jobs
from webapp.core.context import system_context
from webapp.core.uow import OutboxMessage
from webapp.extensions import db
from webapp.identity.models import Role, User
from webapp.sales import services as sales
from webapp.sales.models import Order
from webapp.wallet import services as wallet
from webapp.wallet.cashback import set_category_rate
from webapp.wallet.models import LedgerTransaction, TransactionKind
from webapp.wallet.tasks import credit_order_cashback

USES_REAL_ORDERS = True  # no placeholder orders from tests/wallet/conftest.py
pytestmark = [requires_postgres, requires_redis]


@pytest.fixture
def shop(app, tenant, make_user):
    return make_shop(app, tenant, make_user)


def fund(shop, customer_id: int, amount: str) -> None:
    wallet.manual_adjustment(
        user(shop.admin_id), customer_id, D(amount), "Crédito de teste", uuid.uuid4().hex
    )


def balance(app, shop, customer_id: int) -> Decimal:
    with in_tenant(app, shop.tenant_id):
        return wallet.balance(customer_id)


def kinds(app, shop, order_id: int) -> list[str]:
    with in_tenant(app, shop.tenant_id):
        rows = db.session.scalars(
            select(LedgerTransaction.kind)
            .where(LedgerTransaction.order_id == order_id)
            .order_by(LedgerTransaction.id)
        )
        return [str(kind) for kind in rows]


def cashback_messages(app) -> list[int]:
    with app.app_context(), system_context():
        return list(
            db.session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.task == "webapp.wallet.tasks.credit_order_cashback"
                )
            )
        )


def ledger_ok(app) -> None:
    with app.app_context():
        assert_ledger_ok()


def test_a_category_rate_overrides_the_tenant_rate_in_the_credited_cashback(app, shop):
    with in_tenant(app, shop.tenant_id):
        boosted = product(
            shop.admin_id,
            stock=5,
            category="Perfumaria",
            sale_price=D("40.00"),
            max_price=D("45.00"),
        )
        plain = product(shop.admin_id, stock=5, category="Bebidas", sale_price=D("10.00"))
        perfumaria = catalog.get_product(boosted).category_id
        set_category_rate(user(shop.admin_id), perfumaria, "10")
        order = sell(shop, [(boosted, 1), (plain, 1)])  # 40 at 10% + 10 at the tenant's 5%
        assert sales.quote(
            customer_id=shop.customer_id, items=[sales.CheckoutItem(boosted, 1)]
        ).cashback_estimate == D("4.00")
        sales.transition(user(shop.seller_id), order.id, "paid")
    run_worker_burst(app)
    assert balance(app, shop, shop.customer_id) == D("4.50")
    ledger_ok(app)


def test_paid_order_earns_cashback_once_even_if_the_job_runs_twice(app, shop):
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10, sale_price=D("50.00"), max_price=D("60.00"))
        fund(shop, shop.customer_id, "20.00")
        order = sell(shop, [(p, 2)], wallet_amount=D("20.00"))  # 100: 20 balance + 80 money
        sales.transition(user(shop.seller_id), order.id, "paid")
        order_id = order.id
    run_worker_burst(app)
    assert balance(app, shop, shop.customer_id) == D("4.00")  # 5% of the 80 paid with money

    [message_id] = cashback_messages(app)
    with app.app_context():
        jobs.get_queue().enqueue(jobs.RUNNER, message_id)  # a duplicate delivery
    run_worker_burst(app)
    with in_tenant(app, shop.tenant_id):
        credit_order_cashback(order_id)  # and the task itself run again by hand
        db.session.commit()
    assert balance(app, shop, shop.customer_id) == D("4.00")
    assert kinds(app, shop, order_id) == ["purchase_with_balance", "cashback_credit"]
    ledger_ok(app)


def test_cancelling_a_paid_order_refunds_what_was_paid_and_reverses_cashback(app, shop):
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10, sale_price=D("50.00"), max_price=D("60.00"))
        fund(shop, shop.customer_id, "30.00")
        order = sell(shop, [(p, 2)], wallet_amount=D("30.00"))  # 100: 30 balance + 70 money
        sales.transition(user(shop.seller_id), order.id, "paid")
        order_id = order.id
    run_worker_burst(app)
    assert balance(app, shop, shop.customer_id) == D("3.50")
    with in_tenant(app, shop.tenant_id):
        sales.transition(user(shop.admin_id), order_id, "cancelled", reason="Produto com defeito")
        assert catalog.get_product(p).stock_qty == 10
    # The whole amount paid (70 money + 30 balance) comes back; the 3,50 of cashback goes.
    assert balance(app, shop, shop.customer_id) == D("100.00")
    assert kinds(app, shop, order_id) == [
        "purchase_with_balance",
        "cashback_credit",
        "refund",
        "cashback_reversal",
    ]
    run_worker_burst(app)  # nothing left that could credit again
    assert balance(app, shop, shop.customer_id) == D("100.00")
    ledger_ok(app)


def test_cancelled_before_the_job_runs_earns_nothing(app, shop):
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10)
        order = sell(shop, [(p, 3)])
        sales.transition(user(shop.seller_id), order.id, "paid")
        sales.transition(user(shop.seller_id), order.id, "cancelled", reason="Desistiu")
        order_id = order.id
    run_worker_burst(app)
    assert balance(app, shop, shop.customer_id) == D("30.00")
    assert kinds(app, shop, order_id) == ["refund"]
    ledger_ok(app)


def test_25_checkouts_spending_10_each_from_a_balance_of_100(app, shop):
    """25 POST /orders at once, each paying R$ 10,00 of a R$ 100,00 balance: 10 succeed.

    Each checkout buys its own product, so the wallet is the only row they fight over: a
    shared product's row lock would queue the checkouts one behind the other and hide a
    wallet check that reads the balance before debiting it.
    """
    with in_tenant(app, shop.tenant_id):
        products = [product(shop.admin_id, stock=1) for _ in range(25)]  # R$ 10,00 each
        fund(shop, shop.customer_id, "100.00")
        email = db.session.get(User, shop.seller_id).email
    token = bearer_for(app, Account(shop.seller_id, shop.tenant_id, email, Role.SELLER))
    barrier = threading.Barrier(25)
    done = threading.Event()
    seen: list[Decimal] = []

    def watch() -> None:
        # Committed balances as another connection sees them while the checkouts run.
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        query = text("SELECT balance FROM wallets WHERE customer_id = :c")
        with engine.connect() as conn:
            while not done.is_set():
                seen.append(conn.execute(query, {"c": shop.customer_id}).scalar_one())
                conn.rollback()
        engine.dispose()

    def one(product_id: int):
        client = app.test_client()
        body = {
            "customer_id": shop.customer_id,
            "shipping_address_id": shop.address_id,
            "items": [{"product_id": product_id, "qty": 1}],
            "wallet_amount": "10.00",
            "payment_method": "wallet",
        }
        barrier.wait()
        return client.post(
            "/api/v1/orders", json=body, headers={**token, "Idempotency-Key": uuid.uuid4().hex}
        )

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=25) as pool:
            responses = list(pool.map(one, products))
    finally:
        done.set()
        watcher.join()

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * 10 + [409] * 15, statuses
    for response in responses:
        body = response.get_json()
        if response.status_code == 201:
            assert (body["wallet_amount"], body["amount_due"]) == ("10.00", "0.00")
        else:
            assert body["error"] == "insufficient_balance", body
            assert body["message"].startswith("Saldo insuficiente na carteira"), body
            assert body["details"]["requested"] == "10.00"
    assert balance(app, shop, shop.customer_id) == D("0.00")
    assert seen and min(seen) >= D("0.00") and seen[-1] == D("0.00")
    with in_tenant(app, shop.tenant_id):
        sold = [p for p in products if catalog.get_product(p).stock_qty == 0]
        assert len(sold) == 10  # refused sales gave their stock back
        assert db.session.scalar(select(func.count()).select_from(Order)) == 10
    ledger_ok(app)


def test_cancel_racing_the_cashback_job_ends_at_the_amount_paid(app, shop):
    orders: list[tuple[int, int]] = []  # (order id, customer id)
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=100, sale_price=D("40.00"), max_price=D("50.00"))
        for n in range(12):
            customer_id, address_id, _ = new_customer(shop.admin_id, name=f"Cliente Corrida {n}")
            order = sell(shop, [(p, 1)], customer_id=customer_id, shipping_address_id=address_id)
            sales.transition(user(shop.seller_id), order.id, "paid")
            orders.append((order.id, customer_id))
    with app.app_context():
        jobs.get_queue().empty()  # the race below runs the jobs itself
    messages = {
        order_id: message_id
        for order_id, message_id in zip([o for o, _ in orders], cashback_messages(app), strict=True)
    }
    work = [("cancel", order_id) for order_id, _ in orders] + [
        ("job", order_id) for order_id, _ in orders
    ]
    barrier = threading.Barrier(len(work))

    def one(task: tuple[str, int]) -> None:
        kind, order_id = task
        if kind == "job":
            with app.app_context():
                barrier.wait()
                jobs.run_outbox_message(messages[order_id])
            return
        with in_tenant(app, shop.tenant_id):
            barrier.wait()
            sales.transition(user(shop.admin_id), order_id, "cancelled", reason="Corrida")

    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        list(pool.map(one, work))

    for order_id, customer_id in orders:
        assert balance(app, shop, customer_id) == D("40.00"), order_id
        history = kinds(app, shop, order_id)
        assert history in (
            ["refund"],  # the cancel came first: the job found it cancelled
            ["cashback_credit", "refund", "cashback_reversal"],  # the job came first
        ), history
    ledger_ok(app)


def test_redis_down_while_paying_credits_once_after_the_relay(app, shop, monkeypatch):
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10)
        order = sell(shop, [(p, 2)])
        monkeypatch.setattr(jobs, "get_redis", lambda: dead)
        paid = sales.transition(user(shop.seller_id), order.id, "paid")  # commits anyway
        assert paid.status == "paid"
    assert balance(app, shop, shop.customer_id) == D("0.00")  # nothing ran while Redis was down

    monkeypatch.undo()  # Redis is back
    with app.app_context():
        assert jobs.relay_outbox() == 1
        assert jobs.relay_outbox() == 0
    run_worker_burst(app)
    assert balance(app, shop, shop.customer_id) == D("1.00")
    with app.app_context():
        relayed_again = jobs.relay_outbox()
    run_worker_burst(app)
    assert relayed_again == 0 and balance(app, shop, shop.customer_id) == D("1.00")
    with in_tenant(app, shop.tenant_id):
        credits = db.session.scalars(
            select(LedgerTransaction).where(
                LedgerTransaction.kind == TransactionKind.CASHBACK_CREDIT
            )
        ).all()
        assert len(credits) == 1
    ledger_ok(app)


def test_worker_killed_mid_job_loses_no_credit_and_doubles_none(app, shop, monkeypatch):
    """SIGKILL a real `flask worker` while it is inside the cashback job's transaction."""
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10, sale_price=D("40.00"), max_price=D("45.00"))
        order = sell(shop, [(p, 1)])
        order_id = order.id
    with in_tenant(app, shop.tenant_id):
        sales.transition(user(shop.seller_id), order_id, "paid")  # job waits: no worker yet
    # Hold the order's row lock so the job blocks right after claiming its outbox row.
    blocker = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with blocker.connect() as lock:
        lock.execute(text("SELECT id FROM orders WHERE id = :id FOR UPDATE"), {"id": order_id})
        worker = start_worker(app)  # its relay waits an hour: the test drives it
        try:
            _wait_until_blocked_on(lock, order_id)
        finally:
            worker.kill()  # SIGKILL: no cleanup, its transaction dies with its connection
            worker.wait(timeout=10)
        lock.rollback()
    blocker.dispose()
    assert balance(app, shop, shop.customer_id) == D("0.00")

    # The message was dispatched but never processed: the relay sends it again.
    monkeypatch.setitem(app.config, "OUTBOX_STALE_AFTER", 0)
    with app.app_context():
        jobs.get_queue().empty()  # the dead worker's job is gone with it
        assert jobs.relay_outbox() == 1
    run_worker_burst(app)
    with app.app_context():
        assert jobs.relay_outbox() == 0  # processed: never sent again
    assert balance(app, shop, shop.customer_id) == D("2.00")  # 5% of 40, exactly once
    assert kinds(app, shop, order_id) == ["cashback_credit"]
    ledger_ok(app)


def _wait_until_blocked_on(lock, order_id: int, timeout: float = 30.0) -> None:
    """Wait until another backend waits for the row lock this connection holds."""
    deadline = time.monotonic() + timeout
    query = text(
        "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE NOT l.granted AND a.pid <> pg_backend_pid() AND a.datname = current_database()"
    )
    while time.monotonic() < deadline:
        if lock.execute(query).scalar():
            return
        time.sleep(0.2)
    raise AssertionError(f"the worker never reached the cashback job of order {order_id}")
