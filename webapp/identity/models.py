"""Users and their browser sessions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.audit import Audited
from webapp.core.models import Base, BigId, PkMixin, TimestampMixin, UTCDateTime, utcnow
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


def lower_email(email: str) -> str:
    return email.strip().lower()
