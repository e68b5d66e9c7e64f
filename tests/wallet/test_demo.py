"""Demo wallets: adjustments posted through the services, ledger consistent, re-runnable."""

from decimal import Decimal

from tests.conftest import in_tenant
from tests.wallet.conftest import assert_ledger_ok
from webapp.wallet import services
from webapp.wallet.demo import ADJUSTMENTS, seed_wallets


def test_seed_wallets_posts_adjustments_once(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        assert seed_wallets(echo=lambda _m: None) == len(ADJUSTMENTS)
        assert services.balance(1) == Decimal("37.10")
        assert services.balance(4) == Decimal("100.00")
        assert seed_wallets(echo=lambda _m: None) == 0
        assert services.balance(1) == Decimal("37.10")
        assert_ledger_ok()
