"""Order workflow (SPEC 4): created -> paid -> shipped -> delivered; created/paid -> cancelled.

Each transition is one unit of work that starts by locking the order row (SELECT ... FOR
UPDATE on PostgreSQL), so two transitions of one order, or a cancel and the cashback job,
serialise. Side effects run in the same unit of work:

* paid: the cashback job is written to the outbox (dispatched after commit);
* cancelled: stock goes back (cancel_return movements), then the wallet is settled in the
  order the wallet docstring prescribes: from ``created`` the balance the order used comes
  back; from ``paid`` the whole amount paid is refunded to the wallet FIRST, then the
  order's cashback is reversed (the refund always covers the reversal).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from webapp.catalog.services import StockLine, move_stock_many
from webapp.core.domain import NotFound, PermissionDenied, ValidationFailed
from webapp.core.ids import is_id
from webapp.core.models import utcnow
from webapp.core.text import control_characters_message, has_control_characters
from webapp.core.uow import UnitOfWork, unit_of_work
from webapp.sales.errors import InvalidTransition
from webapp.sales.models import (
    CANCELLED,
    CREATED,
    PAID,
    SHIPPED,
    STATUS_LABELS,
    STATUS_TIMESTAMPS,
    STATUSES,
    TRANSITIONS,
    Order,
    OrderStatusChange,
)
from webapp.wallet import services as wallet

CASHBACK_TASK = "webapp.wallet.tasks.credit_order_cashback"
MAX_REASON = 500
MAX_TRACKING = 60


def allowed_transitions(order: Order) -> list[str]:
    """Statuses this order may move to now (drives the action buttons)."""
    return list(TRANSITIONS.get(order.status, ()))


def can_act_on(actor: Any, order: Order) -> bool:
    """Admins act on every order; sellers only on the orders they sold."""
    return bool(getattr(actor, "is_admin", False)) or order.seller_id == getattr(actor, "id", None)


def transition(
    actor: Any,
    order_id: int,
    to: str,
    *,
    reason: str | None = None,
    tracking_code: str | None = None,
) -> Order:
    """Move an order to ``to``; InvalidTransition (409) for anything SPEC 4 does not allow."""
    if to not in STATUSES:
        raise ValidationFailed("Situação desconhecida.", field="to")
    reason = _clean(reason, MAX_REASON, "reason", "O motivo")
    tracking_code = _clean(tracking_code, MAX_TRACKING, "tracking_code", "O código de rastreio")
    with unit_of_work(actor) as uow:
        order = lock_order(uow, order_id)
        if not can_act_on(actor, order):
            raise PermissionDenied("Você só pode alterar os pedidos que você vendeu.")
        _ensure_allowed(order, to)
        if to == CANCELLED and not reason:
            raise ValidationFailed("Informe o motivo do cancelamento.", field="reason")
        from_status = _apply(uow, order, to, reason, tracking_code)
        if to == PAID:
            uow.enqueue(CASHBACK_TASK, order_id=order.id)
        elif to == CANCELLED:
            _undo_sale(actor, order, from_status)
    return order


def lock_order(uow: UnitOfWork, order_id: Any) -> Order:
    """The order row, locked for the rest of the unit of work (fresh from the database)."""
    order = None
    if is_id(order_id):
        order = uow.session.scalar(
            select(Order)
            .where(Order.id == order_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    if order is None:
        raise NotFound("Pedido não encontrado.")
    return order


def _clean(value: Any, limit: int, field: str, label: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationFailed(f"{label} deve ser um texto.", field=field)
    text = " ".join(value.split())
    if has_control_characters(text):
        raise ValidationFailed(control_characters_message(label), field=field)
    if len(text) > limit:
        raise ValidationFailed(f"{label} pode ter no máximo {limit} caracteres.", field=field)
    return text or None


def _ensure_allowed(order: Order, to: str) -> None:
    if to in TRANSITIONS[order.status]:
        return
    raise InvalidTransition(
        f"Um pedido {STATUS_LABELS[order.status].lower()} não pode passar para "
        f"{STATUS_LABELS[to].lower()}.",
        details={"from": order.status, "to": to, "allowed": allowed_transitions(order)},
    )


def _apply(uow: UnitOfWork, order: Order, to: str, reason, tracking_code) -> str:
    from_status = order.status
    order.status = to
    setattr(order, STATUS_TIMESTAMPS[to], utcnow())
    if to == SHIPPED and tracking_code:
        order.tracking_code = tracking_code
    uow.session.add(
        OrderStatusChange(
            order_id=order.id,
            from_status=from_status,
            to_status=to,
            actor_id=uow.actor_id,
            reason=reason,
            tracking_code=tracking_code if to == SHIPPED else None,
        )
    )
    uow.session.flush()
    uow.session.expire(order, ["history"])
    return from_status


def _undo_sale(actor: Any, order: Order, from_status: str) -> None:
    """Stock back first (products before ledger rows: the lock order every use case keeps)."""
    _return_stock(actor, order)
    if from_status == CREATED:
        wallet.return_wallet_payment(order.id, order.customer_id, actor=actor)
    elif from_status == PAID:
        wallet.estorno(order.id, order.customer_id, order.total, actor=actor)


def _return_stock(actor: Any, order: Order) -> None:
    per_product: dict[int, int] = {}
    for line in order.lines:
        if line.product_id is not None:  # a product deleted since the sale takes nothing back
            per_product[line.product_id] = per_product.get(line.product_id, 0) + line.qty
    reason = f"Cancelamento - pedido #{order.id}"
    move_stock_many(
        [
            StockLine(product_id, "cancel_return", qty, reason, order_id=order.id)
            for product_id, qty in per_product.items()
        ],
        actor=actor,
    )
