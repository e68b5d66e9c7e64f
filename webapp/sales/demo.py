"""Demo orders for ``flask seed-demo --orders N``: a year of sales history, fast.

Orders, lines and status changes are precomputed in Python and bulk-inserted in batches
(multi-row INSERTs through SQLAlchemy's insertmanyvalues), so 1,000,000 order lines take a
few minutes on PostgreSQL. What this history deliberately skips, and why:

* stock: seeded history bypasses the kardex and products' stock_qty (it is past history;
  the catalog seed already set plausible current stock). Live sales always move stock.
* audit: bulk inserts skip the per-row ORM audit, like the other demo seeds.
* wallet: for small demos (up to ``WALLET_REPLAY_LIMIT`` orders) the cashback and estornos
  of the history are replayed through the real ledger services, dated when they happened,
  so wallets, statements and the dashboard's cashback agree with the orders; for huge demos
  they are skipped to keep the seed fast (every posting is its own locked unit of work).
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select, text

from webapp.catalog.models import Category, Product
from webapp.core.bulk import vacuum_analyze
from webapp.core.models import clock_at, utcnow
from webapp.core.money import ZERO, quantize
from webapp.customers.models import Address
from webapp.extensions import db
from webapp.identity.models import User
from webapp.sales.models import (
    CANCELLED,
    CREATED,
    DELIVERED,
    PAID,
    SHIPPED,
    Order,
    OrderLine,
    OrderStatusChange,
)
from webapp.sales.services.cart import line_amounts

BATCH = 5_000
WALLET_REPLAY_LIMIT = 2_000
CASHBACK_JOB_DELAY = timedelta(seconds=20)  # how long after a payment its cashback job ran
DAYS = 365
# Final status of an order old enough to have finished its path (recent ones may lag).
STATUS_WEIGHTS = {DELIVERED: 62, SHIPPED: 8, PAID: 10, CREATED: 6, CANCELLED: 14}
PAYMENT_WEIGHTS = {"pix": 45, "card": 35, "boleto": 12, "cash": 8}
LINE_COUNT_WEIGHTS = {1: 30, 2: 28, 3: 20, 4: 13, 5: 9}
CANCEL_REASONS = [
    "Cliente desistiu da compra",
    "Pagamento não confirmado",
    "Produto com defeito",
    "Endereço de entrega incorreto",
]
DEMO_FINGERPRINT = hashlib.sha256(b"seed-demo").hexdigest()


@dataclass(frozen=True)
class _Product:
    id: int
    sku: str
    name: str
    category_id: int | None
    category_name: str | None
    cost_price: Decimal
    sale_price: Decimal
    min_price: Decimal
    max_price: Decimal
    tax_rate: Decimal


def seed_orders(tenant_id: int, wanted: int, echo: Callable[[str], None] = print) -> int:
    """Top the demo tenant up to ``wanted`` orders (run inside its tenant context)."""
    existing = db.session.scalar(select(func.count()).select_from(Order))
    missing = wanted - existing
    if missing <= 0:
        echo(f"Pedidos de demonstração: nenhum novo (já há {existing}).")
        return 0
    products, addresses, sellers = _catalog(), _shipping_addresses(), _sellers()
    if not (products and addresses and sellers):
        echo("Pedidos de demonstração: faltam produtos, clientes com endereço ou vendedores.")
        return 0
    rng = random.Random(20_240_601 + existing)
    first_id = (db.session.scalar(select(func.max(Order.id))) or 0) + 1
    plan = _Plan(tenant_id, rng, products, addresses, sellers, utcnow(), missing)
    lines = 0
    for start in range(0, missing, BATCH):
        ids = range(first_id + start, first_id + min(start + BATCH, missing))
        lines += plan.write_batch(ids)
        _sync_sequence()
        db.session.commit()  # batch by batch: a rerun tops up whatever is missing
        done = start + len(ids)
        if done % (BATCH * 10) == 0 or done == missing:
            echo(f"  pedidos: {done:,} de {missing:,}".replace(",", "."))
    vacuum_analyze("orders", "order_lines", "order_status_changes")
    echo(f"Pedidos de demonstração: {missing} novos, {lines} itens (histórico de 12 meses).")
    if missing <= WALLET_REPLAY_LIMIT:
        _replay_wallet_history(range(first_id, first_id + missing), echo)
    else:
        echo("Carteiras: histórico de cashback e estornos não lançado (demo grande: seria lento).")
    return missing


def _catalog() -> list[_Product]:
    rows = db.session.execute(
        select(
            Product.id,
            Product.sku,
            Product.name,
            Product.category_id,
            Category.name,
            Product.cost_price,
            Product.sale_price,
            Product.min_price,
            Product.max_price,
            Product.tax_rate,
        )
        .outerjoin(Category, Category.id == Product.category_id)
        .where(Product.active.is_(True))
        .order_by(Product.id)
        .limit(5_000)
    )
    return [_Product(*row) for row in rows]


def _shipping_addresses() -> list[tuple[int, int, str]]:
    rows = db.session.execute(
        select(Address).where(Address.kind == "shipping").order_by(Address.id).limit(20_000)
    ).scalars()
    from webapp.sales.services.checkout import address_text

    return [(a.customer_id, a.id, address_text(a)) for a in rows]


def _sellers() -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.active.is_(True))))


def _weighted(rng: random.Random, weights: dict) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Plan:
    """Generates coherent orders (totals = sum of lines, timestamps in workflow order)."""

    def __init__(
        self, tenant_id, rng, products, addresses, sellers, now: datetime, orders: int = 0
    ) -> None:
        self.tenant_id, self.rng, self.now = tenant_id, rng, now
        self.products, self.addresses, self.sellers = products, addresses, sellers
        # Drawn up front and sorted, so order numbers follow time as they do in a real shop.
        self._creation_times = iter(sorted(self._created_at() for _ in range(orders)))

    def write_batch(self, ids: range) -> int:
        orders, lines, changes = [], [], []
        for order_id in ids:
            order, order_lines, order_changes = self._order(order_id)
            orders.append(order)
            lines.extend(order_lines)
            changes.extend(order_changes)
        session = db.session
        session.execute(insert(Order.__table__), orders)
        for chunk in _chunks(lines, BATCH * 2):
            session.execute(insert(OrderLine.__table__), chunk)
        for chunk in _chunks(changes, BATCH * 2):
            session.execute(insert(OrderStatusChange.__table__), chunk)
        return len(lines)

    def _order(self, order_id: int):
        rng = self.rng
        customer_id, address_id, address = rng.choice(self.addresses)
        seller_id = rng.choice(self.sellers)
        created = next(self._creation_times)
        lines = [self._line(order_id) for _ in range(_weighted(rng, LINE_COUNT_WEIGHTS))]
        total = sum((line["line_total"] for line in lines), ZERO)
        steps = self._steps(created)
        order = {
            "id": order_id,
            "tenant_id": self.tenant_id,
            "customer_id": customer_id,
            "shipping_address_id": address_id,
            "shipping_address_text": address,
            "seller_id": seller_id,
            "status": steps[-1][0],
            "payment_method": _weighted(rng, PAYMENT_WEIGHTS),
            "subtotal": total,
            "tax_total": sum((line["tax_amount"] for line in lines), ZERO),
            "total": total,
            "wallet_amount": ZERO,
            "amount_due": total,
            "cost_total": sum((line["cost_price"] * line["qty"] for line in lines), ZERO),
            "idempotency_key": f"demo-{order_id}",
            "request_fingerprint": DEMO_FINGERPRINT,
            "tracking_code": None,
            "created_at": created,
            "paid_at": None,
            "shipped_at": None,
            "delivered_at": None,
            "cancelled_at": None,
            "version": len(steps),
        }
        changes = []
        previous = None
        for status, at in steps:
            tracking = f"BR{rng.randrange(10**8, 10**9)}BR" if status == SHIPPED else None
            reason = rng.choice(CANCEL_REASONS) if status == CANCELLED else None
            if status != CREATED:
                order[f"{status}_at"] = at
            if tracking:
                order["tracking_code"] = tracking
            changes.append(
                {
                    "tenant_id": self.tenant_id,
                    "order_id": order_id,
                    "from_status": previous,
                    "to_status": status,
                    "actor_id": seller_id,
                    "reason": reason,
                    "tracking_code": tracking,
                    "created_at": at,
                }
            )
            previous = status
        return order, lines, changes

    def _created_at(self) -> datetime:
        # More sales lately (a growing shop), during shop hours (UTC-3).
        age = timedelta(days=DAYS * (self.rng.random() ** 1.3))
        day = (self.now - age).replace(minute=0, second=0, microsecond=0)
        hour = self.rng.choice(range(11, 24))  # 8h-20h in Sao Paulo
        moment = day.replace(hour=hour) + timedelta(minutes=self.rng.randrange(60))
        latest = self.now - timedelta(minutes=5)
        # Shop hours still ahead today fall on an earlier day: clamped to one instant, a
        # morning seed piled thousands of orders on a single timestamp.
        while moment > latest:
            moment -= timedelta(days=1)
        return moment

    def _steps(self, created: datetime) -> list[tuple[str, datetime]]:
        """The workflow path to a final status, cut where it would pass 'now'."""
        rng, final = self.rng, _weighted(self.rng, STATUS_WEIGHTS)
        path = {
            CREATED: [],
            PAID: [PAID],
            SHIPPED: [PAID, SHIPPED],
            DELIVERED: [PAID, SHIPPED, DELIVERED],
            CANCELLED: rng.choice([[CANCELLED], [PAID, CANCELLED]]),
        }[final]
        gaps = {PAID: (0.1, 30), SHIPPED: (12, 72), DELIVERED: (24, 200), CANCELLED: (1, 96)}
        steps, at = [(CREATED, created)], created
        for status in path:
            at = at + timedelta(hours=rng.uniform(*gaps[status]))
            if at >= self.now:
                break
            steps.append((status, at))
        return steps

    def _line(self, order_id: int) -> dict:
        rng = self.rng
        product = rng.choice(self.products)
        qty = rng.choices([1, 2, 3, 4, 6, 12], weights=[55, 20, 10, 6, 5, 4])[0]
        unit_price = product.sale_price
        if rng.random() < 0.15 and product.min_price < product.sale_price:
            spread = product.sale_price - product.min_price
            unit_price = quantize(product.sale_price - spread * Decimal(rng.randint(1, 100)) / 100)
        line_total, tax_amount = line_amounts(qty, unit_price, product.tax_rate)
        return {
            "tenant_id": self.tenant_id,
            "order_id": order_id,
            "product_id": product.id,
            "sku": product.sku,
            "product_name": product.name,
            "category_id": product.category_id,
            "category_name": product.category_name,
            "unit_price": unit_price,
            "cost_price": product.cost_price,
            "tax_rate": product.tax_rate,
            "tax_amount": tax_amount,
            "qty": qty,
            "line_total": line_total,
        }


def _chunks(rows: list[dict], size: int) -> Iterator[list[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _sync_sequence() -> None:
    """Explicit ids bypass PostgreSQL's sequence: move it past them for live checkouts."""
    if db.engine.dialect.name != "postgresql":
        return
    db.session.execute(
        text(
            "SELECT setval(pg_get_serial_sequence('orders', 'id'), "
            "(SELECT COALESCE(MAX(id), 1) FROM orders))"
        )
    )


