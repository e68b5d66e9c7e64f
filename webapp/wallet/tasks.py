"""Background jobs of the wallet, run by the outbox runner (webapp.core.jobs).

``credit_order_cashback`` is enqueued by the sales workflow in the unit of work that marks an
order ``paid``. It runs inside the runner's unit of work (joined here), so the outbox claim,
the order lock and the ledger posting commit together.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from webapp.core.uow import unit_of_work
from webapp.identity.settings import get_settings
from webapp.sales.models import CANCELLED, Order
from webapp.wallet import services as wallet
from webapp.wallet.rules import cashback_for


def order_cashback(amount_due: Decimal, total: Decimal) -> Decimal:
    """Cashback an order earns: the tenant rate on the part paid with money (SPEC 5).

    Uses the tenant's rate and minimum order from the settings. Per-category overrides are
    not applied yet: the setting that stores them arrives with the wallet screens (wallet-ui)
    and plugs in here through ``cashback_for(category_totals=..., category_overrides=...)``.
    The checkout preview (sales.services.quote) calls this same function.
    """
    settings = get_settings()
    return cashback_for(
        amount_due,
        settings.cashback_rate,
        order_total=total,
        min_order=settings.cashback_min_order,
    )


def credit_order_cashback(order_id: int) -> None:
    """Credit a paid order's cashback once; nothing if it was cancelled (or never paid).

    The order row is locked first (SELECT ... FOR UPDATE) exactly as a cancellation locks
    it, so a cancel racing this job ends as if they ran one after the other. Running the job
    twice credits once: the ledger key ``order:{id}:cashback`` is unique per tenant.
    """
    with unit_of_work() as uow:
        order = uow.session.scalar(
            select(Order)
            .where(Order.id == order_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if order is None or order.status == CANCELLED or order.paid_at is None:
            return
        amount = order_cashback(order.amount_due, order.total)
        wallet.credit_cashback(
            order.id, order.customer_id, amount, key=wallet.cashback_key(order.id)
        )
