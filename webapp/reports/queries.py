"""Every report figure, aggregated by the database (SPEC 7).

The statements are SQLAlchemy Core over the tables and ALWAYS carry an explicit
``tenant_id = :tenant`` on every table they read: report code must not depend on the ORM's
automatic scoping (tests run them in the all-tenants system context to prove it). A
:class:`Scope` narrows the figures to one seller's orders when a seller is looking.

Revenue orders: status in (paid, shipped, delivered), dated by ``paid_at``. Refunds: orders
cancelled after being paid, dated by ``cancelled_at``. Orders still ``created`` count nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, case, cast, func, null, select, type_coerce, union_all
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.types import Date

from webapp.catalog.models import Category, Product
from webapp.core.models import Money
from webapp.core.money import ZERO, quantize
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.identity.models import User
from webapp.sales.models import CANCELLED, DELIVERED, PAID, SHIPPED, Order, OrderLine
from webapp.wallet.models import LedgerTransaction, TransactionKind

REVENUE_STATUSES = (PAID, SHIPPED, DELIVERED)
NO_CATEGORY = "Sem categoria"

orders = Order.__table__
lines = OrderLine.__table__
ledger = LedgerTransaction.__table__
products = Product.__table__
categories = Category.__table__
customers = Customer.__table__
users = User.__table__


@dataclass(frozen=True)
class Scope:
    """Whose figures: a tenant, optionally only one seller's orders."""

    tenant_id: int
    seller_id: int | None = None


@dataclass(frozen=True)
class Summary:
    revenue: Decimal
    orders: int
    taxes: Decimal
    cogs: Decimal
    cashback_credited: Decimal
    cashback_reversed: Decimal
    refunds: Decimal
    refund_count: int

    @property
    def average_ticket(self) -> Decimal:
        return average_ticket(self.revenue, self.orders)

    @property
    def gross_margin(self) -> Decimal:
        return self.revenue - self.taxes - self.cogs

    @property
    def cashback_net(self) -> Decimal:
        return self.cashback_credited - self.cashback_reversed


def average_ticket(revenue: Decimal, orders: int) -> Decimal:
    """Revenue per order in centavos, rounded like every other amount; 0 with no orders."""
    return quantize(revenue / orders) if orders else ZERO


def money_sum(expr) -> ColumnElement:
    # Money's result processor hands back a Decimal in centavos on both databases
    # (SQLite sums NUMERIC as floats; quantizing the aggregate restores the centavos).
    return type_coerce(func.coalesce(func.sum(expr), 0), Money)


def revenue_filter(scope: Scope, start: datetime, end: datetime) -> ColumnElement:
    clauses = [
        orders.c.tenant_id == scope.tenant_id,
        orders.c.status.in_(REVENUE_STATUSES),
        orders.c.paid_at >= start,
        orders.c.paid_at < end,
    ]
    if scope.seller_id is not None:
        clauses.append(orders.c.seller_id == scope.seller_id)
    return and_(*clauses)


def revenue_lines(scope: Scope, start: datetime, end: datetime) -> Select:
    """FROM order_lines JOIN orders, both tenant-filtered, revenue orders of the period."""
    return (
        select()
        .select_from(
            lines.join(
                orders,
                and_(orders.c.id == lines.c.order_id, lines.c.tenant_id == scope.tenant_id),
            )
        )
        .where(revenue_filter(scope, start, end))
    )


def _seller_orders(scope: Scope):
    return select(orders.c.id).where(
        orders.c.tenant_id == scope.tenant_id, orders.c.seller_id == scope.seller_id
    )


def cashback_totals(scope: Scope, start: datetime, end: datetime) -> tuple[Decimal, Decimal]:
    """(credited, reversed) by ledger transactions created in the period."""
    kind = ledger.c.kind
    query = select(
        money_sum(case((kind == TransactionKind.CASHBACK_CREDIT.value, ledger.c.amount), else_=0)),
        money_sum(
            case((kind == TransactionKind.CASHBACK_REVERSAL.value, ledger.c.amount), else_=0)
        ),
    ).where(
        ledger.c.tenant_id == scope.tenant_id,
        kind.in_([TransactionKind.CASHBACK_CREDIT.value, TransactionKind.CASHBACK_REVERSAL.value]),
        ledger.c.created_at >= start,
        ledger.c.created_at < end,
    )
    if scope.seller_id is not None:
        query = query.where(ledger.c.order_id.in_(_seller_orders(scope)))
    return tuple(_session().execute(query).one())  # type: ignore[return-value]


