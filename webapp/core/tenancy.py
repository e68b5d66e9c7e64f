"""Tenants and automatic tenant scoping of every ORM query.

Every business model inherits :class:`TenantScoped`. A ``do_orm_execute`` listener adds
``tenant_id = <current tenant>`` to every SELECT, UPDATE and DELETE issued through the ORM, and a
``before_flush`` listener stamps new rows with the current tenant. Querying a scoped model
with no tenant in context is an error rather than a silent cross-tenant read; system code
opts out with ``system_context()`` or ``execution_options(all_tenants=True)``.
"""

from __future__ import annotations

from datetime import datetime
from weakref import WeakKeyDictionary

from sqlalchemy import ForeignKey, String, bindparam, event
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, with_loader_criteria

from webapp.core.context import ALL_TENANTS, current_tenant_id
from webapp.core.models import Base, BigId, PkMixin, UTCDateTime, utcnow


class TenantNotSet(RuntimeError):
    """A tenant-scoped query ran with no tenant in context (a bug, never user input)."""


class Tenant(PkMixin, Base):
    __tablename__ = "tenants"

    name: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    def __repr__(self) -> str:
        return f"<Tenant {self.id} {self.name!r}>"


class TenantScoped:
    """Mixin for rows that belong to one tenant."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805 - SQLAlchemy declared_attr signature
        return mapped_column(
            BigId, ForeignKey("tenants.id", ondelete="RESTRICT"), nullable=False, index=True
        )


def require_tenant_id() -> int:
    """The tenant of the current context; raises if none (or 'all') is set."""
    tenant_id = current_tenant_id.get()
    if tenant_id is None or tenant_id == ALL_TENANTS:
        raise TenantNotSet("no tenant in context")
    return tenant_id


def _touches_scoped_model(statement) -> bool:
    descriptions = getattr(statement, "column_descriptions", None) or []
    return any(
        isinstance(desc.get("entity"), type) and issubclass(desc["entity"], TenantScoped)
        for desc in descriptions
    )


# One criteria option for every tenant and statement. Its bound parameter reads the tenant
# from the context each time a statement executes, so cached statements stay correct for
# every tenant. The usual recipe, a lambda closing over the tenant id, made SQLAlchemy build
# a new option and re-run the lambda to extract the id on every statement (about 65 us, a
# fifth of a simple query's Python time).
# Lazy loads and refreshes carry the option too: they run for the tenant in context when
# they execute, and raise TenantNotSet when there is none.
_TENANT_ID = bindparam("scoped_tenant_id", callable_=require_tenant_id)
_TENANT_CRITERIA = with_loader_criteria(
    TenantScoped, lambda cls: cls.tenant_id == _TENANT_ID, include_aliases=True
)


# The scoped copy of each statement, for as long as the statement lives. A statement built
# once at import time and run with parameters is then scoped once, and its SQL cache key,
# which SQLAlchemy memoizes on the statement object, is computed once instead of on every
# run (about 80 us for a checkout's stock UPDATE). Statements are immutable, and the
# tenant is read when the statement executes, so one copy serves every tenant.
_scoped_copies: WeakKeyDictionary = WeakKeyDictionary()


def _scoped(statement):
    scoped = _scoped_copies.get(statement)
    if scoped is None:
        scoped = _scoped_copies[statement] = statement.options(_TENANT_CRITERIA)
    return scoped


@event.listens_for(Session, "do_orm_execute")
def _scope_to_tenant(state) -> None:
    if state.is_column_load or state.is_relationship_load:
        return  # already constrained by the top-level statement that loaded the parent
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get("all_tenants"):
        return
    tenant_id = current_tenant_id.get()
    if tenant_id == ALL_TENANTS:
        return
    if tenant_id is None:
        if _touches_scoped_model(state.statement):
            raise TenantNotSet("tenant-scoped query with no tenant in context")
        return
    state.statement = _scoped(state.statement)


@event.listens_for(Session, "before_flush")
def _stamp_tenant(session: Session, flush_context, instances) -> None:
    tenant_id = current_tenant_id.get()
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if obj.tenant_id is None:
            if tenant_id is None or tenant_id == ALL_TENANTS:
                raise TenantNotSet(f"new {type(obj).__name__} with no tenant in context")
            obj.tenant_id = tenant_id
        elif tenant_id not in (None, ALL_TENANTS) and obj.tenant_id != tenant_id:
            raise TenantNotSet(f"{type(obj).__name__} written for another tenant")
