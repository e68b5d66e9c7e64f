"""Races between use cases on one order, one cart, one wallet or one product.

Real threads, each with its own app context and PostgreSQL connection, released together
by a barrier. After each race the invariants are checked: stock = initial - sold + returned
and never negative, every ledger transaction sums to zero, wallet balance = its entries.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from redis import Redis
from sqlalchemy import func, select, update

from tests.conftest import (
    Account,
    in_tenant,
    requires_postgres,
    requires_redis,
    run_queued_jobs,
    sign_in,
)
from tests.sales.orders_factory import D, counts, make_shop, product, sell, user
from tests.wallet.conftest import assert_ledger_ok
from webapp.catalog import services as catalog
from webapp.catalog.models import StockMovement
from webapp.core import jobs
from webapp.core.domain import DomainError
from webapp.core.errors import ErrorLog
from webapp.extensions import db
from webapp.identity.models import Role
from webapp.sales import cart as carts
from webapp.sales import services as sales
from webapp.sales.cart_models import Cart
from webapp.sales.models import Order
from webapp.wallet import services as wallet
from webapp.wallet.models import LedgerTransaction

pytestmark = requires_postgres


@pytest.fixture
def shop(app, tenant, make_user):
    return make_shop(app, tenant, make_user)


def race(app, tenant_id: int, *works) -> list:
    """Run each ``work()`` in its own thread and app context, all released at once.

    Returns what each returned, or the DomainError it raised.
    """
    barrier = threading.Barrier(len(works), timeout=20)

    def one(work):
        with in_tenant(app, tenant_id):
            barrier.wait()
            try:
                return work()
            except DomainError as exc:
                return exc

    with ThreadPoolExecutor(max_workers=len(works)) as pool:
        return list(pool.map(one, works))


def fund(shop, amount: str) -> None:
    wallet.manual_adjustment(
        user(shop.admin_id), shop.customer_id, D(amount), "Crédito de teste", uuid.uuid4().hex
    )


def stock(product_id: int) -> int:
    return catalog.get_product(product_id).stock_qty


def kardex_total(product_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(StockMovement.qty), 0)).where(
            StockMovement.product_id == product_id
        )
    )


def ledger_kinds(order_id: int) -> list[str]:
    rows = db.session.scalars(
        select(LedgerTransaction.kind)
        .where(LedgerTransaction.order_id == order_id)
        .order_by(LedgerTransaction.id)
    )
    return [str(kind) for kind in rows]


def codes(outcomes) -> list[str]:
    return sorted(o.code if isinstance(o, DomainError) else "ok" for o in outcomes)


# --- one order, two transitions ------------------------------------------------------------


def test_the_same_paid_order_cancelled_twice_at_once_refunds_once(app, shop):
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10)
        fund(shop, "5.00")
        order = sell(shop, [(p, 3)], wallet_amount=D("5.00"))  # R$ 30,00: 5 balance + 25 pix
        sales.transition(user(shop.seller_id), order.id, "paid")
        order_id = order.id
    run_queued_jobs(app)  # cashback R$ 1,25 credited

    def cancel():
        return sales.transition(user(shop.admin_id), order_id, "cancelled", reason="Dupla").id

    outcomes = race(app, shop.tenant_id, cancel, cancel)

    assert codes(outcomes) == ["invalid_transition", "ok"], outcomes
    with in_tenant(app, shop.tenant_id):
        assert stock(p) == 10 == kardex_total(p)
        assert wallet.balance(shop.customer_id) == D("30.00")
        kinds = ledger_kinds(order_id)
        assert kinds == ["purchase_with_balance", "cashback_credit", "refund", "cashback_reversal"]
        assert_ledger_ok()


def test_the_same_created_order_cancelled_twice_at_once_returns_once(app, shop):
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10)
        fund(shop, "5.00")
        order_id = sell(shop, [(p, 3)], wallet_amount=D("5.00")).id

    def cancel():
        return sales.transition(user(shop.admin_id), order_id, "cancelled", reason="Dupla").id

    outcomes = race(app, shop.tenant_id, cancel, cancel, cancel)

    assert codes(outcomes) == ["invalid_transition", "invalid_transition", "ok"], outcomes
    with in_tenant(app, shop.tenant_id):
        assert stock(p) == 10 == kardex_total(p)
        assert wallet.balance(shop.customer_id) == D("5.00")
        assert ledger_kinds(order_id) == ["purchase_with_balance", "refund"]
        assert_ledger_ok()


def test_pay_racing_cancel_on_a_created_order_ends_in_one_consistent_story(app, shop):
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10)
        order_id = sell(shop, [(p, 2)]).id

    outcomes = race(
        app,
        shop.tenant_id,
        lambda: sales.transition(user(shop.seller_id), order_id, "paid").status,
        lambda: sales.transition(user(shop.admin_id), order_id, "cancelled", reason="X").status,
    )
    run_queued_jobs(app)

    with in_tenant(app, shop.tenant_id):
        order = db.session.get(Order, order_id)
        assert order.status == "cancelled"
        assert stock(p) == 10 == kardex_total(p)
        kinds = ledger_kinds(order_id)
        if isinstance(outcomes[0], DomainError):  # cancel first: paying it is refused
            assert outcomes[0].code == "invalid_transition"
            assert kinds == [] and wallet.balance(shop.customer_id) == D("0.00")
        else:  # paid first, then cancelled from paid: the amount paid goes to the wallet
            assert kinds[0] == "refund" or kinds[:2] == ["cashback_credit", "refund"]
            assert wallet.balance(shop.customer_id) == D("20.00")
        assert_ledger_ok()


# --- one idempotency key -------------------------------------------------------------------


def test_same_key_different_carts_at_once_one_order_the_other_is_a_409(app, shop):
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10)

    outcomes = race(
        app,
        shop.tenant_id,
        lambda: sell(shop, [(p, 1)], key="k-1").id,
        lambda: sell(shop, [(p, 2)], key="k-1").id,
    )

    assert codes(outcomes) == ["conflict", "ok"], outcomes
    with in_tenant(app, shop.tenant_id):
        assert counts()["orders"] == 1
        order = db.session.scalar(select(Order))
        assert stock(p) == 10 - order.lines[0].qty == kardex_total(p)


# --- one wallet ----------------------------------------------------------------------------


def test_checkout_racing_a_manual_debit_never_spends_the_balance_twice(app, shop):
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10)
        fund(shop, "15.00")

    for _ in range(5):
        outcomes = race(
            app,
            shop.tenant_id,
            lambda: sell(shop, [(p, 1)], wallet_amount=D("10.00"), payment_method="wallet").id,
            lambda: (
                wallet.manual_adjustment(
                    user(shop.admin_id), shop.customer_id, D("-10.00"), "Débito", uuid.uuid4().hex
                ).id
            ),
        )
        assert codes(outcomes) == ["insufficient_balance", "ok"], outcomes
        with in_tenant(app, shop.tenant_id):
            fund(shop, "10.00")  # back to 15,00 for the next round
    with in_tenant(app, shop.tenant_id):
        assert wallet.balance(shop.customer_id) == D("15.00")
        sold = counts()["orders"]
        assert stock(p) == 10 - sold == kardex_total(p)
        assert_ledger_ok()


# --- one product ---------------------------------------------------------------------------


def test_checkout_racing_a_price_edit_snapshots_one_version_of_the_product(app, shop):
    """The order line holds name, price and cost of ONE version: before or after the edit."""
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=100, name="Antigo", cost_price=D("5.00"))

    for n in range(6):
        with in_tenant(app, shop.tenant_id):
            before = catalog.get_product(p)
            version = before.version
            old = (before.name, before.sale_price, before.cost_price)
        new = {"name": f"Novo {n}", "sale_price": D(f"{11 - n % 2}.00"), "cost_price": D(f"6.{n}0")}
        outcomes = race(
            app,
            shop.tenant_id,
            lambda: sell(shop, [(p, 1)]).id,
            lambda v=version, new=new: (
                catalog.update_product(p, v, new, actor=shop.admin_id).version
            ),
        )
        assert not isinstance(outcomes[0], DomainError), outcomes
        with in_tenant(app, shop.tenant_id):
            line = db.session.get(Order, outcomes[0]).lines[0]
            current = catalog.get_product(p)
            if isinstance(outcomes[1], DomainError):  # the sale bumped the version first
                assert outcomes[1].code == "version_conflict"
                assert current.name == old[0]
            else:
                assert current.name == new["name"]
            snapshot = (line.product_name, line.unit_price, line.cost_price)
            assert snapshot in (old, (new["name"], new["sale_price"], new["cost_price"]))
    with in_tenant(app, shop.tenant_id):
        assert stock(p) == 94 == kardex_total(p)


def test_stock_out_adjustment_racing_the_sale_of_the_last_units(app, shop):
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=5)
    for _ in range(4):
        with in_tenant(app, shop.tenant_id):
            if stock(p) < 5:
                catalog.adjust_stock(p, "in", 5 - stock(p), "Reposição", actor=shop.admin_id)
        outcomes = race(
            app,
            shop.tenant_id,
            lambda: sell(shop, [(p, 3)]).id,
            lambda: catalog.adjust_stock(p, "out", 3, "Avaria", actor=shop.admin_id).id,
        )
        assert codes(outcomes) == ["insufficient_stock", "ok"], outcomes
        with in_tenant(app, shop.tenant_id):
            assert stock(p) == 2 == kardex_total(p)


def test_crossed_checkouts_a_b_and_b_a_and_cancels_at_once_never_deadlock(app, shop):
    with in_tenant(app, shop.tenant_id):
        a, b = product(shop.admin_id, stock=50), product(shop.admin_id, stock=50)
        orders = [sell(shop, [(a, 1), (b, 1)]).id for _ in range(6)]
    for orders_to_cancel in (orders[:3], orders[3:]):
        works = [lambda: sell(shop, [(a, 1), (b, 1)]).id, lambda: sell(shop, [(b, 1), (a, 1)]).id]
        works += [
            (lambda o=o: sales.transition(user(shop.admin_id), o, "cancelled", reason="Cruzado").id)
            for o in orders_to_cancel
        ]
        outcomes = race(app, shop.tenant_id, *works * 2)
        assert codes(outcomes).count("ok") == len(works) * 2 - len(orders_to_cancel), outcomes
    with in_tenant(app, shop.tenant_id):
        live = db.session.scalar(
            select(func.count()).select_from(Order).where(Order.status != "cancelled")
        )
        assert stock(a) == stock(b) == 50 - live
        assert kardex_total(a) == stock(a) and kardex_total(b) == stock(b)


# --- outbox ------------------------------------------------------------------------------


@requires_redis
def test_two_relays_at_once_push_each_left_over_job_once(app, shop, monkeypatch):
    """Redis was down when 8 orders were paid: two workers' relays then run at once."""
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10)
        orders = [sell(shop, [(p, 1)]).id for _ in range(8)]
        dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
        monkeypatch.setattr(jobs, "get_redis", lambda: dead)
        for order_id in orders:
            sales.transition(user(shop.seller_id), order_id, "paid")
    monkeypatch.undo()
    barrier = threading.Barrier(2)

    def relay(_):
        with app.app_context():
            barrier.wait()
            return jobs.relay_outbox()

    with ThreadPoolExecutor(max_workers=2) as pool:
        relayed = list(pool.map(relay, range(2)))

    assert sum(relayed) == 8, relayed
    with app.app_context():
        assert jobs.get_queue().count == 8
    run_queued_jobs(app)
    with in_tenant(app, shop.tenant_id):
        assert wallet.balance(shop.customer_id) == D("4.00")  # 5% of 8 x R$ 10,00, once each
        assert [ledger_kinds(o) for o in orders] == [["cashback_credit"]] * 8
        assert_ledger_ok()


