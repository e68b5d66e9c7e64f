"""Real threads on real PostgreSQL connections: no money spent twice, nothing posted twice."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from tests.conftest import in_tenant, requires_postgres
from tests.wallet.conftest import assert_ledger_ok, fund, ledger_counts
from webapp.wallet import services as wallet
from webapp.wallet.errors import InsufficientBalance

pytestmark = requires_postgres


def run_together(app, tenant_id: int, count: int, work) -> list[str]:
    barrier = threading.Barrier(count)

    def one(i: int) -> str:
        with in_tenant(app, tenant_id):
            barrier.wait()
            try:
                work(i)
            except InsufficientBalance:
                return "refused"
            return "ok"

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_25_simultaneous_payments_of_10_from_100_exactly_10_succeed(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        fund(1, "100.00")
    outcomes = run_together(
        app, tenant.tenant_id, 25, lambda i: wallet.pay_with_balance(1000 + i, 1, Decimal("10"))
    )
    assert outcomes.count("ok") == 10 and outcomes.count("refused") == 15
    with in_tenant(app, tenant.tenant_id):
        assert wallet.balance(1) == Decimal("0.00")
        assert ledger_counts() == (11, 22)
        assert_ledger_ok()


def test_the_same_key_posted_from_many_threads_posts_once(app, tenant):
    outcomes = run_together(
        app, tenant.tenant_id, 12, lambda i: wallet.credit_cashback(77, 1, Decimal("5.00"))
    )
    assert outcomes == ["ok"] * 12
    with in_tenant(app, tenant.tenant_id):
        assert wallet.balance(1) == Decimal("5.00")
        assert ledger_counts() == (1, 2)
        assert_ledger_ok()


def test_crossing_postings_on_many_wallets_never_deadlock(app, tenant):
    """Every thread touches two shared system accounts and its own wallet, in any order."""
    with in_tenant(app, tenant.tenant_id):
        for customer in range(1, 6):
            fund(customer, "50.00")

    def work(i: int) -> None:
        customer = i % 5 + 1
        if i % 2:
            wallet.pay_with_balance(2000 + i, customer, Decimal("1.00"))
        else:
            wallet.credit_cashback(2000 + i, customer, Decimal("1.00"))

    outcomes = run_together(app, tenant.tenant_id, 20, work)
    assert outcomes == ["ok"] * 20
    with in_tenant(app, tenant.tenant_id):
        assert [wallet.balance(c) for c in range(1, 6)] == [Decimal("50.00")] * 5
        assert_ledger_ok()
