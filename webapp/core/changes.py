"""Per-tenant change counters: which tables a tenant's committed transactions wrote.

Readers that cache derived data (the reports) put the counters of the tables they read in
their cache keys, so a cached figure is never served after the data under it changed. Writers
do nothing special: every flush and every ORM-executed INSERT/UPDATE/DELETE notes its table on
the session, and ``unit_of_work`` calls :func:`publish` after its commit (never after a
rollback), one Redis round trip for all the tables the transaction wrote.

Without Redis there are no counters and :func:`versions` answers None: nothing may be cached.
If Redis is unreachable when a commit is published, the counters miss that change; cached
entries therefore also expire (the readers' TTL bounds how stale that can leave them).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from webapp.core.context import ALL_TENANTS, current_tenant_id

log = logging.getLogger(__name__)

_WRITTEN = "written_tables"


@event.listens_for(Session, "after_flush")
def _note_flushed_tables(session: Session, _flush_context) -> None:
    written = session.info.setdefault(_WRITTEN, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table:
            written.add(table)


@event.listens_for(Session, "do_orm_execute")
def _note_executed_tables(state) -> None:
    # Stock and balance moves are single conditional UPDATEs run through session.execute.
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        if table is not None:
            state.session.info.setdefault(_WRITTEN, set()).add(table.name)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


def take_written_tables(session: Session) -> set[str]:
    """The tables written since the last call (the transaction just committed)."""
    return session.info.pop(_WRITTEN, set())


def _key(tenant_id: int, table: str) -> str:
    return f"{current_app.config['REDIS_KEY_PREFIX']}:changes:{tenant_id}:{table}"


def _tenant() -> int | None:
    tenant_id = current_tenant_id.get()
    return tenant_id if tenant_id and tenant_id != ALL_TENANTS else None


def publish(tables: Iterable[str]) -> None:
    """Bump the current tenant's counter of each table (after a commit)."""
    from webapp.core.jobs import get_redis

    tenant_id, tables, redis = _tenant(), sorted(set(tables)), get_redis()
    if tenant_id is None or not tables or redis is None:
        return
    try:
        pipe = redis.pipeline(transaction=False)
        for table in tables:
            pipe.incr(_key(tenant_id, table))
        pipe.execute()
    except RedisError as exc:  # the data is committed; cached readers expire by TTL
        log.warning("change counters not bumped (%s): %s", ", ".join(tables), exc)


def versions(tenant_id: int, tables: Iterable[str]) -> tuple[str | int, ...] | None:
    """(epoch, counter of each table) for the tenant, or None without Redis (or it is down).

    The epoch is a random id kept in Redis: a Redis that lost its data (a restart, a flush)
    starts counting from zero again under a new epoch, so an old version never comes back.
    """
    from webapp.core.jobs import get_redis

    redis = get_redis()
    if redis is None:
        return None
    epoch_key = f"{current_app.config['REDIS_KEY_PREFIX']}:changes:epoch"
    try:
        epoch, *counters = redis.mget([epoch_key, *(_key(tenant_id, t) for t in tables)])
        if epoch is None:
            redis.set(epoch_key, uuid.uuid4().hex, nx=True)
            epoch = redis.get(epoch_key)
    except RedisError:
        return None
    return (epoch.decode(), *(int(value or 0) for value in counters))
