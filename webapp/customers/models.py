"""Customer and Address tables.

Indexes are chosen for the screens that read them (see services.search): the unique
(tenant_id, document) index answers the checkout's exact lookup and, with text_pattern_ops on
PostgreSQL, CPF/CNPJ prefix searches; a pg_trgm GIN index on the folded name (no accents, no
case: core.text_search) answers "name contains"; small btree indexes answer short folded-name
prefixes, e-mail and phone prefixes and the alphabetical list (by the name as written).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.audit import Audited
from webapp.core.models import Base, BigId, PkMixin, TimestampMixin
from webapp.core.tenancy import TenantScoped
from webapp.core.text_search import FoldedName

ADDRESS_KINDS = ("billing", "shipping")
ADDRESS_KIND_LABELS = {"billing": "Cobrança", "shipping": "Entrega"}


class Customer(TenantScoped, Audited, FoldedName, PkMixin, TimestampMixin, Base):
    __tablename__ = "customers"
    __audit_exclude__ = frozenset({"name_folded"})  # a copy of the name, which is recorded
    __table_args__ = (
        Index(
            "uq_customers_tenant_document",
            "tenant_id",
            "document",
            unique=True,
            postgresql_ops={"document": "text_pattern_ops"},
        ),
        Index("ix_customers_tenant_name", "tenant_id", "name"),
        Index(
            "ix_customers_tenant_name_folded_prefix",
            "tenant_id",
            "name_folded",
            postgresql_ops={"name_folded": "text_pattern_ops"},
        ),
        Index(
            "ix_customers_name_folded_trgm",
            "name_folded",
            postgresql_using="gin",
            postgresql_ops={"name_folded": "gin_trgm_ops"},
        ),
        Index(
            "ix_customers_tenant_email",
            "tenant_id",
            "email",
            postgresql_ops={"email": "text_pattern_ops"},
        ),
        Index(
            "ix_customers_tenant_phone",
            "tenant_id",
            "phone",
            postgresql_ops={"phone": "text_pattern_ops"},
        ),
        CheckConstraint("document_type in ('cpf', 'cnpj')", name="document_type"),
    )

    name: Mapped[str] = mapped_column(String(150), nullable=False)
    document: Mapped[str] = mapped_column(String(14), nullable=False)
    document_type: Mapped[str] = mapped_column(String(4), nullable=False)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(11))
    birth_date: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    marketing_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    addresses: Mapped[list[Address]] = relationship(
        back_populates="customer",
        order_by="(Address.kind, Address.is_default.desc(), Address.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Customer {self.id} {self.document}>"


class Address(TenantScoped, Audited, PkMixin, TimestampMixin, Base):
    __tablename__ = "addresses"
    __audit_parent__ = ("customers", "customer_id")
    __audit_exclude__ = frozenset({"customer_id"})  # already the entry's parent_id
    __table_args__ = (
        # One default per (customer, kind): the service keeps it so, the index guarantees it.
        Index(
            "uq_addresses_default_per_kind",
            "customer_id",
            "kind",
            unique=True,
            postgresql_where=text("is_default"),
            sqlite_where=text("is_default"),
        ),
        CheckConstraint("kind in ('billing', 'shipping')", name="kind"),
        CheckConstraint("length(zip) = 8", name="zip_length"),
        CheckConstraint("length(state) = 2", name="state_length"),
    )

    customer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    street: Mapped[str] = mapped_column(String(200), nullable=False)
    number: Mapped[str] = mapped_column(String(20), nullable=False)
    complement: Mapped[str | None] = mapped_column(String(100))
    district: Mapped[str] = mapped_column(String(100), nullable=False)
    city: Mapped[str] = mapped_column(String(100), nullable=False)
    state: Mapped[str] = mapped_column(String(2), nullable=False)
    zip: Mapped[str] = mapped_column(String(8), nullable=False)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    customer: Mapped[Customer] = relationship(back_populates="addresses")

    @property
    def kind_label(self) -> str:
        return ADDRESS_KIND_LABELS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<Address {self.id} {self.kind} of customer {self.customer_id}>"
