"""``flask seed-demo --orders N``: a coherent year of history, then live sales still work."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.conftest import in_tenant
from webapp.core.context import tenant_context
from webapp.core.models import utcnow
from webapp.core.money import ZERO
from webapp.demo import DEMO_SELLER, seed_demo
from webapp.extensions import db
from webapp.identity import services as identity
from webapp.sales import services as sales
from webapp.sales.demo import _Plan
from webapp.sales.models import STATUSES, Order, OrderLine, OrderStatusChange
from webapp.wallet.checks import check_ledger
from webapp.wallet.models import LedgerEntry, LedgerTransaction, TransactionKind, Wallet


def test_seeded_orders_are_coherent_and_spread_over_a_year(app):
    with app.app_context():
        tenant_id = seed_demo(echo=lambda _: None, customers=15, products=30, orders=250)
        db.session.remove()
    with in_tenant(app, tenant_id):
        orders = db.session.scalars(select(Order)).all()
        assert len(orders) == 250
        assert {o.status for o in orders} == set(STATUSES)
        now = utcnow()
        assert min(o.created_at for o in orders) > now - timedelta(days=366)
        assert max(o.created_at for o in orders) - min(o.created_at for o in orders) > timedelta(
            days=200
        )
        by_number = [o.created_at for o in sorted(orders, key=lambda o: o.id)]
        assert by_number == sorted(by_number)  # order numbers follow time
        for order in orders:
            assert 1 <= len(order.lines) <= 5
            assert order.total == order.subtotal == sum(line.line_total for line in order.lines)
            assert order.tax_total == sum(line.tax_amount for line in order.lines)
            assert order.amount_due == order.total
            assert order.history[0].to_status == "created"
            assert order.history[-1].to_status == order.status
            if order.status in ("paid", "shipped", "delivered"):
                assert order.paid_at and order.paid_at >= order.created_at
            if order.status == "delivered":
                assert order.paid_at <= order.shipped_at <= order.delivered_at <= now
            if order.status == "cancelled":
                assert order.cancelled_at and order.history[-1].reason
        assert check_ledger(db.engine).ok


def test_seeded_wallet_history_is_dated_when_it_happened(app):
    # The cashback of a year of orders was all posted "now": the dashboard's last 30 days
    # showed a cashback of 37% of their revenue and every statement line was dated today.
    with app.app_context():
        tenant_id = seed_demo(echo=lambda _: None, customers=15, products=30, orders=250)
        db.session.remove()
    with in_tenant(app, tenant_id):
        paid = {
            o.id: o for o in db.session.scalars(select(Order).where(Order.paid_at.is_not(None)))
        }
        posted = defaultdict(dict)
        for txn in db.session.scalars(
            select(LedgerTransaction).where(LedgerTransaction.order_id.is_not(None))
        ):
            posted[txn.kind][txn.order_id] = txn
        credits = posted[TransactionKind.CASHBACK_CREDIT]
        assert len(credits) > 100
        for order_id, credit in credits.items():
            order = paid[order_id]
            assert order.paid_at < credit.created_at <= order.paid_at + timedelta(minutes=1)
            assert order.cancelled_at is None or credit.created_at < order.cancelled_at
        cancelled = [order for order in paid.values() if order.cancelled_at is not None]
        assert cancelled
        for order in cancelled:  # the estorno of a paid order, at its cancellation
            refund = posted[TransactionKind.REFUND][order.id]
            assert (refund.amount, refund.created_at) == (order.total, order.cancelled_at)
            if order.id in credits:
                reversal = posted[TransactionKind.CASHBACK_REVERSAL][order.id]
                assert reversal.amount == credits[order.id].amount
                assert reversal.created_at == order.cancelled_at
        # Every statement's running balance follows the entries' dates.
        entries = (
            select(LedgerEntry.account_id, LedgerEntry.amount, LedgerEntry.balance_after)
            .join(Wallet, Wallet.account_id == LedgerEntry.account_id)
            .order_by(LedgerEntry.account_id, LedgerEntry.created_at, LedgerEntry.id)
        )
        running: dict[int, object] = defaultdict(lambda: ZERO)
        for account_id, amount, balance_after in db.session.execute(entries):
            running[account_id] += amount
            assert running[account_id] == balance_after
        assert check_ledger(db.engine).ok


def test_seed_is_idempotent_and_live_checkout_still_works(app):
    with app.app_context():
        tenant_id = seed_demo(echo=lambda _: None, customers=5, products=10, orders=40)
        seed_demo(echo=lambda _: None, customers=5, products=10, orders=40)
        db.session.remove()
    with in_tenant(app, tenant_id):
        assert db.session.scalar(select(func.count()).select_from(Order)) == 40
        lines = db.session.scalar(select(func.count()).select_from(OrderLine))
        changes = db.session.scalar(select(func.count()).select_from(OrderStatusChange))
        assert lines >= 40 and changes >= 40
        order = db.session.scalars(select(Order).order_by(Order.id)).first()
        seller = identity.find_user_by_email(DEMO_SELLER)
    with app.app_context(), tenant_context(tenant_id):
        product_id = order.lines[0].product_id
        live = sales.checkout(
            seller,
            customer_id=order.customer_id,
            shipping_address_id=order.shipping_address_id,
            items=[sales.CheckoutItem(product_id, 1)],
            payment_method="pix",
            idempotency_key="live-after-seed",
        )
        assert live.id > 40  # the id sequence moved past the seeded ids
        db.session.remove()


def test_a_morning_seed_puts_the_shop_hours_still_ahead_on_earlier_days():
    # 11:00 UTC is 08:00 in São Paulo: none of today's shop hours has happened yet. They
    # were clamped to one instant, which piled 2,500 of 416,667 orders on one timestamp.
    now = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    plan = _Plan(1, random.Random(7), [], [], [], now)
    moments = [plan._created_at() for _ in range(5000)]
    assert max(moments) <= now - timedelta(minutes=5)
    assert Counter(moments).most_common(1)[0][1] <= 5