# --- checkout screen -----------------------------------------------------------------------

HX = {"HX-Request": "true"}


def _tabs(app, shop, count: int = 2) -> list:
    """``count`` browser tabs signed in as the shop's seller (each its own session)."""
    with in_tenant(app, shop.tenant_id):
        email = user(shop.seller_id).email
    seller = Account(shop.seller_id, shop.tenant_id, email, Role.SELLER)
    return [sign_in(app.test_client(), seller) for _ in range(count)]


def _post_together(tabs, paths, data=None) -> list:
    barrier = threading.Barrier(len(tabs), timeout=20)

    def post(pair):
        tab, path = pair
        barrier.wait()
        return tab.post(path, data=data or {}, headers=HX)

    with ThreadPoolExecutor(max_workers=len(tabs)) as pool:
        return list(pool.map(post, zip(tabs, paths, strict=True)))


def _carts() -> list[tuple[int, str, int]]:
    """(cart id, status, units in it) of every cart."""
    return [
        (cart.id, cart.status, cart.item_count)
        for cart in db.session.scalars(select(Cart).order_by(Cart.id))
    ]


def test_two_tabs_adding_an_item_with_no_open_cart_share_one_cart(app, shop):
    """The seller's open cart is gone (sold, parked) and both tabs scan at once: before,
    the unique "one open cart per owner" index failed the loser with a 500."""
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10)
    tabs = _tabs(app, shop)
    for _ in range(3):
        with in_tenant(app, shop.tenant_id):
            db.session.execute(update(Cart).values(status="parked"))
            db.session.commit()
        responses = _post_together(tabs, ["/checkout/items"] * 2, {"product_id": p})
        assert [r.status_code for r in responses] == [200, 200], [
            r.get_data(as_text=True)[:200] for r in responses
        ]
        with in_tenant(app, shop.tenant_id):
            assert [c[1:] for c in _carts() if c[1] == "open"] == [("open", 2)]
            assert db.session.scalar(select(func.count()).select_from(ErrorLog)) == 0


