"""Users and their browser sessions."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.audit import Audited
from webapp.core.models import (
    Base,
    BigId,
    Money,
    PkMixin,
    TimestampMixin,
    UTCDateTime,
    utcnow,
)
from webapp.core.tenancy import Tenant, TenantScoped


class Role(enum.StrEnum):
    ADMIN = "admin"
    SELLER = "seller"

    @property
    def label(self) -> str:
        return {"admin": "Administrador", "seller": "Vendedor"}[self.value]


class User(TenantScoped, Audited, PkMixin, TimestampMixin, Base):
    __tablename__ = "users"
    __audit_exclude__ = frozenset({"password_hash", "last_login_at"})

    # E-mail is unique across tenants: signing in needs no tenant picker.
    email: Mapped[str] = mapped_column(String(254), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="user_role",
            native_enum=False,
            length=10,
            values_callable=lambda roles: [r.value for r in roles],
        ),
        nullable=False,
        default=Role.SELLER,
    )
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Audited (unlike the hash) so history shows when a password was reset or changed.
    credentials_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped when a password is reset or changed or the user is deactivated: access tokens
    # carry the version they were issued under and stop working when it moves on.
    token_version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )

    tenant: Mapped[Tenant] = relationship(lazy="joined")

    # Flask-Login: the id stored in the session cookie is the *session* key (see get_id).
    session_key = None  # type: str | None

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def get_id(self) -> str | None:
        return self.session_key

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserSession(PkMixin, Base):
    """A signed-in browser. Deleting the row signs that browser out for good.

    Keeping sessions server-side is what makes logout, deactivation and password resets
    effective even for a copied cookie.
    """

    __tablename__ = "user_sessions"

    key: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    user_agent: Mapped[str | None] = mapped_column(String(300))
    ip: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship()


class RefreshToken(PkMixin, Base):
    """An API refresh token, stored as a SHA-256 hash (the raw token is never kept).

    Every ``POST /auth/token`` starts a family; each refresh spends one token and issues the
    next in the same family. A spent token presented again means it leaked: the whole family
    is revoked. Not tenant-scoped because it is looked up before the tenant is known.
    """

    __tablename__ = "refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    family_id: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RevokedAccessToken(Base):
    """Denylisted access-token ids, for the embedded default (Redis keeps them otherwise)."""

    __tablename__ = "revoked_access_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)


class Percent(Money):
    """NUMERIC(5,2) percentage (0.00 to 100.00), Decimal in and out like Money."""

    impl = Numeric(5, 2, asdecimal=True)
    cache_ok = True


class TenantSettings(TenantScoped, Audited, PkMixin, TimestampMixin, Base):
    """One row per tenant: business settings that other modules read.

    Modules add their columns here (and a field to ``SettingsForm``); the settings page
    renders every form field, so nothing else needs to change.
    """

    __tablename__ = "tenant_settings"
    __table_args__ = (
        UniqueConstraint("tenant_id", name="uq_tenant_settings_tenant_id"),
        CheckConstraint("cashback_rate >= 0 AND cashback_rate <= 100", name="cashback_rate_range"),
        CheckConstraint("cashback_min_order >= 0", name="cashback_min_order_positive"),
        CheckConstraint(
            "default_tax_rate >= 0 AND default_tax_rate <= 100", name="default_tax_rate_range"
        ),
    )

    cashback_rate: Mapped[Decimal] = mapped_column(
        Percent, nullable=False, default=Decimal("5.00"), server_default="5.00"
    )
    cashback_min_order: Mapped[Decimal] = mapped_column(
        Money, nullable=False, default=Decimal("0.00"), server_default="0"
    )
    default_tax_rate: Mapped[Decimal] = mapped_column(
        Percent, nullable=False, default=Decimal("0.00"), server_default="0"
    )


def lower_email(email: str) -> str:
    return email.strip().lower()