def _replay_wallet_history(ids: range, echo: Callable[[str], None]) -> None:
    """The wallet side of the seeded orders, posted through the ledger services in the order
    it happened and stamped when it happened (``clock_at``), so statements, running balances
    and the dashboard's cashback agree with the orders' dates."""
    from webapp.wallet import services as wallet
    from webapp.wallet.tasks import order_cashback

    paid = db.session.execute(
        select(
            Order.id,
            Order.customer_id,
            Order.seller_id,
            Order.total,
            Order.amount_due,
            Order.paid_at,
            Order.cancelled_at,
        ).where(Order.id.in_(list(ids)), Order.paid_at.is_not(None))
    ).all()
    lines = _cashback_lines([order.id for order in paid])
    users = {user.id: user for user in db.session.scalars(select(User))}

    def credit(order) -> None:  # what wallet.tasks.credit_order_cashback posts
        amount = order_cashback(lines[order.id], order.amount_due)
        wallet.credit_cashback(order.id, order.customer_id, amount)

    def estorno(order) -> None:  # what cancelling a paid order posts (sales workflow)
        actor = users.get(order.seller_id)  # seeded sellers cancel their own sales
        wallet.estorno(order.id, order.customer_id, order.total, actor=actor)

    now = utcnow()
    for at, cancelled, order in _wallet_events(paid):
        with clock_at(min(at, now)):
            (estorno if cancelled else credit)(order)
    db.session.commit()
    echo(f"Carteiras: cashback e estornos de {len(paid)} pedidos pagos lançados no razão.")


def _cashback_lines(order_ids: list[int]) -> dict[int, list[tuple[int | None, Decimal]]]:
    """(category_id, line_total) of each order's lines: what its cashback is computed from."""
    lines: dict[int, list[tuple[int | None, Decimal]]] = defaultdict(list)
    query = select(OrderLine.order_id, OrderLine.category_id, OrderLine.line_total).where(
        OrderLine.order_id.in_(order_ids)
    )
    for order_id, category_id, line_total in db.session.execute(query):
        lines[order_id].append((category_id, line_total))
    return lines


def _wallet_events(paid) -> list[tuple[datetime, bool, object]]:
    """(when, is_estorno, order) in time order: each cashback job shortly after its payment,
    unless the order was cancelled first (the job then does nothing), and each cancellation
    of a paid order. Time order keeps every statement's running balance in date order."""
    events = []
    for order in paid:
        credited_at = order.paid_at + CASHBACK_JOB_DELAY
        if order.cancelled_at is None or credited_at < order.cancelled_at:
            events.append((credited_at, False, order))
        if order.cancelled_at is not None:
            events.append((order.cancelled_at, True, order))
    return sorted(events, key=lambda event: (event[0], event[2].id))
