"""``flask ledger check`` passes on a healthy ledger and names every kind of corruption."""

from __future__ import annotations

from decimal import Decimal

import pytest
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


def tamper(app, sql: str) -> None:
    """Change ledger rows behind every guard: on PostgreSQL the append-only trigger is
    switched off for this one transaction (replica role), as a careless DBA could."""
    with app.app_context(), db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(sql))


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


# The seed: #1 refund 50,00 (refunds -> wallet), #2 purchase 20,00 (wallet -> payments),
# #3 cashback 1,50 (expense -> wallet). Entries 1..6, two per transaction, in that order.
CORRUPTIONS = {
    "an entry's amount rewritten": (
        "UPDATE ledger_entries SET amount = amount + 5 WHERE id = 2",
        {"unbalanced_transaction", "account_balance", "balance_after_sequence"},
        "lançamentos somam R$ 5,00 em vez de zero",
    ),
    "one leg of a transaction deleted": (
        "DELETE FROM ledger_entries WHERE id = 6",
        {"unbalanced_transaction", "account_balance"},
        "Transação #3: tem 1 lançamento(s); o mínimo são 2.",
    ),
    "a running balance rewritten": (
        "UPDATE ledger_entries SET balance_after = balance_after + 1 WHERE id = 4",
        {"balance_after_sequence"},
        "Lançamento #4 (conta #3): saldo após R$ 21,00, esperado R$ 20,00",
    ),
    "a transaction's amount rewritten": (
        "UPDATE ledger_transactions SET amount = 25 WHERE id = 2",
        {"unbalanced_transaction"},
        "valor registrado R$ 25,00 difere dos créditos R$ 20,00",
    ),
    "a system account's balance edited": (
        "UPDATE ledger_accounts SET balance = balance - 3 WHERE code = 'system:refunds'",
        {"account_balance"},
        "system:refunds (#2): saldo -R$ 53,00 difere da soma dos lançamentos -R$ 50,00",
    ),
    "an entry moved to another company": (
        "UPDATE ledger_entries SET tenant_id = (SELECT MAX(id) FROM tenants) WHERE id = 3",
        {"cross_tenant_entry"},
        "Lançamento #3: empresa diferente da transação ou da conta.",
    ),
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_each_kind_of_corruption_exits_1_and_names_the_rule(app, tenant, make_tenant, corruption):
    make_tenant("Outra Loja")  # the company an entry is moved to
    seed(app, tenant.tenant_id)
    assert run_check(app).exit_code == 0
    sql, rules, message = CORRUPTIONS[corruption]
    tamper(app, sql)
    result = run_check(app)
    assert result.exit_code == 1, result.output
    assert "Razão INCONSISTENTE" in result.output
    assert message in result.output, result.output
    with app.app_context():
        assert {v.rule for v in check_ledger(db.engine).violations} == rules
