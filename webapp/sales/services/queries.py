"""Reading orders: sellers see only the orders they sold, admins see all.

List filters map onto the contract's indexes: (tenant_id, seller_id, created_at),
(tenant_id, customer_id, created_at) and (tenant_id, created_at); newest first.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import lazyload

from webapp.core.domain import NotFound, ValidationFailed
from webapp.core.pagination import Page, clamp, paginate
from webapp.extensions import db
from webapp.sales.models import STATUSES, Order
from webapp.sales.services.cart import is_id


def _visible_to(query: Select, viewer: Any) -> Select:
    if getattr(viewer, "is_admin", False):
        return query
    return query.where(Order.seller_id == getattr(viewer, "id", None))


def get_order(order_id: Any, viewer: Any) -> Order:
    """The order with its lines and history; NotFound for a seller's colleague's order too."""
    order = None
    if is_id(order_id):
        order = db.session.scalar(_visible_to(select(Order).where(Order.id == order_id), viewer))
    if order is None:
        raise NotFound("Pedido não encontrado.")
    return order


def list_orders(
    viewer: Any,
    *,
    status: str | None = None,
    seller_id: int | None = None,
    customer_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = 1,
    per_page: int = 25,
    count: bool = True,
) -> Page:
    """One page of orders, newest first; dates are local calendar days (America/Sao_Paulo)."""
    if status and status not in STATUSES:
        raise ValidationFailed("Situação desconhecida.", field="status")
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed("A data inicial deve ser anterior à final.", field="from")
    # A list shows no lines or history: leave them unloaded (they are selectin by default).
    query = _visible_to(select(Order), viewer).options(
        lazyload(Order.lines), lazyload(Order.history)
    )
    if status:
        query = query.where(Order.status == status)
    if seller_id:
        query = query.where(Order.seller_id == seller_id)
    if customer_id:
        query = query.where(Order.customer_id == customer_id)
    if date_from:
        query = query.where(Order.created_at >= _local_midnight(date_from))
    if date_to:
        query = query.where(Order.created_at < _local_midnight(date_to + timedelta(days=1)))
    page, per_page = clamp(page, per_page)
    query = query.order_by(Order.created_at.desc(), Order.id.desc())
    return paginate(db.session, query, page, per_page, count=count)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))
