"""Wallet use cases: every movement of a customer's balance goes through one of these.

Each function is one unit of work. Called inside another use case (checkout, order
transition, the cashback job) it joins that unit of work, so the wallet movement commits or
rolls back together with the order. A domain error raised here (InsufficientBalance above
all) must be left to propagate out of the caller's ``with unit_of_work()`` block: a caller
that swallowed it and committed would keep a half-written posting.

How sales wires in (keys are fixed per order so every retry is a no-op):

* Checkout, inside its unit of work, AFTER the stock updates (every use case takes row locks
  in the same order -- products, then ledger rows -- so checkout and cancel never deadlock)::

      wallet.pay_with_balance(order.id, customer.id, order.wallet_amount, actor=seller)
      # key order:{id}:wallet-payment; InsufficientBalance -> 409 insufficient_balance

* Order becomes ``paid``: enqueue in the transition's unit of work
  ``uow.enqueue("webapp.wallet.tasks.credit_order_cashback", order_id=order.id)`` (that task
  reads orders, so it is written when sales merges). The job opens a unit of work, locks
  the order row (SELECT ... FOR UPDATE), does nothing unless the order is still ``paid``,
  and calls::

      wallet.credit_cashback(order.id, order.customer_id, cashback_for(order.amount_due, ...))
      # key order:{id}:cashback -> running the job twice credits once

  Because cancel takes the same order row lock, a cancel racing the job ends as if they ran
  one after the other: either the job sees ``cancelled`` and credits nothing, or the cancel
  sees the credit and reverses it.

* Cancel a ``paid`` order (estorno atômico), in the transition's unit of work, after the
  stock is returned, refund FIRST, then reverse::

      wallet.estorno(order.id, order.customer_id, order.total)
      # = refund (key order:{id}:refund), then reverse_cashback (key order:{id}:cashback-reversal)

  The refund credits the whole amount paid (money + balance), and the cashback is a
  fraction of the money part, so the reversal always fits in the balance even if the
  customer already spent the cashback. Reversal is all or nothing: on its own it refuses
  with InsufficientBalance rather than leave a partial reversal or a negative balance.

* Cancel a ``created`` order: ``wallet.return_wallet_payment(order.id, order.customer_id)``
  (key order:{id}:wallet-return) gives back exactly what that order took from the wallet.

* Admin adjustment (web dialog and ``POST /customers/{id}/wallet/adjustments``):
  ``wallet.manual_adjustment(current_user, customer_id, amount, reason, key)`` with the
  Idempotency-Key header (or a key generated when the form is rendered) as ``key``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from webapp.core.domain import PermissionDenied, ValidationFailed
from webapp.core.money import (
    ZERO,
    InvalidMoney,
    MoneyTooLarge,
    TooManyDecimals,
    format_brl,
    parse_money,
    quantize,
)
from webapp.core.text import control_characters_message, has_control_characters
from webapp.core.uow import unit_of_work
from webapp.extensions import db
from webapp.wallet import accounts
from webapp.wallet.cashback import (  # noqa: F401  the cashback job and checkout use these
    CashbackRules,
    cashback_rules,
    estimate_cashback,
)
from webapp.wallet.errors import IdempotencyConflict, InsufficientBalance
from webapp.wallet.ledger import post_transaction
from webapp.wallet.models import (
    SYSTEM_ADJUSTMENTS,
    SYSTEM_CASHBACK_EXPENSE,
    SYSTEM_REFUNDS,
    SYSTEM_WALLET_PAYMENTS,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
    Wallet,
)
from webapp.wallet.rules import cashback_for  # noqa: F401  re-exported for sales

# Far above any real movement, far below NUMERIC(14,2)'s limit: no overflow ever reaches the DB.
MAX_AMOUNT = Decimal("1000000000.00")
MAX_REASON = 500


def cashback_key(order_id: int) -> str:
    return f"order:{order_id}:cashback"


def cashback_reversal_key(order_id: int) -> str:
    return f"order:{order_id}:cashback-reversal"


def wallet_payment_key(order_id: int) -> str:
    return f"order:{order_id}:wallet-payment"


def wallet_return_key(order_id: int) -> str:
    return f"order:{order_id}:wallet-return"


def adjustment_key(key: str) -> str:
    return f"adjustment:{key}"


def adjustment_posted(key: str) -> LedgerTransaction | None:
    """The adjustment already posted under this client key, if any (replay detection)."""
    return _posted(adjustment_key(key))


def refund_key(order_id: int) -> str:
    return f"order:{order_id}:refund"


def _amount(value: Any, field: str = "amount", *, signed: bool = False) -> Decimal:
    try:
        amount = parse_money(value)
    except (TooManyDecimals, MoneyTooLarge) as exc:
        raise ValidationFailed(exc.message, field=field) from exc
    except InvalidMoney as exc:
        raise ValidationFailed("Informe um valor em reais, como 10,50.", field=field) from exc
    if amount == ZERO or (amount < ZERO and not signed):
        message = "O valor não pode ser zero." if signed else "O valor deve ser maior que zero."
        raise ValidationFailed(message, field=field)
    if abs(amount) > MAX_AMOUNT:
        raise ValidationFailed(f"O valor não pode passar de {format_brl(MAX_AMOUNT)}.", field=field)
    return amount


@contextmanager
def _on_field(field: str) -> Iterator[None]:
    """Attach a balance shortfall to the form field that asked for the money."""
    try:
        yield
    except InsufficientBalance as exc:
        exc.fields.setdefault(field, exc.message)
        raise


def _posted(key: str) -> LedgerTransaction | None:
    return db.session.scalar(
        select(LedgerTransaction).where(LedgerTransaction.idempotency_key == key)
    )


def _order_wallet_total(wallet: Wallet, order_id: int, kinds: tuple[TransactionKind, ...]):
    """Net amount that ``kinds`` transactions of one order moved on this wallet."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0))
        .join(LedgerTransaction, LedgerEntry.transaction_id == LedgerTransaction.id)
        .where(
            LedgerEntry.account_id == wallet.account_id,
            LedgerTransaction.order_id == order_id,
            LedgerTransaction.kind.in_(kinds),
        )
    )
    return quantize(Decimal(str(total)))


