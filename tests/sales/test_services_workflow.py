"""Order workflow (SPEC 4) and order queries."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import in_tenant
from tests.sales.orders_factory import D, make_shop, product, sell, user
from webapp.catalog import services as catalog
from webapp.catalog.models import StockMovement
from webapp.core.domain import NotFound, PermissionDenied, ValidationFailed
from webapp.core.uow import OutboxMessage
from webapp.extensions import db
from webapp.identity.models import Role
from webapp.sales import services as sales
from webapp.sales.errors import InvalidTransition
from webapp.sales.models import STATUSES, TRANSITIONS, Order, OrderStatusChange
from webapp.wallet import services as wallet

# How to bring a fresh order to each status (the only legal paths).
PATHS = {
    "created": [],
    "paid": ["paid"],
    "shipped": ["paid", "shipped"],
    "delivered": ["paid", "shipped", "delivered"],
    "cancelled": ["cancelled"],
}
ALLOWED = {
    ("created", "paid"),
    ("created", "cancelled"),
    ("paid", "shipped"),
    ("paid", "cancelled"),
    ("shipped", "delivered"),
}


@pytest.fixture
def shop(app, tenant, make_user):
    return make_shop(app, tenant, make_user)


@pytest.fixture
def ctx(app, shop):
    with in_tenant(app, shop.tenant_id):
        yield


def order_in(shop, status: str, stock_product: int) -> Order:
    order = sell(shop, [(stock_product, 1)])
    for step in PATHS[status]:
        sales.transition(user(shop.seller_id), order.id, step, reason="teste")
    return order


def test_the_transition_table_is_exactly_spec_4():
    declared = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert declared == ALLOWED


def test_every_status_pair_is_allowed_or_refused_as_spec_4_says(ctx, shop):
    p = product(shop.admin_id, stock=100)
    seller = user(shop.seller_id)
    for source, target in itertools.product(STATUSES, STATUSES):
        order = order_in(shop, source, p)
        history_before = len(order.history)
        if (source, target) in ALLOWED:
            moved = sales.transition(seller, order.id, target, reason="motivo do teste")
            assert moved.status == target
            change = moved.history[-1]
            assert (change.from_status, change.to_status, change.actor_id) == (
                source,
                target,
                shop.seller_id,
            )
            assert change.reason == "motivo do teste" and change.created_at is not None
        else:
            with pytest.raises(InvalidTransition) as refused:
                sales.transition(seller, order.id, target, reason="motivo do teste")
            assert refused.value.code == "invalid_transition" and refused.value.status == 409
            db.session.rollback()
            fresh = db.session.get(Order, order.id)
            assert fresh.status == source and len(fresh.history) == history_before


def test_allowed_transitions_drive_the_buttons(ctx, shop):
    p = product(shop.admin_id, stock=10)
    for status, expected in (("created", ["paid", "cancelled"]), ("shipped", ["delivered"])):
        assert sales.allowed_transitions(order_in(shop, status, p)) == expected
    assert sales.allowed_transitions(order_in(shop, "delivered", p)) == []


def test_timestamps_tracking_code_and_the_cashback_event(ctx, shop):
    p = product(shop.admin_id, stock=10)
    seller = user(shop.seller_id)
    order = sell(shop, [(p, 1)])
    sales.transition(seller, order.id, "paid")
    [event] = db.session.scalars(select(OutboxMessage)).all()
    assert event.task == "webapp.wallet.tasks.credit_order_cashback"
    assert event.payload == {"order_id": order.id}
    sales.transition(seller, order.id, "shipped", tracking_code=" BR123456789BR ")
    done = sales.transition(seller, order.id, "delivered")
    assert done.paid_at <= done.shipped_at <= done.delivered_at and done.cancelled_at is None
    assert done.tracking_code == "BR123456789BR"
    assert [h.tracking_code for h in done.history] == [None, None, "BR123456789BR", None]


def test_cancel_requires_a_reason(ctx, shop):
    p = product(shop.admin_id, stock=10)
    order = sell(shop, [(p, 1)])
    with pytest.raises(ValidationFailed) as refused:
        sales.transition(user(shop.seller_id), order.id, "cancelled", reason="  ")
    assert "reason" in refused.value.fields


def test_cancel_created_returns_stock_and_the_balance_used(ctx, shop):
    p = product(shop.admin_id, stock=10)
    wallet.manual_adjustment(user(shop.admin_id), shop.customer_id, D("8.00"), "teste", "k1")
    order = sell(shop, [(p, 3)], wallet_amount=D("8.00"))
    assert catalog.get_product(p).stock_qty == 7 and wallet.balance(shop.customer_id) == D("0")
    cancelled = sales.transition(user(shop.seller_id), order.id, "cancelled", reason="Desistiu")
    assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None
    assert catalog.get_product(p).stock_qty == 10
    [back] = db.session.scalars(
        select(StockMovement).where(StockMovement.kind == "cancel_return")
    ).all()
    assert (back.qty, back.order_id) == (3, order.id)
    assert wallet.balance(shop.customer_id) == D("8.00")


def test_cancel_paid_refunds_the_whole_amount_paid(ctx, shop):
    p = product(shop.admin_id, stock=10)
    wallet.manual_adjustment(user(shop.admin_id), shop.customer_id, D("5.00"), "teste", "k1")
    order = sell(shop, [(p, 2)], wallet_amount=D("5.00"))  # 20,00: 5 balance + 15 money
    sales.transition(user(shop.seller_id), order.id, "paid")
    sales.transition(user(shop.admin_id), order.id, "cancelled", reason="Defeito")
    assert wallet.balance(shop.customer_id) == D("20.00")
    assert catalog.get_product(p).stock_qty == 10


def test_a_seller_acts_only_on_own_orders(app, shop, make_user):
    colleague = make_user(shop.tenant_id, Role.SELLER)
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=10)
        order = sell(shop, [(p, 1)])
        with pytest.raises(PermissionDenied):
            sales.transition(user(colleague.id), order.id, "paid")
        db.session.rollback()
        with pytest.raises(NotFound):
            sales.get_order(order.id, user(colleague.id))
        assert sales.transition(user(shop.admin_id), order.id, "paid").status == "paid"
        assert sales.get_order(order.id, user(shop.seller_id)).id == order.id


def test_unknown_order_or_status(ctx, shop):
    with pytest.raises(NotFound):
        sales.transition(user(shop.admin_id), 987654, "paid")
    with pytest.raises(ValidationFailed):
        sales.transition(user(shop.admin_id), 987654, "refunded")


def test_list_orders_filters_and_visibility(app, shop, make_user):
    colleague = make_user(shop.tenant_id, Role.SELLER)
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=50)
        mine = [sell(shop, [(p, 1)]).id for _ in range(3)]
        theirs = sell(shop, [(p, 1)], actor_id=colleague.id).id
        sales.transition(user(shop.seller_id), mine[0], "paid")
        old = db.session.get(Order, mine[1])
        old.created_at = old.created_at - timedelta(days=40)
        db.session.commit()
        admin, seller = user(shop.admin_id), user(shop.seller_id)

        assert sales.list_orders(admin).total == 4
        page = sales.list_orders(seller)
        assert {o.id for o in page.items} == set(mine)
        assert [o.id for o in sales.list_orders(admin, status="paid").items] == [mine[0]]
        assert [o.id for o in sales.list_orders(admin, seller_id=colleague.id).items] == [theirs]
        recent = sales.list_orders(admin, date_from=(old.created_at + timedelta(days=2)).date())
        assert mine[1] not in {o.id for o in recent.items} and recent.total == 3
        window = sales.list_orders(
            admin,
            date_from=old.created_at.date() - timedelta(days=1),
            date_to=old.created_at.date() + timedelta(days=1),
        )
        assert [o.id for o in window.items] == [mine[1]]
        assert sales.list_orders(admin, customer_id=shop.customer_id, per_page=2).has_next
        with pytest.raises(ValidationFailed):
            sales.list_orders(admin, status="refunded")


def test_history_rows_are_kept_in_order(ctx, shop):
    p = product(shop.admin_id, stock=10)
    order = sell(shop, [(p, 1)], key=uuid.uuid4().hex)
    sales.transition(user(shop.seller_id), order.id, "paid")
    rows = db.session.scalars(
        select(OrderStatusChange).where(OrderStatusChange.order_id == order.id)
    ).all()
    assert [(r.from_status, r.to_status) for r in rows] == [(None, "created"), ("created", "paid")]
