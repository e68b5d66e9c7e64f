"""What each export contains: columns, a row count (for progress) and the streamed rows.

Same tenant rule as every report query: each table read carries ``tenant_id = :tenant``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import and_, func, select

from webapp.extensions import db
from webapp.reports import abc, queries
from webapp.reports.export_writers import Column
from webapp.reports.periods import Period
from webapp.reports.queries import Scope, customers, lines, orders, users
from webapp.wallet.models import Account, AccountKind, LedgerEntry, LedgerTransaction, Wallet

BATCH = 2000

entries = LedgerEntry.__table__
accounts = Account.__table__
transactions = LedgerTransaction.__table__
wallets = Wallet.__table__


@dataclass
class Source:
    title: str
    columns: list[Column]
    count: Callable[[], int]
    rows: Callable[[], Iterator[tuple]]


SALES_COLUMNS = [
    Column("Data do pagamento", "datetime", 17),
    Column("Pedido", "int", 9),
    Column("Cliente", "text", 30),
    Column("Vendedor", "text", 22),
    Column("SKU", "text", 14),
    Column("Produto", "text", 34),
    Column("Qtd", "int", 6),
    Column("Preço unitário", "money", 14),
    Column("Total da linha", "money", 14),
    Column("Imposto", "money", 12),
]


def _sales_query(scope: Scope, period: Period):
    return (
        queries.revenue_lines(scope, period.start, period.end)
        .join(
            customers,
            and_(customers.c.id == orders.c.customer_id, customers.c.tenant_id == scope.tenant_id),
        )
        .outerjoin(
            users, and_(users.c.id == orders.c.seller_id, users.c.tenant_id == scope.tenant_id)
        )
    )


def sales(scope: Scope, period: Period) -> Source:
    """One row per order line of the period's revenue orders."""

    def count() -> int:
        return db.session.execute(
            _sales_query(scope, period).add_columns(func.count())
        ).scalar_one()

    def rows() -> Iterator[tuple]:
        query = (
            _sales_query(scope, period)
            .add_columns(
                orders.c.paid_at,
                orders.c.id,
                customers.c.name,
                users.c.name,
                lines.c.sku,
                lines.c.product_name,
                lines.c.qty,
                lines.c.unit_price,
                lines.c.line_total,
                lines.c.tax_amount,
            )
            .order_by(orders.c.paid_at, orders.c.id, lines.c.id)
            .execution_options(yield_per=BATCH)
        )
        for row in db.session.execute(query):
            yield tuple(row)

    return Source("Vendas", SALES_COLUMNS, count, rows)


ABC_COLUMNS = [
    Column("Classe", "text", 7),
    Column("SKU", "text", 14),
    Column("Produto", "text", 34),
    Column("Categoria", "text", 18),
    Column("Faturamento", "money", 15),
    Column("Participação (%)", "decimal", 14),
    Column("Acumulado (%)", "decimal", 14),
    Column("Unidades", "int", 10),
    Column("Estoque", "int", 10),
    Column("Média diária", "decimal", 12),
    Column("Dias de cobertura", "decimal", 14),
    Column("Risco de ruptura", "bool", 14),
    Column("Excesso", "bool", 10),
]


def abc_source(scope: Scope, period: Period, settings: abc.AbcSettings) -> Source:
    curve: list[abc.AbcRow] = []

    def count() -> int:
        sold = queries.product_sales(scope, period.start, period.end)
        curve.extend(abc.build_curve(sold, period.days, settings))
        return len(curve)

    def rows() -> Iterator[tuple]:
        for r in curve:
            yield (
                r.abc_class,
                r.sku,
                r.name,
                r.category,
                r.revenue,
                abc.percent(r.share, "0.01"),
                abc.percent(r.cumulative_share, "0.01"),
                r.units,
                r.stock_qty,
                r.avg_daily_units.quantize(abc.Decimal("0.01")),
                r.days_of_cover,
                r.rupture_risk,
                r.excess,
            )

    return Source("Curva ABC", ABC_COLUMNS, count, rows)


LEDGER_COLUMNS = [
    Column("Data", "datetime", 17),
    Column("Cliente", "text", 30),
    Column("Tipo", "text", 20),
    Column("Descrição", "text", 40),
    Column("Pedido", "int", 9),
    Column("Valor", "money", 14),
    Column("Saldo após", "money", 14),
]


def _ledger_query(scope: Scope, period: Period):
    t = scope.tenant_id
    return (
        select()
        .select_from(
            entries.join(
                accounts, and_(accounts.c.id == entries.c.account_id, accounts.c.tenant_id == t)
            )
            .join(wallets, and_(wallets.c.account_id == accounts.c.id, wallets.c.tenant_id == t))
            .join(
                customers, and_(customers.c.id == wallets.c.customer_id, customers.c.tenant_id == t)
            )
            .join(
                transactions,
                and_(transactions.c.id == entries.c.transaction_id, transactions.c.tenant_id == t),
            )
        )
        .where(
            entries.c.tenant_id == t,
            accounts.c.kind == AccountKind.CUSTOMER_WALLET.value,
            entries.c.created_at >= period.start,
            entries.c.created_at < period.end,
        )
    )


def ledger(scope: Scope, period: Period) -> Source:
    """Entries on customer wallets in the period (signed: + credit to the wallet)."""
    from webapp.wallet.models import TRANSACTION_LABELS, TransactionKind

    def count() -> int:
        return db.session.execute(
            _ledger_query(scope, period).add_columns(func.count())
        ).scalar_one()

    def rows() -> Iterator[tuple]:
        query = (
            _ledger_query(scope, period)
            .add_columns(
                entries.c.created_at,
                customers.c.name,
                transactions.c.kind,
                transactions.c.description,
                transactions.c.order_id,
                entries.c.amount,
                entries.c.balance_after,
            )
            .order_by(entries.c.created_at, entries.c.id)
            .execution_options(yield_per=BATCH)
        )
        for created, name, kind, description, order_id, amount, after in db.session.execute(query):
            label = TRANSACTION_LABELS.get(TransactionKind(kind), kind)
            yield (created, name, label, description, order_id, amount, after)

    return Source("Extrato das carteiras", LEDGER_COLUMNS, count, rows)


def source(
    report: str, scope: Scope, period: Period, settings: abc.AbcSettings = abc.AbcSettings()
) -> Source:
    """The export named ``report``; ``settings`` set the ABC curve's rupture/excess flags."""
    if report == "abc":
        return abc_source(scope, period, settings)
    return {"sales": sales, "ledger": ledger}[report](scope, period)
