"""Orders, their lines (snapshots) and the status history (SPEC 4, orders data contract).

Table and column names are a contract other modules (wallet, reports) read: add columns,
never rename. Money columns are NUMERIC(14,2); every amount is computed by the services and
guarded here by CHECKs so a bug can never store a negative or incoherent sign.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.audit import Audited
from webapp.core.models import Base, BigId, Money, PkMixin, UTCDateTime, utcnow
from webapp.core.money import ZERO, format_brl
from webapp.core.tenancy import TenantScoped

CREATED, PAID, SHIPPED, DELIVERED, CANCELLED = (
    "created",
    "paid",
    "shipped",
    "delivered",
    "cancelled",
)
STATUSES = (CREATED, PAID, SHIPPED, DELIVERED, CANCELLED)
STATUS_LABELS = {
    CREATED: "Criado",
    PAID: "Pago",
    SHIPPED: "Enviado",
    DELIVERED: "Entregue",
    CANCELLED: "Cancelado",
}
# SPEC 4: the only transitions there are. Anything else is a 409 invalid_transition.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CREATED: (PAID, CANCELLED),
    PAID: (SHIPPED, CANCELLED),
    SHIPPED: (DELIVERED,),
    DELIVERED: (),
    CANCELLED: (),
}
# Column stamped when an order enters each status.
STATUS_TIMESTAMPS = {
    PAID: "paid_at",
    SHIPPED: "shipped_at",
    DELIVERED: "delivered_at",
    CANCELLED: "cancelled_at",
}

PAYMENT_METHODS = ("pix", "card", "boleto", "cash", "wallet")
PAYMENT_LABELS = {
    "pix": "Pix",
    "card": "Cartão",
    "boleto": "Boleto",
    "cash": "Dinheiro",
    "wallet": "Saldo da carteira",
}


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Order(TenantScoped, Audited, PkMixin, Base):
    __tablename__ = "orders"
    __audit_parent__ = ("customers", "customer_id")
    __table_args__ = (
        UniqueConstraint("tenant_id", "idempotency_key", name="uq_orders_tenant_idempotency_key"),
        Index("ix_orders_tenant_status_paid", "tenant_id", "status", "paid_at"),
        # Lists sort by (created_at, id): with id in the index, orders sharing a timestamp (an
        # import, a busy second) never make PostgreSQL sort a pile of ties for one page.
        Index("ix_orders_tenant_seller_created", "tenant_id", "seller_id", "created_at", "id"),
        Index("ix_orders_tenant_customer_created", "tenant_id", "customer_id", "created_at", "id"),
        Index("ix_orders_tenant_created", "tenant_id", "created_at", "id"),
        CheckConstraint(_in("status", STATUSES), name="status_known"),
        CheckConstraint(_in("payment_method", PAYMENT_METHODS), name="payment_method_known"),
        CheckConstraint(
            "subtotal >= 0 AND tax_total >= 0 AND total >= 0 AND wallet_amount >= 0 "
            "AND amount_due >= 0",
            name="amounts_not_negative",
        ),
        # Rounded on both sides: SQLite keeps NUMERIC as a double, where 19.90 - 0.01 is
        # 19.889999..., not 19.89. On PostgreSQL's exact NUMERIC rounding changes nothing.
        CheckConstraint(
            "round(amount_due, 2) = round(total - wallet_amount, 2)",
            name="amount_due_is_total_minus_wallet",
        ),
    )

    customer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("customers.id", ondelete="RESTRICT"), nullable=False
    )
    # Addresses can be deleted by the customers module; the order keeps a text snapshot
    # (shipping_address_text) so the receipt still says where it went.
    shipping_address_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("addresses.id", ondelete="SET NULL")
    )
    shipping_address_text: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    seller_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="RESTRICT")
    )
    status: Mapped[str] = mapped_column(String(12), nullable=False, default=CREATED)
    payment_method: Mapped[str] = mapped_column(String(12), nullable=False)
    subtotal: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    tax_total: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    total: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    wallet_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    amount_due: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    # Sum of the lines' cost_price x qty, written once at checkout (lines never change after
    # it): the dashboard's cost of goods sold reads this from the orders index instead of
    # visiting every line of the period.
    cost_total: Mapped[Decimal] = mapped_column(
        Money, nullable=False, default=ZERO, server_default="0"
    )
    idempotency_key: Mapped[str] = mapped_column(String(80), nullable=False)
    request_fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    tracking_code: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", lazy="selectin"
    )
    history: Mapped[list[OrderStatusChange]] = relationship(
        order_by="OrderStatusChange.id", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def payment_label(self) -> str:
        return PAYMENT_LABELS.get(self.payment_method, self.payment_method)

    @property
    def due_label(self) -> str:
        """What the amount due is now: "A pagar" only while the order waits for payment."""
        if self.status == CREATED:
            return "A pagar"
        if self.status == CANCELLED:
            return "Pago e estornado" if self.paid_at else "Não cobrado"
        return "Pago"

    @property
    def cancel_effect(self) -> str:
        """What cancelling does with the money (workflow.cancel), said before the seller
        confirms: the estorno is wallet balance, not a card or Pix refund, so nobody refunds
        the customer a second time by hand."""
        if self.status == PAID:
            return (
                f"O estoque volta e o total pago ({format_brl(self.total)}) é creditado como "
                "saldo na carteira do cliente (estorno); o cashback deste pedido é revertido."
            )
        if self.wallet_amount:
            return (
                f"O estoque volta e o saldo usado ({format_brl(self.wallet_amount)}) retorna "
                "à carteira do cliente."
            )
        return "O estoque volta; nada foi pago ainda."

    def __repr__(self) -> str:
        return f"<Order {self.id} {self.status} {self.total}>"


class OrderLine(TenantScoped, PkMixin, Base):
    """A sold line as it was at order time: later product edits never reach it."""

    __tablename__ = "order_lines"
    __table_args__ = (
        Index("ix_order_lines_tenant_product", "tenant_id", "product_id"),
        Index("ix_order_lines_order", "order_id"),
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint(
            "unit_price >= 0 AND cost_price >= 0 AND tax_amount >= 0 AND line_total >= 0",
            name="amounts_not_negative",
        ),
        CheckConstraint("tax_rate >= 0 AND tax_rate <= 100", name="tax_rate_percent"),
    )

    order_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("orders.id", ondelete="RESTRICT"), nullable=False
    )
    product_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("products.id", ondelete="SET NULL")
    )
    sku: Mapped[str] = mapped_column(String(40), nullable=False)
    product_name: Mapped[str] = mapped_column(String(200), nullable=False)
    category_id: Mapped[int | None] = mapped_column(BigId)  # snapshot, deliberately no FK
    category_name: Mapped[str | None] = mapped_column(String(80))
    unit_price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    cost_price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2, asdecimal=True), nullable=False)
    tax_amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    qty: Mapped[int] = mapped_column(Integer, nullable=False)
    line_total: Mapped[Decimal] = mapped_column(Money, nullable=False)

    order: Mapped[Order] = relationship(back_populates="lines")

    def __repr__(self) -> str:
        return f"<OrderLine {self.id} {self.sku} x{self.qty}>"


class OrderStatusChange(TenantScoped, PkMixin, Base):
    """One step of an order's timeline: who moved it, when, why (append-only)."""

    __tablename__ = "order_status_changes"
    __table_args__ = (
        Index("ix_order_status_changes_order", "order_id", "id"),
        CheckConstraint(
            f"from_status IS NULL OR {_in('from_status', STATUSES)}", name="from_status_known"
        ),
        CheckConstraint(_in("to_status", STATUSES), name="to_status_known"),
    )

    order_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("orders.id", ondelete="RESTRICT"), nullable=False
    )
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(String(500))
    tracking_code: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    @property
    def to_label(self) -> str:
        return STATUS_LABELS.get(self.to_status, self.to_status)

    @property
    def from_label(self) -> str | None:
        return STATUS_LABELS.get(self.from_status) if self.from_status else None
