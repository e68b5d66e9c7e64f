"""Wallet test helpers: a tenant context for direct service calls and ledger probes."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.conftest import in_tenant
from tests.customers.conftest import customer_data
from tests.wallet.workers import real_workers, throwaway_redis  # noqa: F401  fixtures
from webapp.core.documents import make_cpf
from webapp.customers import services as customer_services
from webapp.extensions import db
from webapp.identity.models import User
from webapp.wallet import services as wallet
from webapp.wallet.checks import check_ledger
from webapp.wallet.models import LedgerEntry, LedgerTransaction

WALLET_CUSTOMERS = 5


@pytest.fixture(autouse=True)
def wallet_customers(app, tenant) -> list[int]:
    """Customers 1..5 of the default tenant: the ledger tests address wallets by these ids."""
    ids = []
    with in_tenant(app, tenant.tenant_id):
        for n in range(1, WALLET_CUSTOMERS + 1):
            data = customer_data(name=f"Cliente Carteira {n}", document=make_cpf(700_000 + n))
            ids.append(customer_services.create_customer(tenant.id, data).id)
    assert ids == list(range(1, WALLET_CUSTOMERS + 1)), "tests expect fresh customer ids"
    return ids


# Order ids the ledger tests pass to the wallet services. ledger_transactions.order_id is a
# real foreign key since the sales migration, so those orders must exist; these unit tests
# exercise the ledger, not checkout, so plain placeholder rows are enough. Modules that set
# USES_REAL_ORDERS = True (the sales integration tests) create real orders instead.
PLACEHOLDER_ORDER_IDS = [
    *range(1, 201),
    *range(1000, 1051),
    *range(2000, 2051),
    *range(999_001, 999_001 + WALLET_CUSTOMERS),
]


@pytest.fixture(autouse=True)
def placeholder_orders(request, app, tenant, wallet_customers) -> None:
    if getattr(request.module, "USES_REAL_ORDERS", False):
        return
    from webapp.core.models import utcnow
    from webapp.sales.models import Order

    now = utcnow()
    rows = [
        {
            "id": order_id,
            "tenant_id": tenant.tenant_id,
            "customer_id": wallet_customers[0],
            "shipping_address_text": "",
            "status": "created",
            "payment_method": "pix",
            "subtotal": Decimal("0.00"),
            "tax_total": Decimal("0.00"),
            "total": Decimal("0.00"),
            "wallet_amount": Decimal("0.00"),
            "amount_due": Decimal("0.00"),
            "idempotency_key": f"placeholder-{order_id}",
            "request_fingerprint": "0" * 64,
            "created_at": now,
            "version": 1,
        }
        for order_id in PLACEHOLDER_ORDER_IDS
    ]
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(Order.__table__.insert(), rows)
        db.session.remove()


@pytest.fixture
def ctx(app, tenant):
    """Run the test body acting for the default tenant."""
    with in_tenant(app, tenant.tenant_id):
        yield


@pytest.fixture
def admin(ctx, tenant) -> User:
    return db.session.get(User, tenant.id)


def money(value: str) -> Decimal:
    return Decimal(value)


def ledger_counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(LedgerTransaction)),
        db.session.scalar(select(func.count()).select_from(LedgerEntry)),
    )


def fund(customer_id: int, amount: str, key: str | None = None) -> None:
    """Give a customer balance through a refund (the simplest credit with no rule attached)."""
    key = key or f"test-fund:{uuid.uuid4()}"
    wallet.refund(999_000 + customer_id, customer_id, Decimal(amount), key=key)


def assert_ledger_ok() -> None:
    report = check_ledger(db.engine)
    assert report.ok, report.render()
