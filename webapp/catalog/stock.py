"""Stock moves: the only code that changes ``products.stock_qty``.

Each move is ONE conditional UPDATE (quantity checked in the same statement that changes it
and bumps the RowVersion) plus its kardex row, inside the caller's unit of work. Concurrent
moves therefore serialise on the row lock and never lose an update, and a move that would
take stock below zero changes nothing (the CHECK stock_qty >= 0 is the backstop).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update

from webapp.catalog import events
from webapp.catalog.errors import InsufficientStock
from webapp.catalog.models import MOVEMENT_DIRECTIONS, Product, StockMovement
from webapp.catalog.validation import MAX_QTY
from webapp.core.domain import NotFound, ValidationFailed
from webapp.core.money import format_number
from webapp.core.tenancy import require_tenant_id
from webapp.core.uow import UnitOfWork, unit_of_work

MAX_REASON = 200
# The most a product can hold, as for the initial stock. Checked in the UPDATE, so entries
# that add up past it are refused with a message instead of overflowing the INTEGER column.
MAX_STOCK = MAX_QTY


@dataclass(frozen=True)
class StockLine:
    """One line of a bulk move (a checkout, a cancellation)."""

    product_id: int
    kind: str
    qty: int
    reason: str
    order_id: int | None = None


def signed_quantity(kind: str, qty: int) -> int:
    """+qty for entries, -qty for exits; ``adjust`` keeps the sign it was given."""
    if kind not in MOVEMENT_DIRECTIONS:
        raise ValidationFailed("Tipo de movimentação inválido.", field="kind")
    if isinstance(qty, bool) or not isinstance(qty, int) or qty == 0:
        raise ValidationFailed("Informe uma quantidade inteira diferente de zero.", field="qty")
    direction = MOVEMENT_DIRECTIONS[kind]
    if direction == 0:
        return qty
    if qty < 0:
        raise ValidationFailed("A quantidade deve ser maior que zero.", field="qty")
    return direction * qty


def _clean_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationFailed("Informe o motivo da movimentação.", field="reason")
    if len(text) > MAX_REASON:
        raise ValidationFailed(
            f"O motivo pode ter no máximo {MAX_REASON} caracteres.", field="reason"
        )
    return text


# Built once, run with parameters (see core.tenancy._scoped): a sale runs one per product,
# and building the UPDATE cost more Python time than running it.
_MOVE = (
    update(Product)
    .where(Product.id == bindparam("product_id"), Product.tenant_id == bindparam("of_tenant"))
    .values(stock_qty=Product.stock_qty + bindparam("delta"), version=Product.version + 1)
    .returning(Product.stock_qty, Product.version)
    .execution_options(synchronize_session=False)
)
_TAKE = _MOVE.where(Product.stock_qty >= bindparam("least_before"))
_PUT = _MOVE.where(Product.stock_qty <= bindparam("most_before"))


def _apply(uow: UnitOfWork, line: StockLine) -> tuple[StockMovement, tuple[int, int, int]]:
    """The conditional UPDATE and its (unflushed) kardex row; (movement, what to publish)."""
    delta = signed_quantity(line.kind, line.qty)
    reason = _clean_reason(line.reason)
    params = {"product_id": line.product_id, "of_tenant": require_tenant_id(), "delta": delta}
    if delta < 0:
        statement, params["least_before"] = _TAKE, -delta
    else:
        statement, params["most_before"] = _PUT, MAX_STOCK - delta
    row = uow.session.execute(statement, params).one_or_none()
    if row is None:
        _explain_refusal(uow, line.product_id, delta)
    movement = StockMovement(
        product_id=line.product_id,
        kind=line.kind,
        qty=delta,
        before_qty=row.stock_qty - delta,
        after_qty=row.stock_qty,
        reason=reason,
        actor_id=uow.actor_id,
        order_id=line.order_id,
    )
    uow.session.add(movement)
    _forget_stale_copy(uow, line.product_id)
    return movement, (line.product_id, row.stock_qty, row.version)


def _apply_all(uow: UnitOfWork, lines: list[StockLine]) -> list[StockMovement]:
    """Every move, then ONE flush for all kardex rows (and their audit entries); the live
    badges of every product moved go out in one message after the commit."""
    tenant_id = require_tenant_id()
    with uow.session.no_autoflush:
        applied = [_apply(uow, line) for line in lines]
    uow.session.flush()
    moved = [published for _movement, published in applied]
    uow.after_commit(lambda: events.publish_stock_changed(tenant_id, moved))
    return [movement for movement, _published in applied]


def _explain_refusal(uow: UnitOfWork, product_id: int, delta: int) -> None:
    current = uow.session.execute(
        select(Product.stock_qty, Product.sku).where(Product.id == product_id)
    ).one_or_none()
    if current is None:
        raise NotFound("Produto não encontrado.")
    if delta > 0:
        most, now = format_number(MAX_STOCK, 0), format_number(current.stock_qty, 0)
        raise ValidationFailed(
            f"O estoque do produto {current.sku} passaria do máximo de {most} unidades "
            f"(atual: {now}).",
            field="qty",
            details={"available": current.stock_qty, "product_id": product_id},
        )
    raise InsufficientStock(current.stock_qty, product_id, current.sku)


def _forget_stale_copy(uow: UnitOfWork, product_id: int) -> None:
    # A Product already loaded in this session now holds an old stock and version; expire
    # them so the next read (and any later versioned UPDATE) sees the row as it is now.
    for obj in uow.session.identity_map.values():
        if isinstance(obj, Product) and obj.id == product_id:
            uow.session.expire(obj, ["stock_qty", "version", "updated_at"])


def move_stock(
    product_id: int,
    kind: str,
    qty: int,
    reason: str,
    actor: Any = None,
    order_id: int | None = None,
) -> StockMovement:
    """Move stock of one product (kind in/out/sale/cancel_return/adjust) and log the kardex."""
    with unit_of_work(actor) as uow:
        (movement,) = _apply_all(uow, [StockLine(product_id, kind, qty, reason, order_id)])
    return movement


def move_stock_many(lines: Iterable[StockLine], actor: Any = None) -> list[StockMovement]:
    """Apply several moves in one unit of work, in product-id order (no lock-order deadlocks).

    Either every line applies or none does: the first refusal rolls the whole unit back.
    """
    ordered = sorted(lines, key=lambda line: line.product_id)
    with unit_of_work(actor) as uow:
        return _apply_all(uow, ordered)
