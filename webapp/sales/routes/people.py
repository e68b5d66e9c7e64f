"""Names shown next to orders (customer, seller, history actors) in one query per kind."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.identity.models import User


def _by_id(columns: tuple, ids: Iterable[int | None]) -> dict:
    """Rows of ``columns`` (the first is the id) by id: only what the pages show."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = db.session.execute(select(*columns).where(columns[0].in_(wanted)))
    return {row.id: row for row in rows}


def for_orders(orders, with_history: bool = False) -> dict[str, dict]:
    """``{"customers": {id: (id, name, document)}, "users": {id: (id, name)}}`` for these
    orders and their histories."""
    orders = list(orders)
    user_ids = [o.seller_id for o in orders]
    if with_history:
        user_ids += [change.actor_id for order in orders for change in order.history]
    return {
        "customers": _by_id(
            (Customer.id, Customer.name, Customer.document), (o.customer_id for o in orders)
        ),
        "users": _by_id((User.id, User.name), user_ids),
    }