def summary(scope: Scope, start: datetime, end: datetime) -> Summary:
    """The dashboard's KPIs for [start, end)."""
    session = _session()
    # COGS is each order's cost_total snapshot (= its lines' cost_price x qty, fixed at
    # checkout), so the KPIs are one index-only pass over the period's orders, no lines.
    revenue, count, taxes, cogs = session.execute(
        select(
            money_sum(orders.c.total),
            func.count(),
            money_sum(orders.c.tax_total),
            money_sum(orders.c.cost_total),
        ).where(revenue_filter(scope, start, end))
    ).one()
    refund_filter = [
        orders.c.tenant_id == scope.tenant_id,
        orders.c.status == CANCELLED,
        orders.c.paid_at.is_not(None),
        orders.c.cancelled_at >= start,
        orders.c.cancelled_at < end,
    ]
    if scope.seller_id is not None:
        refund_filter.append(orders.c.seller_id == scope.seller_id)
    refunds, refund_count = session.execute(
        select(money_sum(orders.c.total), func.count()).where(*refund_filter)
    ).one()
    credited, reversed_ = cashback_totals(scope, start, end)
    return Summary(revenue, count, taxes, cogs, credited, reversed_, refunds, refund_count)


def local_day(column, utc_offset_hours: int, timezone: str) -> ColumnElement:
    """The local calendar day of a UTC timestamp column, computed by the database.

    PostgreSQL converts with the real zone rules; SQLite has none, so it applies the zone's
    offset for the period (America/Sao_Paulo has had no daylight saving since 2019).
    """
    if _session().get_bind().dialect.name == "postgresql":
        return cast(func.timezone(timezone, column), Date)
    return func.date(column, f"{utc_offset_hours:+d} hours")


def revenue_by_day(
    scope: Scope, start: datetime, end: datetime, utc_offset_hours: int, timezone: str
) -> list[tuple[str, Decimal]]:
    day = local_day(orders.c.paid_at, utc_offset_hours, timezone).label("day")
    query = (
        select(day, money_sum(orders.c.total))
        .where(revenue_filter(scope, start, end))
        .group_by(day)
        .order_by(day)
    )
    return [(str(d), value) for d, value in _session().execute(query)]


def revenue_by_category(scope: Scope, start: datetime, end: datetime) -> list[tuple[str, Decimal]]:
    name = func.coalesce(lines.c.category_name, NO_CATEGORY).label("category")
    revenue = money_sum(lines.c.line_total).label("revenue")
    query = (
        revenue_lines(scope, start, end)
        .add_columns(name, revenue)
        .group_by(name)
        .order_by(revenue.desc(), name)
    )
    return [tuple(row) for row in _session().execute(query)]


def payment_mix(scope: Scope, start: datetime, end: datetime) -> list[tuple[str, Decimal, int]]:
    revenue = money_sum(orders.c.total).label("revenue")
    query = (
        select(orders.c.payment_method, revenue, func.count())
        .where(revenue_filter(scope, start, end))
        .group_by(orders.c.payment_method)
        .order_by(revenue.desc(), orders.c.payment_method)
    )
    return [tuple(row) for row in _session().execute(query)]


@dataclass(frozen=True)
class SellerRow:
    seller_id: int | None
    name: str
    revenue: Decimal
    orders: int
    cashback: Decimal

    @property
    def average_ticket(self) -> Decimal:
        return average_ticket(self.revenue, self.orders)


def sellers(scope: Scope, start: datetime, end: datetime, top: int) -> list[SellerRow]:
    """Sellers by revenue; cashback = net cashback (credits - reversals) of their orders."""
    kind = ledger.c.kind
    signed = case(
        (kind == TransactionKind.CASHBACK_CREDIT.value, ledger.c.amount),
        (kind == TransactionKind.CASHBACK_REVERSAL.value, -ledger.c.amount),
        else_=0,
    )
    cashback = (
        select(orders.c.seller_id.label("seller_id"), money_sum(signed).label("cashback"))
        .select_from(
            ledger.join(
                orders,
                and_(orders.c.id == ledger.c.order_id, orders.c.tenant_id == scope.tenant_id),
            )
        )
        .where(
            ledger.c.tenant_id == scope.tenant_id,
            kind.in_(
                [TransactionKind.CASHBACK_CREDIT.value, TransactionKind.CASHBACK_REVERSAL.value]
            ),
            ledger.c.created_at >= start,
            ledger.c.created_at < end,
        )
        .group_by(orders.c.seller_id)
    )
    if scope.seller_id is not None:
        cashback = cashback.where(orders.c.seller_id == scope.seller_id)
    cashback = cashback.subquery()
    ranked = (
        select(
            orders.c.seller_id.label("seller_id"),
            money_sum(orders.c.total).label("revenue"),
            func.count().label("orders"),
        )
        .where(revenue_filter(scope, start, end))
        .group_by(orders.c.seller_id)
        .subquery()
    )
    query = (
        select(
            ranked.c.seller_id,
            users.c.name,
            type_coerce(ranked.c.revenue, Money),
            ranked.c.orders,
            type_coerce(func.coalesce(cashback.c.cashback, 0), Money),
        )
        .select_from(
            ranked.outerjoin(
                users, and_(users.c.id == ranked.c.seller_id, users.c.tenant_id == scope.tenant_id)
            ).outerjoin(cashback, cashback.c.seller_id == ranked.c.seller_id)
        )
        .order_by(ranked.c.revenue.desc(), users.c.name, ranked.c.seller_id)
        .limit(top)
    )
    return [
        SellerRow(sid, name or "Sem vendedor", revenue, count, cb)
        for sid, name, revenue, count, cb in _session().execute(query)
    ]


