"""Automatic audit history of critical records.

Models inheriting :class:`Audited` get one ``audit_entries`` row per create, update or delete,
with JSON before/after of the changed columns, the actor and the request id. The rows are
written by an ``after_flush`` listener on the same connection, so they commit or roll back
together with the change they describe.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, Index, String, event, insert, inspect
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, Session, mapped_column

from webapp.core.context import current_actor_id, current_request_id
from webapp.core.models import Base, PkMixin, UTCDateTime, utcnow
from webapp.core.tenancy import TenantScoped

JsonType = JSON().with_variant(JSONB(), "postgresql")

# Never stored, whatever a model declares: these names carry secrets.
SECRET_MARKERS = ("password", "secret", "token", "hash")
# Bookkeeping columns that change on every write and say nothing to a reader.
IGNORED_COLUMNS = {"updated_at"}


class AuditEntry(TenantScoped, PkMixin, Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_record", "tenant_id", "table_name", "record_id"),
        Index("ix_audit_entries_parent", "tenant_id", "parent_table", "parent_id"),
        Index("ix_audit_entries_tenant_created", "tenant_id", "created_at"),
    )

    table_name: Mapped[str] = mapped_column(String(64), nullable=False)
    record_id: Mapped[str] = mapped_column(String(64), nullable=False)
    parent_table: Mapped[str | None] = mapped_column(String(64))
    parent_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(10), nullable=False)  # create|update|delete
    before: Mapped[dict | None] = mapped_column(JsonType)
    after: Mapped[dict | None] = mapped_column(JsonType)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    request_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Audited:
    """Mixin: changes to this model are recorded in ``audit_entries``.

    ``__audit_exclude__`` names extra columns to leave out; ``__audit_parent__`` =
    ``("customers", "customer_id")`` files the entry under a parent record's history too.
    """

    __audit_exclude__: ClassVar[frozenset[str]] = frozenset()
    __audit_parent__: ClassVar[tuple[str, str] | None] = None


def to_json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _is_recorded(obj: Audited, key: str) -> bool:
    lowered = key.lower()
    if any(marker in lowered for marker in SECRET_MARKERS):
        return False
    return key not in IGNORED_COLUMNS and key not in obj.__audit_exclude__


def _snapshot(obj: Audited) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {
        attr.key: to_json_value(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if _is_recorded(obj, attr.key)
    }


def _changes(obj: Audited) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if not _is_recorded(obj, attr.key):
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        before[attr.key] = to_json_value(old)
        after[attr.key] = to_json_value(new)
    return before, after


def _row(obj: Audited, action: str, before, after) -> dict[str, Any]:
    parent_table, parent_id = None, None
    if obj.__audit_parent__:
        parent_table, parent_column = obj.__audit_parent__
        parent_value = getattr(obj, parent_column)
        parent_id = None if parent_value is None else str(parent_value)
    return {
        "tenant_id": obj.tenant_id,
        "table_name": obj.__tablename__,
        "record_id": str(inspect(obj).identity[0] if inspect(obj).identity else obj.id),
        "parent_table": parent_table,
        "parent_id": parent_id,
        "action": action,
        "before": before,
        "after": after,
        "actor_id": current_actor_id.get(),
        "request_id": current_request_id.get(),
        "created_at": utcnow(),
    }


@event.listens_for(Session, "after_flush")
def _write_audit_entries(session: Session, flush_context) -> None:
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if isinstance(obj, Audited):
            rows.append(_row(obj, "create", None, _snapshot(obj)))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                rows.append(_row(obj, "update", before, after))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            rows.append(_row(obj, "delete", _snapshot(obj), None))
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)
