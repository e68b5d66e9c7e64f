"""Helpers to build products in tests."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from webapp.catalog import services

_counter = itertools.count(1)


def product_data(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    data: dict[str, Any] = {
        "sku": f"SKU-{n:05d}",
        "name": f"Produto de teste {n}",
        "category": "Bebidas",
        "cost_price": Decimal("5.00"),
        "sale_price": Decimal("10.00"),
        "min_price": Decimal("9.00"),
        "max_price": Decimal("12.00"),
        "tax_rate": "18",
        "stock_qty": 0,
        "low_stock_threshold": 5,
    }
    data.update(overrides)
    return data


def make_product(actor_id: int | None = None, **overrides: Any):
    """Create a product in the current tenant context; returns its id."""
    return services.create_product(product_data(**overrides), actor=actor_id).id


def run_pending_jobs(app) -> None:
    """Run outbox jobs a real queue is holding (tests have no worker); no-op when inline."""
    from sqlalchemy import select

    from webapp.core.context import system_context
    from webapp.core.jobs import run_outbox_message
    from webapp.core.uow import OutboxMessage
    from webapp.extensions import db

    with app.app_context(), system_context():
        pending = db.session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.processed_at.is_(None))
        ).all()
        db.session.remove()
    with app.app_context():
        for message_id in pending:
            run_outbox_message(message_id)
