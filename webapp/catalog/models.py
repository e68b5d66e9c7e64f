"""Products, categories and the stock ledger (kardex)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.audit import Audited
from webapp.core.models import Base, BigId, Money, PkMixin, TimestampMixin, UTCDateTime, utcnow
from webapp.core.tenancy import TenantScoped
from webapp.core.text_search import FoldedName

# Kinds of stock movement and the direction each moves stock (adjust carries its own sign).
MOVEMENT_DIRECTIONS = {"in": 1, "out": -1, "sale": -1, "cancel_return": 1, "adjust": 0}
MOVEMENT_LABELS = {
    "in": "Entrada",
    "out": "Saída",
    "sale": "Venda",
    "cancel_return": "Devolução (cancelamento)",
    "adjust": "Ajuste",
}


class Category(TenantScoped, PkMixin, Base):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_categories_tenant_name"),)

    name: Mapped[str] = mapped_column(String(80), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    def __repr__(self) -> str:
        return f"<Category {self.id} {self.name!r}>"


class Product(TenantScoped, Audited, FoldedName, PkMixin, TimestampMixin, Base):
    __tablename__ = "products"
    __audit_exclude__ = frozenset({"name_folded"})  # a copy of the name, which is recorded
    __table_args__ = (
        Index("uq_products_tenant_sku", "tenant_id", "sku", unique=True),
        # EAN is optional; when present it identifies one product of the tenant.
        Index(
            "uq_products_tenant_ean",
            "tenant_id",
            "ean",
            unique=True,
            postgresql_where=text("ean IS NOT NULL"),
            sqlite_where=text("ean IS NOT NULL"),
        ),
        Index("ix_products_tenant_name", "tenant_id", "name"),
        # No index on stock_qty, on purpose: every sale UPDATEs stock_qty, and an indexed
        # column would make each of those a non-HOT update writing a new entry into every
        # index of the table (the GIN search index too). Unindexed, with the fillfactor set
        # by 0012, stock moves are HOT updates that touch no index at all.
        # The product search (catalog.queries._search): "name contains" through pg_trgm on
        # the folded name (no accents, no case: core.text_search), SKU and EAN prefixes
        # through text_pattern_ops (LIKE 'x%' under any collation).
        Index(
            "ix_products_name_folded_trgm",
            "name_folded",
            postgresql_using="gin",
            postgresql_ops={"name_folded": "gin_trgm_ops"},
        ),
        Index(
            "ix_products_tenant_sku_prefix",
            "tenant_id",
            "sku",
            postgresql_ops={"sku": "text_pattern_ops"},
        ),
        Index(
            "ix_products_tenant_ean_prefix",
            "tenant_id",
            "ean",
            postgresql_ops={"ean": "text_pattern_ops"},
            postgresql_where=text("ean IS NOT NULL"),
            sqlite_where=text("ean IS NOT NULL"),
        ),
        CheckConstraint("stock_qty >= 0", name="stock_qty_not_negative"),
        CheckConstraint(
            "cost_price >= 0 AND sale_price >= 0 AND min_price >= 0 AND max_price >= 0",
            name="prices_not_negative",
        ),
        CheckConstraint(
            "min_price <= sale_price AND sale_price <= max_price", name="sale_price_in_range"
        ),
        CheckConstraint("tax_rate >= 0 AND tax_rate <= 100", name="tax_rate_percent"),
        CheckConstraint("low_stock_threshold >= 0", name="low_stock_threshold_not_negative"),
    )

    sku: Mapped[str] = mapped_column(String(40), nullable=False)
    ean: Mapped[str | None] = mapped_column(String(13))
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    category_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    cost_price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    sale_price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    min_price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    max_price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    tax_rate: Mapped[Decimal] = mapped_column(
        Numeric(5, 2, asdecimal=True), nullable=False, default=Decimal("0.00")
    )
    stock_qty: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    low_stock_threshold: Mapped[int] = mapped_column(Integer, nullable=False, default=5)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # RowVersion: the ORM's UPDATE carries "AND version = <read version>" and bumps it;
    # stock moves bump it in their own conditional UPDATE (see catalog.stock).
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    category: Mapped[Category | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def stock_level(self) -> str:
        """``zero``, ``low`` or ``ok``: drives the stock badges and the list filter."""
        if self.stock_qty <= 0:
            return "zero"
        if self.stock_qty <= self.low_stock_threshold:
            return "low"
        return "ok"

    def __repr__(self) -> str:
        return f"<Product {self.id} {self.sku!r}>"


class StockMovement(TenantScoped, Audited, PkMixin, Base):
    """One line of the kardex. Append-only: corrections are new movements."""

    __tablename__ = "stock_movements"
    __audit_parent__ = ("products", "product_id")
    # The entry already names its actor and is filed under the product.
    __audit_exclude__ = frozenset({"actor_id", "product_id"})
    __table_args__ = (
        Index("ix_stock_movements_product", "tenant_id", "product_id", "id"),
        CheckConstraint(
            "kind IN ('in', 'out', 'sale', 'cancel_return', 'adjust')", name="kind_known"
        ),
        CheckConstraint("qty <> 0", name="qty_not_zero"),
        CheckConstraint("after_qty = before_qty + qty", name="after_is_before_plus_qty"),
        CheckConstraint("before_qty >= 0 AND after_qty >= 0", name="quantities_not_negative"),
    )

    product_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("products.id", ondelete="RESTRICT"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    qty: Mapped[int] = mapped_column(Integer, nullable=False)  # signed: + enters, - leaves
    before_qty: Mapped[int] = mapped_column(Integer, nullable=False)
    after_qty: Mapped[int] = mapped_column(Integer, nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    # Foreign key added by the sales migration (0006_sales); orders are never deleted.
    order_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("orders.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    @property
    def kind_label(self) -> str:
        return MOVEMENT_LABELS.get(self.kind, self.kind)
