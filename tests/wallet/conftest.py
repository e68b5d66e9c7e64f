"""Wallet test helpers: a tenant context for direct service calls and ledger probes."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.conftest import in_tenant
from webapp.extensions import db
from webapp.identity.models import User
from webapp.wallet import services as wallet
from webapp.wallet.checks import check_ledger
from webapp.wallet.models import LedgerEntry, LedgerTransaction


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