def test_two_tabs_resuming_two_parked_sales_at_once_end_with_one_open(app, shop):
    """Both parked the sale on screen and reopened theirs: the loser broke the one-open-cart
    index (a 500). Now the second waits and parks the sale the first reopened."""
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10)
    tabs = _tabs(app, shop)
    for label in ("A", "B"):
        tabs[0].post("/checkout/items", data={"product_id": p}, headers=HX)
        tabs[0].post("/checkout/park", data={"label": label}, headers=HX)
    tabs[0].post("/checkout/items", data={"product_id": p}, headers=HX)  # the sale on screen
    with in_tenant(app, shop.tenant_id):
        a, b, on_screen = (c[0] for c in _carts())
    for _ in range(3):
        responses = _post_together(
            tabs, [f"/checkout/parked/{a}/resume", f"/checkout/parked/{b}/resume"]
        )
        assert [r.status_code for r in responses] == [200, 200], [
            r.get_data(as_text=True)[:200] for r in responses
        ]
        with in_tenant(app, shop.tenant_id):
            carts = _carts()
            assert sorted(status for _id, status, _n in carts) == ["open", "parked", "parked"]
            assert {cart_id for cart_id, status, _n in carts if status == "open"} <= {a, b}
            db.session.execute(update(Cart).values(status="parked"))  # all parked again
            db.session.execute(update(Cart).where(Cart.id == on_screen).values(status="open"))
            db.session.commit()


