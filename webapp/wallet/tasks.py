"""Background jobs of the wallet, run by the outbox runner (webapp.core.jobs).

``credit_order_cashback`` is enqueued by the sales workflow in the unit of work that marks an
order ``paid``. It runs inside the runner's unit of work (joined here), so the outbox claim,
the order lock and the ledger posting commit together.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import bindparam, select

from webapp.core.uow import unit_of_work
from webapp.sales.models import CANCELLED, Order, OrderLine
from webapp.wallet import services as wallet
from webapp.wallet.cashback import cashback_rules


def order_cashback(lines: Iterable[tuple[int | None, Decimal]], amount_due: Decimal) -> Decimal:
    """Cashback an order earns on the part paid with money (SPEC 5).

    ``lines`` are ``(category_id, line_total)``: the tenant rate applies unless the line's
    category has its own rate; the tenant's minimum order value applies to the order total.
    The checkout preview (sales.services.quote) calls this same function, so the estimate a
    seller sees is what the job credits.
    """
    return cashback_rules().cashback(list(lines), amount_due)


# Built once, run with parameters (see core.tenancy._scoped): a cashback drain runs it
# thousands of times. Columns, not entities, and the lines in the same statement: the job
# needs four fields of the order and the lines' totals.
_ORDER_TO_CREDIT = (
    select(
        Order.status,
        Order.paid_at,
        Order.amount_due,
        Order.customer_id,
        OrderLine.category_id,
        OrderLine.line_total,
    )
    .join(OrderLine, OrderLine.order_id == Order.id)
    .where(Order.id == bindparam("order_id"))
    .with_for_update(of=Order)
)


def credit_order_cashback(order_id: int) -> None:
    """Credit a paid order's cashback once; nothing if it was cancelled (or never paid).

    The order row is locked first (SELECT ... FOR UPDATE OF orders) exactly as a cancellation
    locks it, so a cancel racing this job ends as if they ran one after the other. Running the job
    twice credits once: the ledger key ``order:{id}:cashback`` is unique per tenant.
    """
    with unit_of_work() as uow:
        rows = uow.session.execute(_ORDER_TO_CREDIT, {"order_id": order_id}).all()
        if not rows or rows[0].status == CANCELLED or rows[0].paid_at is None:
            return
        order = rows[0]
        lines = [(row.category_id, row.line_total) for row in rows]
        amount = order_cashback(lines, order.amount_due)
        wallet.credit_cashback(
            order_id, order.customer_id, amount, key=wallet.cashback_key(order_id)
        )
