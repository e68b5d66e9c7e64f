"""Unit of work: one transaction per use case, outbox dispatched only after commit.

    with unit_of_work(actor) as uow:
        ...change rows...
        uow.enqueue("webapp.wallet.tasks.credit_cashback", order_id=order.id)

On success the transaction commits once and the outbox rows written inside it are pushed to
the job queue; on any exception everything rolls back and nothing is pushed. A service that
runs inside another service's unit of work joins it instead of committing on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from webapp.core import changes
from webapp.core.context import current_actor_id, current_tenant_id
from webapp.core.models import Base, BigId, PkMixin, UTCDateTime, utcnow


class OutboxMessage(PkMixin, Base):
    """A job to run after the transaction that wrote it commits.

    Deliberately not tenant-scoped: the relay reads every tenant's rows. ``tenant_id`` tells
    the job runner which tenant to act for.
    """

    __tablename__ = "outbox_messages"

    tenant_id: Mapped[int | None] = mapped_column(BigId)
    task: Mapped[str] = mapped_column(String(200), nullable=False)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    actor_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)


@dataclass
class UnitOfWork:
    session: Session
    actor_id: int | None
    outbox: list[OutboxMessage] = field(default_factory=list)
    committed_callbacks: list[Callable[[], None]] = field(default_factory=list)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once this transaction has committed (never after a rollback).

        For side effects other processes must not see early, e.g. live-UI notifications;
        work that must not be lost belongs in :meth:`enqueue` instead.
        """
        self.committed_callbacks.append(callback)

    def enqueue(self, task: str, **payload: Any) -> OutboxMessage:
        """Record background work in this transaction; it is dispatched after commit."""
        tenant_id = current_tenant_id.get()
        message = OutboxMessage(
            task=task,
            payload=payload,
            tenant_id=tenant_id if tenant_id and tenant_id > 0 else None,
            actor_id=self.actor_id,
        )
        self.session.add(message)
        self.outbox.append(message)
        return message


_active: ContextVar[UnitOfWork | None] = ContextVar("active_unit_of_work", default=None)


def active_unit_of_work() -> UnitOfWork | None:
    return _active.get()


@contextmanager
def unit_of_work(actor: Any = None) -> Iterator[UnitOfWork]:
    """One transaction; ``actor`` is a user (or its id) recorded by the audit trail."""
    from webapp.core.jobs import dispatch
    from webapp.extensions import db

    outer = _active.get()
    if outer is not None:
        yield outer  # joined: the outermost unit of work commits or rolls back
        return

    actor_id = getattr(actor, "id", actor)
    uow = UnitOfWork(session=db.session(), actor_id=actor_id or current_actor_id.get())
    uow_token = _active.set(uow)
    actor_token = current_actor_id.set(uow.actor_id)
    try:
        yield uow
        uow.session.commit()
    except BaseException:
        uow.session.rollback()
        raise
    finally:
        current_actor_id.reset(actor_token)
        _active.reset(uow_token)
    # Committed: cached readers of the tables this transaction wrote must recompute.
    changes.publish(changes.take_written_tables(uow.session))
    if uow.outbox:
        dispatch([message.id for message in uow.outbox])
    _run_callbacks(uow.committed_callbacks)


def _run_callbacks(callbacks: list[Callable[[], None]]) -> None:
    import logging

    for callback in callbacks:
        try:
            callback()
        except Exception:  # the data is committed; a failed notification must not undo a 200
            logging.getLogger(__name__).exception("after-commit callback failed")