def get_or_create_wallet(customer_id: int, actor: Any = None) -> Wallet:
    """The customer's wallet, opened with a zero balance on first use."""
    with unit_of_work(actor) as uow:
        return accounts.wallet_for(uow.session, customer_id)


def balance(customer_id: int) -> Decimal:
    """The customer's spendable balance (zero when the wallet was never opened)."""
    value = db.session.scalar(select(Wallet.balance).where(Wallet.customer_id == customer_id))
    return value if value is not None else ZERO


def credit_cashback(
    order_id: int, customer_id: int, amount: Decimal, key: str | None = None, actor: Any = None
) -> LedgerTransaction | None:
    """Credit an order's cashback once per key; None when there is nothing to credit."""
    amount = quantize(Decimal(amount))
    if amount <= ZERO:
        return None
    key = key or cashback_key(order_id)
    with unit_of_work(actor) as uow:
        wallet, expense = accounts.wallet_and_system_account(
            uow.session, customer_id, SYSTEM_CASHBACK_EXPENSE
        )
        try:
            return post_transaction(
                uow,
                TransactionKind.CASHBACK_CREDIT,
                [(expense, -amount), (wallet.account, amount)],
                key,
                f"Cashback do pedido #{order_id}",
                order_id=order_id,
                actor=actor,
                customer_id=customer_id,
            )
        except IdempotencyConflict:
            # Credited already, for another figure: the job delivered again after the tenant
            # changed its rate (or a category's). Once per order means the first credit
            # stands; refusing would only fail the job, retried until it gives up.
            return _posted(key)


def reverse_cashback(
    order_id: int, customer_id: int, key: str | None = None, actor: Any = None
) -> LedgerTransaction | None:
    """Take back exactly what the order's cashback credited (all or nothing)."""
    key = key or cashback_reversal_key(order_id)
    with unit_of_work(actor) as uow:
        if (done := _posted(key)) is not None:
            return done
        wallet = accounts.find_wallet(uow.session, customer_id)
        if wallet is None:
            return None
        kinds = (TransactionKind.CASHBACK_CREDIT, TransactionKind.CASHBACK_REVERSAL)
        outstanding = _order_wallet_total(wallet, order_id, kinds)
        if outstanding <= ZERO:
            return None
        expense = accounts.system_account(uow.session, SYSTEM_CASHBACK_EXPENSE)
        return post_transaction(
            uow,
            TransactionKind.CASHBACK_REVERSAL,
            [(wallet.account, -outstanding), (expense, outstanding)],
            key,
            f"Estorno do cashback do pedido #{order_id}",
            order_id=order_id,
            actor=actor,
            customer_id=customer_id,
        )


