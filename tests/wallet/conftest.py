"""Wallet test helpers: a tenant context for direct service calls and ledger probes."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.conftest import in_tenant
from tests.customers.conftest import customer_data
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