def test_a_cart_confirmed_in_a_second_tab_before_the_first_marks_it_lands_on_its_order(
    app, shop, monkeypatch
):
    """Tab 1's checkout has committed (the balance is spent) and it has not yet marked the
    cart converted (after-commit work: job dispatch, live stock) when tab 2 confirms: tab 2
    re-clamped the wallet amount to the R$ 0,00 left, so its checkout was a different
    request under the cart's key, and the seller got a 409 "chave já usada" for a sale that
    went through. The pause makes the window wide; it was hit with tab 2 60 ms behind."""
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10)
        fund(shop, "10.00")
    tabs = _tabs(app, shop)
    tabs[0].post("/checkout/customer", data={"customer_id": shop.customer_id}, headers=HX)
    tabs[0].post("/checkout/items", data={"product_id": p}, headers=HX)
    tabs[0].post("/checkout/items", data={"product_id": p}, headers=HX)  # R$ 20,00
    tabs[0].post("/checkout/wallet", data={"use": "all"}, headers=HX)  # R$ 10,00 of balance
    with in_tenant(app, shop.tenant_id):
        cart_id = db.session.scalar(select(Cart.id))
    first_committed, second_done = threading.Event(), threading.Event()
    mark = carts.mark_converted

    def slow_first_mark(*args):
        if not first_committed.is_set():
            first_committed.set()
            second_done.wait(10)
        return mark(*args)

    monkeypatch.setattr(carts, "mark_converted", slow_first_mark)

    def confirm(i: int):
        if i:
            assert first_committed.wait(10)
        try:
            return tabs[i].post("/checkout/confirm", data={"cart_id": cart_id}, headers=HX)
        finally:
            if i:
                second_done.set()

    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(confirm, range(2)))

    assert [r.status_code for r in responses] == [204, 204], [
        r.get_data(as_text=True)[:300] for r in responses
    ]
    assert responses[0].headers["HX-Redirect"] == responses[1].headers["HX-Redirect"]
    with in_tenant(app, shop.tenant_id):
        assert counts()["orders"] == 1 and stock(p) == 8 == kardex_total(p)
        assert _carts() == [(cart_id, "converted", 2)]
        assert wallet.balance(shop.customer_id) == D("0.00")
        assert_ledger_ok()
