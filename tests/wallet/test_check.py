"""``flask ledger check`` passes on a healthy ledger and names every kind of corruption."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import text

from tests.conftest import in_tenant
from tests.wallet.conftest import fund
from webapp.extensions import db
from webapp.wallet import services as wallet
from webapp.wallet.checks import check_ledger


def run_check(app):
    return app.test_cli_runner().invoke(args=["ledger", "check"])


def seed(app, tenant_id):
    with in_tenant(app, tenant_id):
        fund(1, "50.00")
        wallet.pay_with_balance(3, 1, Decimal("20.00"))
        wallet.credit_cashback(3, 1, Decimal("1.50"))


def raw(app, sql: str, **params) -> None:
    # Bypasses the ORM guard on purpose: INSERTs (and UPDATEs of wallets) pass the trigger too.
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_healthy_ledger_exits_zero_with_a_summary(app, tenant):
    seed(app, tenant.tenant_id)
    result = run_check(app)
    assert result.exit_code == 0, result.output
    assert "Razão consistente: 3 transações, 6 lançamentos, 4 contas, 1 carteiras" in result.output


def test_an_unbalanced_entry_inserted_behind_the_guard_is_reported(app, tenant):
    seed(app, tenant.tenant_id)
    raw(
        app,
        "INSERT INTO ledger_entries (tenant_id, transaction_id, account_id, amount, "
        "balance_after, created_at) SELECT tenant_id, transaction_id, account_id, 7, "
        "balance_after, created_at FROM ledger_entries WHERE id = 2",
    )
    result = run_check(app)
    assert result.exit_code == 1
    assert "Razão INCONSISTENTE" in result.output
    assert "lançamentos somam R$ 7,00 em vez de zero" in result.output
    assert "difere da soma dos lançamentos" in result.output
    with app.app_context():
        rules = {v.rule for v in check_ledger(db.engine).violations}
    assert {"unbalanced_transaction", "account_balance", "balance_after_sequence"} <= rules


def test_a_wallet_balance_edited_by_hand_is_reported(app, tenant):
    seed(app, tenant.tenant_id)
    raw(app, "UPDATE wallets SET balance = balance + 100")
    result = run_check(app)
    assert result.exit_code == 1
    assert "saldo R$ 131,50 difere do saldo da conta no razão R$ 31,50" in result.output
