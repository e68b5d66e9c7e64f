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
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased, joinedload, lazyload

from webapp.core.days import day_bounds
from webapp.core.domain import NotFound, ValidationFailed
from webapp.core.ids import is_id
from webapp.core.pagination import Page, clamp, paginate
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.identity.models import User
from webapp.sales.models import STATUSES, Order


def _visible_to(query: Select, viewer: Any) -> Select:
    if getattr(viewer, "is_admin", False):
        return query
    return query.where(Order.seller_id == getattr(viewer, "id", None))


def _order_query(order_id: Any, viewer: Any) -> Select | None:
    """The order with its lines, as ``viewer`` may see it; None for a malformed id."""
    if not is_id(order_id):
        return None
    # Lines joined into the order's own query (a handful of rows): one round trip less.
    query = select(Order).where(Order.id == order_id).options(joinedload(Order.lines))
    return _visible_to(query, viewer)


def _first_order_row(query: Select | None):
    row = db.session.execute(query).unique().first() if query is not None else None
    if row is None:
        raise NotFound("Pedido não encontrado.")
    return row


def get_order(order_id: Any, viewer: Any) -> Order:
    """The order with its lines and history; NotFound for a seller's colleague's order too."""
    return _first_order_row(_order_query(order_id, viewer))[0]


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


def get_order_with_names(order_id: Any, viewer: Any) -> tuple[Order, OrderNames]:
    """:func:`get_order` and the names its pages show.

    The customer's and the seller's names come joined into the order's own query. History
    actors other than the seller (an admin who cancelled it, say) take one more query.
    """
    query = _order_query(order_id, viewer)
    if query is not None:
        query = (
            query.add_columns(Customer.name, Customer.document, _Seller.name)
            .outerjoin(Customer, Customer.id == Order.customer_id)
            .outerjoin(_Seller, _Seller.id == Order.seller_id)
        )
    order, customer_name, document, seller_name = _first_order_row(query)
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
    return query.order_by(Order.created_at.desc(), Order.id.desc())


def list_orders(
    viewer: Any, *, page: int = 1, per_page: int = 25, count: bool = True, **filters: Any
) -> Page:
    """One page of orders (entities, for the API); dates are local days (America/Sao_Paulo)."""
    # A list shows no lines or history: leave them unloaded (they are selectin by default).
    query = select(Order).options(lazyload(Order.lines), lazyload(Order.history))
    page, per_page = clamp(page, per_page)
    return paginate(db.session, _filtered(query, viewer, **filters), page, per_page, count=count)


@dataclass(frozen=True)
class OrderRow:
    """What an order list on screen shows of an order."""

    id: int
    created_at: datetime
    status: str
    total: Decimal
    customer_name: str | None
    seller_name: str | None


def order_rows_query(viewer: Any, **filters: Any) -> Select:
    """The rows of :class:`OrderRow`, names joined in, filtered and newest first."""
    query = (
        select(Order.id, Order.created_at, Order.status, Order.total, Customer.name, User.name)
        .outerjoin(Customer, Customer.id == Order.customer_id)
        .outerjoin(User, User.id == Order.seller_id)
    )
    return _filtered(query, viewer, **filters)


def list_order_rows(viewer: Any, *, page: int = 1, per_page: int = 25, **filters: Any) -> Page:
    """One page of :class:`OrderRow` for the screens: no entities built and no total counted
    (the lists scroll on and show no total)."""
    page, per_page = clamp(page, per_page)
    query = order_rows_query(viewer, **filters)
    return paginate(db.session, query, page, per_page, count=False, wrap=OrderRow)