def pay_with_balance(
    order_id: int, customer_id: int, amount: Decimal, key: str | None = None, actor: Any = None
) -> LedgerTransaction:
    """Debit the wallet for an order; InsufficientBalance (409) when the balance is short."""
    amount = _amount(amount, "wallet_amount")
    with unit_of_work(actor) as uow:
        wallet, payments = accounts.wallet_and_system_account(
            uow.session, customer_id, SYSTEM_WALLET_PAYMENTS
        )
        with _on_field("wallet_amount"):
            return post_transaction(
                uow,
                TransactionKind.PURCHASE_WITH_BALANCE,
                [(wallet.account, -amount), (payments, amount)],
                key or wallet_payment_key(order_id),
                f"Compra com saldo no pedido #{order_id}",
                order_id=order_id,
                actor=actor,
                customer_id=customer_id,
            )


def return_wallet_payment(
    order_id: int, customer_id: int, key: str | None = None, actor: Any = None
) -> LedgerTransaction | None:
    """Give back what a cancelled order took from the wallet; None if it took nothing."""
    key = key or wallet_return_key(order_id)
    with unit_of_work(actor) as uow:
        if (done := _posted(key)) is not None:
            return done
        wallet = accounts.find_wallet(uow.session, customer_id)
        if wallet is None:
            return None
        spent = -_order_wallet_total(wallet, order_id, (TransactionKind.PURCHASE_WITH_BALANCE,))
        if spent <= ZERO:
            return None
        payments = accounts.system_account(uow.session, SYSTEM_WALLET_PAYMENTS)
        return post_transaction(
            uow,
            TransactionKind.REFUND,
            [(payments, -spent), (wallet.account, spent)],
            key,
            f"Devolução do saldo usado no pedido #{order_id} (cancelado)",
            order_id=order_id,
            actor=actor,
            customer_id=customer_id,
        )


def refund(
    order_id: int, customer_id: int, amount: Decimal, key: str | None = None, actor: Any = None
) -> LedgerTransaction:
    """Estorno: credit the amount paid for a cancelled order to the customer's wallet."""
    amount = _amount(amount)
    with unit_of_work(actor) as uow:
        wallet, refunds = accounts.wallet_and_system_account(
            uow.session, customer_id, SYSTEM_REFUNDS
        )
        return post_transaction(
            uow,
            TransactionKind.REFUND,
            [(refunds, -amount), (wallet.account, amount)],
            key or refund_key(order_id),
            f"Estorno do pedido #{order_id}",
            order_id=order_id,
            actor=actor,
            customer_id=customer_id,
        )


def estorno(order_id: int, customer_id: int, amount_paid: Decimal, actor: Any = None) -> None:
    """The wallet side of cancelling a paid order: the whole amount paid back to the wallet,
    then the order's cashback reversed (refund first, so the reversal always fits)."""
    with unit_of_work(actor):
        if amount_paid > ZERO:
            refund(order_id, customer_id, amount_paid, actor=actor)
        reverse_cashback(order_id, customer_id, actor=actor)


def manual_adjustment(
    actor: Any, customer_id: int, amount_signed: Any, reason: str | None, key: str | None
) -> LedgerTransaction:
    """Admin-only credit (positive) or debit (negative) with a mandatory reason."""
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied("Somente administradores podem ajustar o saldo da carteira.")
    amount = _amount(amount_signed, signed=True)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Informe o motivo do ajuste.", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            f"O motivo pode ter no máximo {MAX_REASON} caracteres.", field="reason"
        )
    if has_control_characters(reason):
        raise ValidationFailed(control_characters_message("O motivo"), field="reason")
    if not key or len(key) > 100:
        raise ValidationFailed(
            "Chave de idempotência ausente ou longa demais (máx. 100).", field="idempotency_key"
        )
    with unit_of_work(actor) as uow:
        # A replay is the ledger's call: same key with another amount, customer or reason
        # (the description) is an IdempotencyConflict.
        wallet, adjustments = accounts.wallet_and_system_account(
            uow.session, customer_id, SYSTEM_ADJUSTMENTS
        )
        with _on_field("amount"):
            return post_transaction(
                uow,
                TransactionKind.MANUAL_ADJUSTMENT,
                [(adjustments, -amount), (wallet.account, amount)],
                adjustment_key(key),
                reason,
                actor=actor,
                customer_id=customer_id,
            )
