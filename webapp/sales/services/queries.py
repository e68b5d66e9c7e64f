"""Reading orders: sellers see only the orders they sold, admins see all.

List filters map onto the contract's indexes: (tenant_id, seller_id, created_at),
(tenant_id, customer_id, created_at) and (tenant_id, created_at); newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import aliased, joinedload, lazyload

from webapp.core.days import day_bounds
from webapp.core.domain import NotFound, ValidationFailed
from webapp.core.ids import is_id
from webapp.core.pagination import Page, clamp, paginate
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.identity.models import User
from webapp.sales.models import STATUSES, Order

# Sellers see only the orders they sold; admins see all.
_SOLD_BY_VIEWER = Order.seller_id == bindparam("viewer_id")


def _visible_to(query: Select, viewer: Any) -> Select:
    if getattr(viewer, "is_admin", False):
        return query
    return query.where(_SOLD_BY_VIEWER).params(viewer_id=getattr(viewer, "id", None))


# Built once, run with parameters (see core.tenancy._scoped): every order page runs one.
# Lines are joined into the order's own query (a handful of rows): one round trip less.
# Each comes in two: as an admin sees it, and as a seller does.
_ORDER = select(Order).where(Order.id == bindparam("order_id")).options(joinedload(Order.lines))
_ORDER_AS_SELLER = _ORDER.where(_SOLD_BY_VIEWER)


def _first_order_row(query: Select, as_seller: Select, order_id: Any, viewer: Any):
    """The first row of ``query`` for the order, or of ``as_seller`` (the order only if
    ``viewer`` sold it) for a seller; NotFound for a malformed id or an order not seen."""
    row = None
    if is_id(order_id):
        params = {"order_id": order_id}
        if not getattr(viewer, "is_admin", False):
            query, params["viewer_id"] = as_seller, getattr(viewer, "id", None)
        row = db.session.execute(query, params).unique().first()
    if row is None:
        raise NotFound("Pedido não encontrado.")
    return row


def get_order(order_id: Any, viewer: Any) -> Order:
    """The order with its lines and history; NotFound for a seller's colleague's order too."""
    return _first_order_row(_ORDER, _ORDER_AS_SELLER, order_id, viewer)[0]


@dataclass(frozen=True)
class CustomerName:
    id: int
    name: str
    document: str


@dataclass(frozen=True)
class UserName:
    id: int
    name: str


@dataclass(frozen=True)
class OrderNames:
    """Who an order's pages name: its customer, and its seller and history actors, by id."""

    customers: dict[int, CustomerName]
    users: dict[int, UserName]


# Built once: a new alias per call would build its columns and cache key again each time.
_Seller = aliased(User, name="seller")
_ORDER_WITH_NAMES = (
    _ORDER.add_columns(Customer.name, Customer.document, _Seller.name)
    .outerjoin(Customer, Customer.id == Order.customer_id)
    .outerjoin(_Seller, _Seller.id == Order.seller_id)
)
_ORDER_WITH_NAMES_AS_SELLER = _ORDER_WITH_NAMES.where(_SOLD_BY_VIEWER)


def get_order_with_names(order_id: Any, viewer: Any) -> tuple[Order, OrderNames]:
    """:func:`get_order` and the names its pages show.

    The customer's and the seller's names come joined into the order's own query. History
    actors other than the seller (an admin who cancelled it, say) take one more query.
    """
    order, customer_name, document, seller_name = _first_order_row(
        _ORDER_WITH_NAMES, _ORDER_WITH_NAMES_AS_SELLER, order_id, viewer
    )
    customers = {}
    if customer_name is not None:
        customers[order.customer_id] = CustomerName(order.customer_id, customer_name, document)
    users = {}
    if seller_name is not None:
        users[order.seller_id] = UserName(order.seller_id, seller_name)
    actors = {change.actor_id for change in order.history if change.actor_id} - users.keys()
    if actors:
        rows = db.session.execute(select(User.id, User.name).where(User.id.in_(actors)))
        users.update((row.id, UserName(row.id, row.name)) for row in rows)
    return order, OrderNames(customers, users)


_NEWEST_FIRST = (Order.created_at.desc(), Order.id.desc())


def _filtered(
    query: Select,
    viewer: Any,
    *,
    status: str | None = None,
    seller_id: int | None = None,
    customer_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Select:
    """``query`` narrowed to what ``viewer`` may see and the filters ask for, newest first."""
    if status and status not in STATUSES:
        raise ValidationFailed("Situação desconhecida.", field="status")
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed("A data inicial deve ser anterior à final.", field="from")
    query = _visible_to(query, viewer)
    if status:
        query = query.where(Order.status == status)
    if seller_id:
        query = query.where(Order.seller_id == seller_id)
    if customer_id:
        query = query.where(Order.customer_id == customer_id)
    start, end = day_bounds(date_from, date_to, current_app.config["TIMEZONE"])
    if start is not None:
        query = query.where(Order.created_at >= start)
    if end is not None:
        query = query.where(Order.created_at < end)
    return query.order_by(*_NEWEST_FIRST)


# A list shows no lines or history: leave them unloaded (they are selectin by default).
_ORDERS = select(Order).options(lazyload(Order.lines), lazyload(Order.history))


def list_orders(
    viewer: Any, *, page: int = 1, per_page: int = 25, count: bool = True, **filters: Any
) -> Page:
    """One page of orders (entities, for the API); dates are local days (America/Sao_Paulo)."""
    page, per_page = clamp(page, per_page)
    query = _filtered(_ORDERS, viewer, **filters)
    return paginate(db.session, query, page, per_page, count=count)


@dataclass(frozen=True)
class OrderRow:
    """What an order list on screen shows of an order."""

    id: int
    created_at: datetime
    status: str
    total: Decimal
    customer_name: str | None
    seller_name: str | None


# Built once: the filters of each list are added to it.
_ORDER_ROWS = (
    select(Order.id, Order.created_at, Order.status, Order.total, Customer.name, User.name)
    .outerjoin(Customer, Customer.id == Order.customer_id)
    .outerjoin(User, User.id == Order.seller_id)
)


def order_rows_query(viewer: Any, **filters: Any) -> Select:
    """The rows of :class:`OrderRow`, names joined in, filtered and newest first."""
    return _filtered(_ORDER_ROWS, viewer, **filters)


def list_order_rows(viewer: Any, *, page: int = 1, per_page: int = 25, **filters: Any) -> Page:
    """One page of :class:`OrderRow` for the screens: no entities built and no total counted
    (the lists scroll on and show no total)."""
    page, per_page = clamp(page, per_page)
    query = order_rows_query(viewer, **filters)
    return paginate(db.session, query, page, per_page, count=False, wrap=OrderRow)