@dataclass(frozen=True)
class CustomerRow:
    customer_id: int
    name: str
    revenue: Decimal
    orders: int
    last_purchase: datetime


def vip_customers(scope: Scope, start: datetime, end: datetime, top: int) -> list[CustomerRow]:
    """Customers by revenue in the period, with frequency (orders) and last purchase."""
    revenue = money_sum(orders.c.total).label("revenue")
    ranked = (
        select(
            orders.c.customer_id.label("customer_id"),
            revenue,
            func.count().label("orders"),
            func.max(orders.c.paid_at).label("last_paid"),
        )
        .where(revenue_filter(scope, start, end))
        .group_by(orders.c.customer_id)
        .order_by(revenue.desc(), orders.c.customer_id)
        .limit(top)
        .subquery()
    )
    query = (
        select(
            ranked.c.customer_id,
            customers.c.name,
            type_coerce(ranked.c.revenue, Money),
            ranked.c.orders,
            type_coerce(ranked.c.last_paid, orders.c.paid_at.type),
        )
        .select_from(
            ranked.join(
                customers,
                and_(
                    customers.c.id == ranked.c.customer_id,
                    customers.c.tenant_id == scope.tenant_id,
                ),
            )
        )
        .order_by(ranked.c.revenue.desc(), ranked.c.customer_id)
    )
    return [CustomerRow(*row) for row in _session().execute(query)]


@dataclass(frozen=True)
class ProductSales:
    product_id: int | None
    sku: str
    name: str
    category: str
    revenue: Decimal
    units: int
    stock_qty: int | None


def _sales_of_live_products(scope: Scope, start: datetime, end: datetime) -> Select:
    """Per product id: nearly every line. One integer key lets the database hash-aggregate;
    the product's own SKU and name are joined later, so only the category snapshot (shown
    when the product has no category now) is aggregated from the lines."""
    return (
        revenue_lines(scope, start, end)
        .add_columns(
            lines.c.product_id.label("product_id"),
            null().label("sku"),
            null().label("name"),
            func.max(lines.c.category_name).label("category"),
            money_sum(lines.c.line_total).label("revenue"),
            func.sum(lines.c.qty).label("units"),
        )
        .where(lines.c.product_id.is_not(None))
        .group_by(lines.c.product_id)
    )


def _sales_of_deleted_products(scope: Scope, start: datetime, end: datetime) -> Select:
    """Lines whose product was deleted (product_id NULL), by their SKU snapshot."""
    return (
        revenue_lines(scope, start, end)
        .add_columns(
            null().label("product_id"),
            lines.c.sku.label("sku"),
            func.max(lines.c.product_name).label("name"),
            func.max(lines.c.category_name).label("category"),
            money_sum(lines.c.line_total).label("revenue"),
            func.sum(lines.c.qty).label("units"),
        )
        .where(lines.c.product_id.is_(None))
        .group_by(lines.c.sku)
    )


def product_sales(scope: Scope, start: datetime, end: datetime) -> list[ProductSales]:
    """Revenue and units per product in the period, biggest first (input of the ABC curve).

    Lines whose product was deleted (product_id NULL) are grouped by their SKU snapshot.
    """
    sold = union_all(
        _sales_of_live_products(scope, start, end), _sales_of_deleted_products(scope, start, end)
    ).subquery()
    query = (
        select(
            sold.c.product_id,
            func.coalesce(products.c.sku, sold.c.sku),
            func.coalesce(products.c.name, sold.c.name),
            func.coalesce(categories.c.name, sold.c.category, NO_CATEGORY),
            type_coerce(sold.c.revenue, Money),
            sold.c.units,
            products.c.stock_qty,
        )
        .select_from(
            sold.outerjoin(
                products,
                and_(products.c.id == sold.c.product_id, products.c.tenant_id == scope.tenant_id),
            ).outerjoin(
                categories,
                and_(
                    categories.c.id == products.c.category_id,
                    categories.c.tenant_id == scope.tenant_id,
                ),
            )
        )
        .order_by(sold.c.revenue.desc(), func.coalesce(products.c.sku, sold.c.sku))
    )
    return [
        ProductSales(pid, sku, name, cat, revenue, int(units or 0), stock)
        for pid, sku, name, cat, revenue, units, stock in _session().execute(query)
    ]


def _session():
    return db.session
