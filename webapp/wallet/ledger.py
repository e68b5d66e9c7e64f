"""The posting primitive: the only code that writes ledger rows and moves balances.

``post_transaction`` writes one transaction and its entries inside the caller's unit of work:

1. the legs must sum to zero, each on a distinct account, none zero;
2. the transaction row is inserted first, so its unique (tenant_id, idempotency_key) index
   makes a replay, or a concurrent duplicate waiting for the first, find the transaction
   already posted (no double posting);
3. balances change by single conditional UPDATEs taken in account-id order (no deadlock
   between two postings): ``UPDATE wallets SET balance = balance + :delta, version =
   version + 1 WHERE account_id = :a AND tenant_id = :t AND balance + :delta BETWEEN 0 AND
   :max RETURNING balance`` (account_id is as unique as (tenant_id, customer_id) and is what
   a leg holds); no row back means InsufficientBalance (or, for a credit, BalanceLimitExceeded:
   past NUMERIC(14,2) the column would overflow), and the DB CHECK is the backstop;
4. each entry stores the account's running ``balance_after``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import bindparam, exc, func, select, update
from sqlalchemy.orm import Session

from webapp.core.money import MAX_MONEY, ZERO, quantize
from webapp.core.tenancy import require_tenant_id
from webapp.core.uow import UnitOfWork
from webapp.wallet.errors import (
    BalanceLimitExceeded,
    IdempotencyConflict,
    InsufficientBalance,
    UnbalancedTransaction,
)
from webapp.wallet.models import (
    Account,
    AccountKind,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
    Wallet,
)

accounts_table = Account.__table__
wallets_table = Wallet.__table__

# What NUMERIC(14,2) holds. Each movement is capped far below it, but balances add up: past
# it PostgreSQL raised a numeric overflow (a 500) where a message belongs.
MAX_BALANCE = MAX_MONEY


@dataclass(frozen=True)
class Leg:
    account: Account
    amount: Decimal


def _legs(raw: Sequence[tuple[Account, Decimal]]) -> list[Leg]:
    legs = [Leg(account, quantize(Decimal(amount))) for account, amount in raw]
    if len(legs) < 2:
        raise UnbalancedTransaction("a transaction needs at least two legs")
    if any(leg.amount == ZERO for leg in legs):
        raise UnbalancedTransaction("a leg of zero moves nothing")
    if len({leg.account.id for leg in legs}) != len(legs):
        raise UnbalancedTransaction("each account may appear once per transaction")
    if sum((leg.amount for leg in legs), ZERO) != ZERO:
        raise UnbalancedTransaction(f"legs sum to {sum(leg.amount for leg in legs)}, not zero")
    # Lock order: every posting takes its rows by ascending account id.
    return sorted(legs, key=lambda leg: leg.account.id)


def _fingerprint(kind: TransactionKind, legs: Sequence[tuple[int, Decimal]]) -> tuple:
    return (TransactionKind(kind), tuple(sorted(legs)))


def _existing(session: Session, key: str) -> LedgerTransaction | None:
    return session.scalar(select(LedgerTransaction).where(LedgerTransaction.idempotency_key == key))


def _same_or_conflict(
    existing: LedgerTransaction, kind: TransactionKind, legs: list[Leg], description: str
) -> LedgerTransaction:
    stored = [(entry.account_id, entry.amount) for entry in existing.entries]
    wanted = [(leg.account.id, leg.amount) for leg in legs]
    # The description too: an adjustment's is its reason, and two requests racing with one
    # key and two reasons both pass the caller's look-up; the loser must not get a 201.
    same = _fingerprint(existing.kind, stored) == _fingerprint(kind, wanted)
    if not same or existing.description != description:
        raise IdempotencyConflict(details={"transaction_id": existing.id})
    return existing


def _insert_or_find(session: Session, txn: LedgerTransaction) -> LedgerTransaction | None:
    """Insert ``txn``, or return the transaction already posted under its key (inserting
    nothing)."""
    key = txn.idempotency_key
    if session.get_bind().dialect.name != "postgresql":
        # SQLite serialises writers, and pysqlite's SAVEPOINT can commit the outer
        # transaction: look first; the unique index still refuses a duplicate (the use case
        # then fails).
        if (existing := _existing(session, key)) is not None:
            return existing
        session.add(txn)
        session.flush()
        return None
    # PostgreSQL: insert first, with no lookup before it (a new key is the common case). A
    # key already used, by a replay or by a concurrent duplicate that committed first, fails
    # only the savepoint; the posted transaction is then read.
    try:
        with session.begin_nested():
            session.add(txn)
            session.flush()
    except exc.IntegrityError as error:
        if "idempotency_key" not in str(error.orig):
            raise
        return _existing(session, key)
    return None


def _balance_move(table, account_column, lowest: Decimal, **also):
    """``UPDATE table SET balance = balance + :amount ... RETURNING balance`` for one
    account of one tenant, only while the new balance stays within [lowest, MAX_BALANCE].

    Built once per table and run with parameters (see core.tenancy._scoped): every posting
    runs two or three, and building one cost about as much Python time as running it.
    ``of_account``, ``of_tenant``: a column's own name would clash with the SET clause's.
    """
    # ROUND to centavos: SQLite keeps NUMERIC as a double, where 5.04 - 5.03 - 0.01 < 0.
    # On PostgreSQL's exact NUMERIC it changes nothing.
    new_balance = func.round(table.c.balance + bindparam("amount", type_=table.c.balance.type), 2)
    return (
        update(table)
        .where(
            account_column == bindparam("of_account"),
            table.c.tenant_id == bindparam("of_tenant"),
            new_balance.between(lowest, MAX_BALANCE),
        )
        .values(balance=new_balance, **also)
        .returning(table.c.balance)
    )


_MOVE_WALLET = _balance_move(
    wallets_table, wallets_table.c.account_id, ZERO, version=wallets_table.c.version + 1
)
# System accounts go negative (what the company gave away): bounded both ways.
_MOVE_ACCOUNT = _balance_move(accounts_table, accounts_table.c.id, -MAX_BALANCE)
_WALLET_BALANCE_NOW = select(wallets_table.c.balance).where(
    wallets_table.c.account_id == bindparam("of_account"),
    wallets_table.c.tenant_id == bindparam("of_tenant"),
)


def _move_wallet(session: Session, tenant_id: int, leg: Leg) -> None:
    params = {"of_account": leg.account.id, "of_tenant": tenant_id, "amount": leg.amount}
    if session.execute(_MOVE_WALLET, params).first() is None:
        available = session.scalar(_WALLET_BALANCE_NOW, params)
        if leg.amount > 0:
            raise BalanceLimitExceeded(MAX_BALANCE)
        raise InsufficientBalance(available or ZERO, -leg.amount)


def _move_account(session: Session, tenant_id: int, leg: Leg) -> Decimal:
    params = {"of_account": leg.account.id, "of_tenant": tenant_id, "amount": leg.amount}
    balance = session.execute(_MOVE_ACCOUNT, params).scalar()
    if balance is None:
        raise BalanceLimitExceeded(MAX_BALANCE)
    return balance


def post_transaction(
    uow: UnitOfWork,
    kind: TransactionKind,
    legs: Sequence[tuple[Account, Decimal]],
    idempotency_key: str,
    description: str,
    order_id: int | None = None,
    actor=None,
    customer_id: int | None = None,
) -> LedgerTransaction:
    """Post one balanced transaction, or return the one already posted under the same key.

    Raises InsufficientBalance when a wallet leg would go below zero and IdempotencyConflict
    when the key was used for a different movement.
    """
    session = uow.session
    tenant_id = require_tenant_id()
    ordered = _legs(legs)
    if not idempotency_key or len(idempotency_key) > 120:
        raise ValueError("idempotency key must have 1 to 120 characters")
    txn = LedgerTransaction(
        kind=TransactionKind(kind),
        description=description[:500],
        amount=sum((leg.amount for leg in ordered if leg.amount > 0), ZERO),
        customer_id=customer_id,
        order_id=order_id,
        actor_id=getattr(actor, "id", actor) or uow.actor_id,
        idempotency_key=idempotency_key,
    )
    if (existing := _insert_or_find(session, txn)) is not None:
        return _same_or_conflict(existing, kind, ordered, txn.description)

    balances_after = []
    for leg in ordered:
        if leg.account.kind == AccountKind.CUSTOMER_WALLET:
            _move_wallet(session, tenant_id, leg)
        balances_after.append(_move_account(session, tenant_id, leg))
    # Added only after every balance moved: one multi-row INSERT for all the entries (adding
    # each beside its UPDATE made the next UPDATE autoflush it, an INSERT per entry).
    session.add_all(
        LedgerEntry(
            transaction=txn, account_id=leg.account.id, amount=leg.amount, balance_after=balance
        )
        for leg, balance in zip(ordered, balances_after, strict=True)
    )
    session.flush()
    _expire_balances(session, ordered)
    return txn


def _expire_balances(session: Session, legs: list[Leg]) -> None:
    """The Core UPDATEs bypassed the identity map: loaded accounts and wallets must re-read."""
    moved = {leg.account.id for leg in legs}
    for leg in legs:
        session.expire(leg.account, ["balance"])
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Wallet) and obj.account_id in moved:
            session.expire(obj, ["balance", "version"])
