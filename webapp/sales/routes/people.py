"""Names shown next to orders (customer, seller, history actors) in one query per kind."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.identity.models import User


def _by_id(model, ids: Iterable[int | None]) -> dict:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(wanted)))}


def for_orders(orders, with_history: bool = False) -> dict[str, dict]:
    """``{"customers": {id: Customer}, "users": {id: User}}`` for these orders and histories."""
    orders = list(orders)
    user_ids = [o.seller_id for o in orders]
    if with_history:
        user_ids += [change.actor_id for order in orders for change in order.history]
    return {
        "customers": _by_id(Customer, (o.customer_id for o in orders)),
        "users": _by_id(User, user_ids),
    }
