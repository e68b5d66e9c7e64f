"""Audit screens' queries: a record's history, the global history and the error log.

Read-only. Audit entries are tenant-scoped, so every query here sees only the current
tenant's rows; the error log is not, so its functions take ``tenant_id`` explicitly.

A "Histórico" tab on another module's detail page is one line in the route and one in the
template::

    history = audit_services.history_for("customers", customer.id, page=request.args.get("page"))

    {% include "audit/_entries.html" %}     {# renders ``history`` from the context #}

or, to choose options, ``{% from "audit/_entries.html" import audit_history with context %}`` and
``{{ audit_history(history, more_url=url_for(...), show_record=False) }}``. Children filed under
the record with ``__audit_parent__`` (a customer's addresses) are included. Labels for your
table's columns: ``webapp.audit.labels.register_labels``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import Select, and_, or_, select

from webapp.audit.labels import ACTIONS
from webapp.core.audit import AuditEntry
from webapp.core.days import day_bounds
from webapp.core.domain import NotFound, ValidationFailed
from webapp.core.errors import ErrorLog
from webapp.core.pagination import Page, clamp, paginate
from webapp.core.tenancy import require_tenant_id
from webapp.extensions import db
from webapp.identity.models import User

ERROR_ID_CHARS = re.compile(r"[^0-9A-F]")


@dataclass(frozen=True)
class HistoryItem:
    entry: AuditEntry
    actor_name: str | None  # None: a system change, or the user no longer exists


@dataclass
class RecordHistory(Page[HistoryItem]):
    """A page of one record's history; knows its record so the partial can load more."""

    table_name: str = ""
    record_id: str = ""
    include_children: bool = True


@dataclass(frozen=True)
class ErrorItem:
    error: ErrorLog
    user_name: str | None


def history_for(
    table_name: str,
    record_id: Any,
    include_children: bool = True,
    page: Any = 1,
    per_page: Any = 20,
) -> Page[HistoryItem]:
    """Changes to one record (and to the rows filed under it), newest first."""
    page, per_page = clamp(page, per_page, default_per_page=20)
    record_id = str(record_id)
    query = _history_query().where(_record_clause(table_name, record_id, include_children))
    found = paginate(db.session, query, page, per_page, count=True, wrap=HistoryItem)
    return RecordHistory(
        items=found.items,
        page=found.page,
        per_page=found.per_page,
        total=found.total,
        table_name=table_name,
        record_id=record_id,
        include_children=include_children,
    )


def search_history(
    table: str | None = None,
    record_id: Any = None,
    actor_id: int | None = None,
    action: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: Any = 1,
    per_page: Any = 25,
    count: bool = True,
) -> Page[HistoryItem]:
    """The tenant's audit trail, filtered; dates are whole local days (America/Sao_Paulo).

    With both ``table`` and ``record_id`` the rows filed under that record are included,
    as on the record's own history tab.
    """
    if action and action not in ACTIONS:
        raise ValidationFailed("Escolha uma ação da lista.", field="action")
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed(
            "A data final deve ser igual ou posterior à inicial.", field="date_to"
        )
    page, per_page = clamp(page, per_page)
    query = _history_query()
    record_id = str(record_id).strip() if record_id not in (None, "") else None
    if table and record_id:
        query = query.where(_record_clause(table, record_id, include_children=True))
    elif table:
        query = query.where(AuditEntry.table_name == table)
    elif record_id:
        query = query.where(AuditEntry.record_id == record_id)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if action:
        query = query.where(AuditEntry.action == action)
    start, end = day_bounds(date_from, date_to, current_app.config["TIMEZONE"])
    if start is not None:
        query = query.where(AuditEntry.created_at >= start)
    if end is not None:
        query = query.where(AuditEntry.created_at < end)
    return paginate(db.session, query, page, per_page, count=count, wrap=HistoryItem)


def audited_tables() -> list[str]:
    """Table names that have at least one audit entry in this tenant (the entity filter).

    A DISTINCT would read every entry of the tenant (0.3 s at 3,000,000 entries, on every
    view of the page). This hops from one name to the next along ix_audit_entries_record,
    one index probe per table: the "loose index scan" PostgreSQL does not do by itself.
    """
    entries, tenant_id = AuditEntry.__table__, require_tenant_id()

    def first_name(after=None) -> Select:
        query = select(entries.c.table_name).where(entries.c.tenant_id == tenant_id)
        if after is not None:
            query = query.where(entries.c.table_name > after)
        return query.order_by(entries.c.table_name).limit(1)

    first = first_name().subquery()
    names = select(first.c.table_name).cte("names", recursive=True)
    following = first_name(after=names.c.table_name).scalar_subquery()
    names = names.union_all(select(following).where(names.c.table_name.is_not(None)))
    query = select(names.c.table_name).where(names.c.table_name.is_not(None))
    return list(db.session.scalars(query))


def tenant_users() -> list[tuple[int, str]]:
    """(id, name) of the tenant's users, for the "who" filter."""
    query = select(User.id, User.name).order_by(User.name, User.id)
    return [(row.id, row.name) for row in db.session.execute(query)]


def list_errors(
    tenant_id: int, error_id: str | None = None, page: Any = 1, per_page: Any = 25
) -> Page[ErrorItem]:
    """The tenant's error log, newest first; ``error_id`` matches the id shown to users."""
    page, per_page = clamp(page, per_page)
    query = _errors_query(tenant_id)
    if needle := normalize_error_id(error_id):
        query = query.where(ErrorLog.id.startswith(needle, autoescape=True))
    return paginate(db.session, query, page, per_page, count=True, wrap=ErrorItem)


def get_error(tenant_id: int, error_id: str) -> ErrorItem:
    """One error of this tenant; another tenant's (or an anonymous) error is NotFound."""
    query = _errors_query(tenant_id).where(ErrorLog.id == normalize_error_id(error_id))
    row = db.session.execute(query).first()
    if row is None:
        raise NotFound("Erro não encontrado.")
    return ErrorItem(*row)


def normalize_error_id(raw: str | None) -> str:
    """Users read the id off a page: accept lower case, spaces and stray punctuation."""
    return ERROR_ID_CHARS.sub("", (raw or "").upper())[:12]


# --- helpers -------------------------------------------------------------------------------


def _history_query() -> Select:
    return (
        select(AuditEntry, User.name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )


def _record_clause(table_name: str, record_id: str, include_children: bool):
    own = and_(AuditEntry.table_name == table_name, AuditEntry.record_id == record_id)
    if not include_children:
        return own
    children = and_(AuditEntry.parent_table == table_name, AuditEntry.parent_id == record_id)
    return or_(own, children)


def _errors_query(tenant_id: int) -> Select:
    # ErrorLog is not tenant-scoped (it is written when the tenant may be unknown), so the
    # tenant filter is explicit here. Rows with tenant_id NULL (anonymous requests, jobs
    # without a tenant) are never listed: nothing ties them to one company, and they may
    # carry another company's data in their message or traceback, so no tenant's admin may
    # read them; operators read them from the database or the server logs.
    return (
        select(ErrorLog, User.name)
        .outerjoin(User, User.id == ErrorLog.user_id)
        .where(ErrorLog.tenant_id == tenant_id)
        .order_by(ErrorLog.created_at.desc(), ErrorLog.id.desc())
    )
