"""Wallets and the double-entry ledger behind them.

Money moves only through :class:`LedgerTransaction` rows whose :class:`LedgerEntry` legs sum to
zero. Entries and transactions are append-only: a ``before_flush`` guard (and, on PostgreSQL,
a trigger from the migration) refuses any UPDATE or DELETE; corrections are new transactions.
A customer's :class:`Wallet` carries the spendable balance guarded by a DB CHECK (>= 0); its
ledger :class:`Account` carries the same balance as the running total of its entries.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from webapp.core.audit import Audited
from webapp.core.models import Base, BigId, Money, PkMixin, UTCDateTime, utcnow
from webapp.core.money import ZERO
from webapp.core.tenancy import TenantScoped


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=30,
        values_callable=lambda members: [m.value for m in members],
    )


class AccountKind(enum.StrEnum):
    CUSTOMER_WALLET = "customer_wallet"
    SYSTEM = "system"


class TransactionKind(enum.StrEnum):
    CASHBACK_CREDIT = "cashback_credit"
    CASHBACK_REVERSAL = "cashback_reversal"
    PURCHASE_WITH_BALANCE = "purchase_with_balance"
    REFUND = "refund"
    MANUAL_ADJUSTMENT = "manual_adjustment"

    @property
    def label(self) -> str:
        return TRANSACTION_LABELS[self]


TRANSACTION_LABELS = {
    TransactionKind.CASHBACK_CREDIT: "Crédito de cashback",
    TransactionKind.CASHBACK_REVERSAL: "Estorno de cashback",
    TransactionKind.PURCHASE_WITH_BALANCE: "Compra com saldo",
    TransactionKind.REFUND: "Estorno",
    TransactionKind.MANUAL_ADJUSTMENT: "Ajuste manual",
}

# System accounts: the other side of every wallet movement. They may go negative
# (cashback_expense is what the company has given away, refunds what it has returned).
SYSTEM_CASHBACK_EXPENSE = "system:cashback_expense"
SYSTEM_REFUNDS = "system:refunds"
SYSTEM_WALLET_PAYMENTS = "system:wallet_payments"
SYSTEM_ADJUSTMENTS = "system:adjustments"
SYSTEM_ACCOUNTS = (
    SYSTEM_CASHBACK_EXPENSE,
    SYSTEM_REFUNDS,
    SYSTEM_WALLET_PAYMENTS,
    SYSTEM_ADJUSTMENTS,
)


def wallet_account_code(customer_id: int) -> str:
    return f"wallet:{customer_id}"


class Account(TenantScoped, PkMixin, Base):
    """A ledger account: one per customer wallet plus a few system accounts per tenant."""

    __tablename__ = "ledger_accounts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code", name="uq_ledger_accounts_tenant_code"),
        # Only system accounts may go below zero; wallets are also guarded by wallets' CHECK.
        CheckConstraint("kind = 'system' OR balance >= 0", name="wallet_balance_non_negative"),
    )

    kind: Mapped[AccountKind] = mapped_column(_enum(AccountKind, "ledger_account_kind"))
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    balance: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    def __repr__(self) -> str:
        return f"<Account {self.id} {self.code}>"


class Wallet(TenantScoped, PkMixin, Base):
    """A customer's wallet: the spendable balance, changed only by conditional UPDATEs."""

    __tablename__ = "wallets"
    __table_args__ = (
        UniqueConstraint("tenant_id", "customer_id", name="uq_wallets_tenant_customer"),
        CheckConstraint("balance >= 0", name="balance_non_negative"),
    )

    customer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("customers.id", ondelete="RESTRICT"), nullable=False
    )
    account_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("ledger_accounts.id", ondelete="RESTRICT"), nullable=False, unique=True
    )
    balance: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    account: Mapped[Account] = relationship(lazy="joined")


class LedgerTransaction(TenantScoped, Audited, PkMixin, Base):
    """One movement of money; its entries sum to zero. Never updated or deleted."""

    __tablename__ = "ledger_transactions"
    __table_args__ = (
        UniqueConstraint(
            "tenant_id", "idempotency_key", name="uq_ledger_transactions_tenant_idempotency_key"
        ),
        Index("ix_ledger_transactions_tenant_order", "tenant_id", "order_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )
    # Audited so wallet movements (manual adjustments above all) show on the customer history.
    __audit_parent__ = ("customers", "customer_id")

    kind: Mapped[TransactionKind] = mapped_column(
        _enum(TransactionKind, "ledger_transaction_kind"), nullable=False
    )
    description: Mapped[str] = mapped_column(String(500), nullable=False)
    # The money moved (sum of the positive legs), so lists and audit need no join.
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    customer_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("customers.id", ondelete="RESTRICT")
    )
    # Foreign key added by the sales migration (0006_sales); orders are never deleted.
    order_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("orders.id", ondelete="RESTRICT")
    )
    actor_id: Mapped[int | None] = mapped_column(BigId)
    idempotency_key: Mapped[str] = mapped_column(String(120), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    entries: Mapped[list[LedgerEntry]] = relationship(
        back_populates="transaction", order_by="LedgerEntry.id", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<LedgerTransaction {self.id} {self.kind} {self.amount}>"


class LedgerEntry(TenantScoped, PkMixin, Base):
    """One leg of a transaction on one account; ``balance_after`` is the account's running total."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ix_ledger_entries_account_created", "account_id", "created_at"),
        CheckConstraint("amount <> 0", name="amount_not_zero"),
    )

    transaction_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("ledger_transactions.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    account_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("ledger_accounts.id", ondelete="RESTRICT"), nullable=False
    )
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    balance_after: Mapped[Decimal] = mapped_column(Money, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    transaction: Mapped[LedgerTransaction] = relationship(back_populates="entries")
    account: Mapped[Account] = relationship()


class AppendOnlyViolation(RuntimeError):
    """Code tried to change or delete a ledger row (a bug, never user input)."""


APPEND_ONLY = (LedgerTransaction, LedgerEntry)


@event.listens_for(Session, "before_flush")
def _refuse_ledger_changes(session: Session, flush_context, instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, APPEND_ONLY):
            raise AppendOnlyViolation(f"{type(obj).__name__} cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, APPEND_ONLY) and session.is_modified(obj, include_collections=False):
            raise AppendOnlyViolation(f"{type(obj).__name__} cannot be changed")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_ledger_changes(state) -> None:
    # Covers session.execute(update(LedgerEntry)...) / delete(...), which skip the flush.
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and table.name in {m.__tablename__ for m in APPEND_ONLY}:
        raise AppendOnlyViolation(f"{table.name} is append-only")
