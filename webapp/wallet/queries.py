"""Read side of the wallet: the statement (extrato) and its CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, select

from webapp.core.days import day_bounds
from webapp.core.domain import ValidationFailed
from webapp.core.money import format_decimal_comma
from webapp.core.pagination import Page, clamp, paginate
from webapp.core.spreadsheets import as_text_cell
from webapp.extensions import db
from webapp.wallet.models import LedgerEntry, LedgerTransaction, TransactionKind, Wallet

DEFAULT_TIMEZONE = "America/Sao_Paulo"
CSV_HEADER = ["Data", "Tipo", "Descrição", "Pedido", "Valor", "Saldo após"]


@dataclass(frozen=True)
class StatementLine:
    entry_id: int
    transaction_id: int
    created_at: datetime
    kind: TransactionKind
    description: str
    amount: Decimal  # signed: positive is a credit to the wallet
    balance_after: Decimal
    order_id: int | None

    @property
    def kind_label(self) -> str:
        return self.kind.label


def period_bounds(
    date_from: date | None, date_to: date | None, timezone: str = DEFAULT_TIMEZONE
) -> tuple[datetime | None, datetime | None]:
    """Whole local days [from 00:00, to+1 00:00) in ``timezone``, as UTC instants."""
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed("A data inicial deve ser anterior à final.", field="from")
    return day_bounds(date_from, date_to, timezone)


def _entry_lines() -> Select:
    """Entries on customer wallets, as :class:`StatementLine` columns."""
    return (
        select(
            LedgerEntry.id,
            LedgerEntry.transaction_id,
            LedgerEntry.created_at,
            LedgerTransaction.kind,
            LedgerTransaction.description,
            LedgerEntry.amount,
            LedgerEntry.balance_after,
            LedgerTransaction.order_id,
        )
        .join(LedgerTransaction, LedgerEntry.transaction_id == LedgerTransaction.id)
        .join(Wallet, Wallet.account_id == LedgerEntry.account_id)
    )


# Built once, run with parameters (see core.tenancy._scoped): every order page runs it.
_ORDER_MOVEMENTS = (
    _entry_lines()
    .where(LedgerTransaction.order_id == bindparam("order_id"))
    .order_by(LedgerEntry.id)
)


def order_movements(order_id: int) -> list[StatementLine]:
    """What an order moved on its customer's wallet (balance spent, cashback, estorno)."""
    rows = db.session.execute(_ORDER_MOVEMENTS, {"order_id": order_id})
    return [StatementLine(*row) for row in rows]


def _statement_query(
    customer_id: int, date_from: date | None, date_to: date | None, timezone: str
) -> Select:
    start, end = period_bounds(date_from, date_to, timezone)
    query = _entry_lines().where(Wallet.customer_id == customer_id)
    if start is not None:
        query = query.where(LedgerEntry.created_at >= start)
    if end is not None:
        query = query.where(LedgerEntry.created_at < end)
    return query


def statement(
    customer_id: int,
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = 1,
    per_page: int = 25,
    timezone: str = DEFAULT_TIMEZONE,
) -> Page[StatementLine]:
    """Entries of the customer's wallet in the period, newest first."""
    query = _statement_query(customer_id, date_from, date_to, timezone)
    # Entry ids follow each account's lock order, so they order its running balance exactly.
    query = query.order_by(LedgerEntry.id.desc())
    page, per_page = clamp(page, per_page)
    return paginate(db.session, query, page, per_page, wrap=StatementLine)


def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def statement_csv(
    customer_id: int,
    date_from: date | None = None,
    date_to: date | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    batch: int = 500,
) -> Iterator[str]:
    """The statement as CSV lines (oldest first, ';'-separated, BOM for Excel), streamed."""
    zone = ZoneInfo(timezone)
    query = _statement_query(customer_id, date_from, date_to, timezone).order_by(
        LedgerEntry.id.asc()
    )
    yield "\ufeff" + _csv_line(CSV_HEADER)
    rows = db.session.execute(query.execution_options(yield_per=batch))
    for row in rows:
        line = StatementLine(*row)
        yield _csv_line(
            [
                line.created_at.astimezone(zone).strftime("%d/%m/%Y %H:%M"),
                line.kind_label,
                as_text_cell(line.description),
                "" if line.order_id is None else str(line.order_id),
                format_decimal_comma(line.amount),
                format_decimal_comma(line.balance_after),
            ]
        )


def transaction_line(customer_id: int, transaction_id: int) -> StatementLine | None:
    """The customer's wallet leg of one transaction, as a statement line."""
    query = _statement_query(customer_id, None, None, DEFAULT_TIMEZONE).where(
        LedgerEntry.transaction_id == transaction_id
    )
    row = db.session.execute(query).first()
    return StatementLine(*row) if row else None


def _wallet_entries():
    return select(LedgerEntry.id).join(Wallet, Wallet.account_id == LedgerEntry.account_id)


def last_entry_id(customer_id: int) -> int:
    """Id of the wallet's newest entry (0 when it has none): the poll's starting point."""
    query = _wallet_entries().where(Wallet.customer_id == customer_id)
    value = db.session.scalar(query.order_by(LedgerEntry.id.desc()).limit(1))
    return value or 0


@dataclass(frozen=True)
class NewEntry:
    entry_id: int
    kind: TransactionKind
    amount: Decimal


def entries_after(customer_id: int, since_id: int, limit: int = 50) -> list[NewEntry]:
    """Wallet entries newer than ``since_id``, oldest first (one range scan of
    ix_ledger_entries_account_id_id; almost always empty)."""
    query = (
        select(LedgerEntry.id, LedgerTransaction.kind, LedgerEntry.amount)
        .join(Wallet, Wallet.account_id == LedgerEntry.account_id)
        .join(LedgerTransaction, LedgerEntry.transaction_id == LedgerTransaction.id)
        .where(Wallet.customer_id == customer_id, LedgerEntry.id > since_id)
        .order_by(LedgerEntry.id)
        .limit(limit)
    )
    return [NewEntry(*row) for row in db.session.execute(query)]
