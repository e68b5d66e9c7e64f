"""The posting primitive: balanced, idempotent, never overspending, append-only."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from tests.conftest import in_tenant, requires_postgres
from tests.customers.conftest import customer_data
from tests.wallet.conftest import assert_ledger_ok, fund, ledger_counts
from webapp.core.audit import AuditEntry
from webapp.core.domain import NotFound
from webapp.core.uow import unit_of_work
from webapp.customers import services as customer_services
from webapp.extensions import db
from webapp.wallet import accounts
from webapp.wallet import services as wallet
from webapp.wallet.errors import IdempotencyConflict, InsufficientBalance, UnbalancedTransaction
from webapp.wallet.ledger import post_transaction
from webapp.wallet.models import (
    SYSTEM_ADJUSTMENTS,
    AppendOnlyViolation,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
    Wallet,
)

ADJ = TransactionKind.MANUAL_ADJUSTMENT


def post(legs_for, key="k1", kind=ADJ, description="teste"):
    with unit_of_work() as uow:
        wallet_row = accounts.wallet_for(uow.session, 1)
        system = accounts.system_account(uow.session, SYSTEM_ADJUSTMENTS)
        return post_transaction(uow, kind, legs_for(wallet_row.account, system), key, description)


@pytest.mark.parametrize(
    "legs",
    [
        lambda w, s: [(w, Decimal("10.00")), (s, Decimal("-9.99"))],  # does not sum to zero
        lambda w, s: [(w, Decimal("10.00"))],  # one leg
        lambda w, s: [(w, Decimal("0.00")), (s, Decimal("0.00"))],  # moves nothing
        lambda w, s: [(w, Decimal("5")), (w, Decimal("-5"))],  # same account twice
    ],
)
def test_malformed_postings_are_refused_and_leave_nothing(ctx, legs):
    with pytest.raises(UnbalancedTransaction):
        post(legs)
    assert ledger_counts() == (0, 0)
    assert wallet.balance(1) == Decimal("0.00")


def test_posting_moves_both_balances_and_records_running_balance(ctx):
    txn = post(lambda w, s: [(s, Decimal("-30.00")), (w, Decimal("30.00"))])
    post(lambda w, s: [(w, Decimal("-12.50")), (s, Decimal("12.50"))], key="k2")
    assert wallet.balance(1) == Decimal("17.50")
    assert txn.amount == Decimal("30.00")
    wallet_row = db.session.scalar(select(Wallet).where(Wallet.customer_id == 1))
    assert wallet_row.version == 3  # created at 1, bumped by each posting
    assert wallet_row.account.balance == Decimal("17.50")
    entries = db.session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.account_id == wallet_row.account_id)
        .order_by(LedgerEntry.id)
    ).all()
    assert [(e.amount, e.balance_after) for e in entries] == [
        (Decimal("30.00"), Decimal("30.00")),
        (Decimal("-12.50"), Decimal("17.50")),
    ]
    system = accounts.system_account(db.session, SYSTEM_ADJUSTMENTS)
    assert system.balance == Decimal("-17.50")  # system accounts may go negative
    assert_ledger_ok()


def test_same_key_twice_posts_once(ctx):
    first = post(lambda w, s: [(s, Decimal("-30.00")), (w, Decimal("30.00"))])
    again = post(lambda w, s: [(s, Decimal("-30.00")), (w, Decimal("30.00"))])
    assert again.id == first.id
    assert ledger_counts() == (1, 2)
    assert wallet.balance(1) == Decimal("30.00")
    # The replay's refused insert (PostgreSQL tries it first) leaves no audit entry either.
    audited = select(func.count()).where(AuditEntry.table_name == "ledger_transactions")
    assert db.session.scalar(audited) == 1


def test_same_key_with_another_payload_is_a_conflict(ctx):
    post(lambda w, s: [(s, Decimal("-30.00")), (w, Decimal("30.00"))])
    with pytest.raises(IdempotencyConflict) as raised:
        post(lambda w, s: [(s, Decimal("-31.00")), (w, Decimal("31.00"))])
    assert raised.value.status == 409
    assert ledger_counts() == (1, 2)
    assert wallet.balance(1) == Decimal("30.00")


def test_same_key_and_legs_with_another_description_is_a_conflict(ctx):
    # Two adjustments racing with one key and two reasons both miss the service's look-up;
    # the insert that loses must not answer with the winner's entry as if it were its own.
    post(lambda w, s: [(s, Decimal("-30.00")), (w, Decimal("30.00"))], description="Bônus")
    with pytest.raises(IdempotencyConflict):
        post(lambda w, s: [(s, Decimal("-30.00")), (w, Decimal("30.00"))], description="Correção")
    assert ledger_counts() == (1, 2)


def test_overspending_is_refused_with_the_available_balance(ctx):
    fund(1, "5.00")
    before = ledger_counts()
    with pytest.raises(InsufficientBalance) as raised:
        wallet.pay_with_balance(10, 1, Decimal("5.01"))
    error = raised.value
    assert (error.status, error.code) == (409, "insufficient_balance")
    assert error.message == "Saldo insuficiente na carteira: disponível R$ 5,00"
    assert error.details == {"available": "5.00", "requested": "5.01"}
    assert error.fields == {"wallet_amount": error.message}
    assert ledger_counts() == before
    assert wallet.balance(1) == Decimal("5.00")
    assert_ledger_ok()


def test_the_database_refuses_a_negative_wallet_even_for_raw_sql(ctx):
    wallet.get_or_create_wallet(1)
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE wallets SET balance = -1"))
    db.session.rollback()


def test_ledger_rows_cannot_be_changed_or_deleted_through_the_orm(ctx):
    fund(1, "10.00")
    entry = db.session.scalars(select(LedgerEntry)).first()
    entry.amount = Decimal("1000.00")
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()

    txn = db.session.scalars(select(LedgerTransaction)).first()
    txn.description = "reescrita"
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()

    db.session.delete(db.session.scalars(select(LedgerEntry)).first())
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()

    for statement in (update(LedgerEntry).values(amount=1), delete(LedgerTransaction)):
        with pytest.raises(AppendOnlyViolation):
            db.session.execute(statement)
        db.session.rollback()
    assert wallet.balance(1) == Decimal("10.00")
    assert_ledger_ok()


@requires_postgres
def test_postgres_trigger_refuses_update_and_delete_of_ledger_rows(ctx):
    fund(1, "10.00")
    for sql in (
        "UPDATE ledger_entries SET amount = 999",
        "DELETE FROM ledger_entries",
        "UPDATE ledger_transactions SET description = 'x'",
        "DELETE FROM ledger_transactions",
    ):
        with db.engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(sql))
    assert_ledger_ok()


def test_wallets_and_keys_are_per_tenant(app, tenant, make_tenant):
    other = make_tenant("Outra Loja")
    with in_tenant(app, tenant.tenant_id):
        wallet.credit_cashback(1, 1, Decimal("7.00"))
    with in_tenant(app, other.tenant_id):
        their_customer = customer_services.create_customer(other.id, customer_data()).id
        # Same order key in another company: another ledger, another wallet.
        wallet.credit_cashback(1, their_customer, Decimal("3.00"))
        assert wallet.balance(their_customer) == Decimal("3.00")
        with pytest.raises(NotFound):  # tenant A's customer does not exist for tenant B
            wallet.credit_cashback(2, 1, Decimal("1.00"))
    with in_tenant(app, tenant.tenant_id):
        assert wallet.balance(1) == Decimal("7.00")
        assert ledger_counts() == (1, 2)
    with in_tenant(app):
        assert_ledger_ok()


def test_balances_land_exactly_on_zero_whatever_the_database_float_tricks(ctx):
    """Found by the state machine: on SQLite 5.04 - 5.03 - 0.01 was refused as negative."""
    wallet.credit_cashback(1, 1, Decimal("0.01"))
    wallet.credit_cashback(2, 1, Decimal("5.03"))
    wallet.pay_with_balance(3, 1, Decimal("5.03"))
    wallet.pay_with_balance(4, 1, Decimal("0.01"))
    assert wallet.balance(1) == Decimal("0.00")
    for order, amount in ((11, "0.10"), (12, "0.20")):
        wallet.credit_cashback(order, 1, Decimal(amount))
    wallet.pay_with_balance(20, 1, Decimal("0.30"))
    assert wallet.balance(1) == Decimal("0.00")
    assert_ledger_ok()


APPEND_ONLY_TABLES = r"(LedgerEntry|LedgerTransaction|ledger_entries|ledger_transactions)"
WRITE_PATHS = [
    re.compile(rf"\b(update|delete)\(\s*{APPEND_ONLY_TABLES}\b"),  # Core/ORM bulk statements
    re.compile(rf"\b{APPEND_ONLY_TABLES}(\.__table__)?\.(update|delete)\("),  # Table methods
    re.compile(r"\b(UPDATE|DELETE\s+FROM)\s+ledger_(entries|transactions)\b", re.I),  # raw SQL
    re.compile(r"\bTRUNCATE\b[^\"']*\bledger_(entries|transactions)\b", re.I),
]


def test_no_code_path_updates_or_deletes_ledger_rows():
    """The guard refuses changes at run time; this proves no code even tries: no UPDATE,
    DELETE or TRUNCATE of ledger entries or transactions anywhere in the application."""
    root = Path(__file__).resolve().parents[2] / "webapp"
    offenders = [
        f"{path.relative_to(root.parent)}:{number}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if not line.lstrip().startswith("#") and any(p.search(line) for p in WRITE_PATHS)
    ]
    assert offenders == []
    # The patterns do catch the forms they are written for.
    for line in (
        "session.execute(update(LedgerEntry).values(amount=1))",
        "db.session.execute(delete(LedgerTransaction))",
        "LedgerEntry.__table__.update().values(amount=1)",
        'conn.execute(text("update ledger_entries set amount = 0"))',
        'text("DELETE FROM ledger_transactions WHERE id = :id")',
    ):
        assert any(pattern.search(line) for pattern in WRITE_PATHS), line
