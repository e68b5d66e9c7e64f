"""Server-side carts of the checkout screen (one open cart per seller, parked carts).

A cart is scratch state, not a business record: it is not audited and is never read by
reports. It carries the idempotency key handed to ``sales.services.checkout`` so a double
submit of the same cart can only ever create one order.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.models import Base, BigId, Money, PkMixin, TimestampMixin
from webapp.core.money import ZERO
from webapp.core.tenancy import TenantScoped

OPEN, PARKED, CONVERTED = "open", "parked", "converted"
CART_STATUSES = (OPEN, PARKED, CONVERTED)


class Cart(TenantScoped, PkMixin, TimestampMixin, Base):
    __tablename__ = "carts"
    __table_args__ = (
        CheckConstraint("status in ('open', 'parked', 'converted')", name="status"),
        CheckConstraint("wallet_amount >= 0", name="wallet_amount_not_negative"),
        UniqueConstraint("tenant_id", "idempotency_key", name="uq_carts_tenant_key"),
        # A seller has exactly one cart on screen; the index settles two tabs racing to open it.
        Index(
            "uq_carts_one_open_per_owner",
            "tenant_id",
            "owner_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
        Index("ix_carts_owner_status", "tenant_id", "owner_id", "status", "updated_at"),
    )

    owner_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    customer_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("customers.id", ondelete="SET NULL")
    )
    shipping_address_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("addresses.id", ondelete="SET NULL")
    )
    payment_method: Mapped[str] = mapped_column(String(12), nullable=False, default="pix")
    wallet_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=OPEN)
    label: Mapped[str | None] = mapped_column(String(80))
    idempotency_key: Mapped[str] = mapped_column(String(80), nullable=False)
    order_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("orders.id", ondelete="SET NULL")
    )

    lines: Mapped[list[CartLine]] = relationship(
        back_populates="cart",
        order_by="CartLine.id",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    customer = relationship("Customer", lazy="joined")
    shipping_address = relationship("Address", lazy="joined")

    @property
    def item_count(self) -> int:
        return sum(line.qty for line in self.lines)

    def __repr__(self) -> str:
        return f"<Cart {self.id} {self.status} of user {self.owner_id}>"


class CartLine(TenantScoped, PkMixin, Base):
    __tablename__ = "cart_lines"
    __table_args__ = (
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint("unit_price is null or unit_price >= 0", name="unit_price_not_negative"),
        UniqueConstraint("cart_id", "product_id", name="uq_cart_lines_product"),
    )

    cart_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("carts.id", ondelete="CASCADE"), nullable=False
    )
    product_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("products.id", ondelete="CASCADE"), nullable=False
    )
    qty: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    unit_price: Mapped[Decimal | None] = mapped_column(Money)  # negotiated; None = list price

    cart: Mapped[Cart] = relationship(back_populates="lines")
    product = relationship("Product", lazy="joined")
