"""The cashback job as the outbox runs it, on any database (inline jobs on SQLite)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tests.conftest import in_tenant, run_queued_jobs
from tests.sales.orders_factory import make_shop, product, sell, user
from webapp.extensions import db
from webapp.identity.settings import update_settings
from webapp.sales import services as sales
from webapp.wallet import services as wallet
from webapp.wallet.models import LedgerTransaction, TransactionKind
from webapp.wallet.tasks import credit_order_cashback

USES_REAL_ORDERS = True  # no placeholder orders from tests/wallet/conftest.py
D = Decimal


def test_a_job_delivered_again_after_the_rate_changed_is_a_no_op(app, tenant, make_user):
    shop = make_shop(app, tenant, make_user)
    with in_tenant(app, shop.tenant_id):
        order = sell(shop, [(product(shop.admin_id), 2)])  # R$ 20,00 at the default 5%
        sales.transition(user(shop.seller_id), order.id, "paid")
        order_id = order.id
    run_queued_jobs(app)
    with in_tenant(app, shop.tenant_id):
        assert wallet.balance(shop.customer_id) == D("1.00")
        update_settings(user(shop.admin_id), cashback_rate=D("10"))
        credit_order_cashback(order_id)  # used to raise IdempotencyConflict (job failed)
        db.session.commit()
        assert wallet.balance(shop.customer_id) == D("1.00")
        credits = db.session.scalars(
            select(LedgerTransaction.amount).where(
                LedgerTransaction.kind == TransactionKind.CASHBACK_CREDIT
            )
        ).all()
        assert credits == [D("1.00")]
