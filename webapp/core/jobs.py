"""Background jobs: outbox dispatch and relay, the RQ worker, job progress.

An outbox row is pushed to RQ right after the transaction that wrote it commits. If Redis
is down the row simply stays undispatched and the relay (run by every ``flask worker``)
pushes it later. The job runner marks the row processed in the same transaction as the
job's own effects, under a row lock, so a message that is delivered twice (relay after a
crash, two workers) takes effect once.

Without Redis (the embedded default) the same runner executes the job in-process right
after commit.

A task that raises is rolled back and logged to the error log. A message nobody watches goes
back to the relay for another attempt; one that drives a :class:`BackgroundJob` (its payload
has a ``job_id``) ends there: the job is marked failed with the error reference, which stops
the progress panel polling, and it is not retried behind the user's back.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

import click
from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from sqlalchemy import JSON, String, Text, bindparam, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.utils import import_string

from webapp.core.cli import CommandError
from webapp.core.context import actor_context, system_context, tenant_context
from webapp.core.models import Base, BigId, UTCDateTime, utcnow
from webapp.core.tenancy import TenantScoped
from webapp.core.uow import OutboxMessage, active_unit_of_work, unit_of_work
from webapp.extensions import db

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RUNNER = "webapp.core.jobs.run_outbox_message"
UNEXPECTED_FAILURE = "A tarefa falhou por um erro inesperado. Tente de novo."

# The wording a failing task chose with fail_job(): on SQLite its write is rolled back with
# the task's transaction, so the runner writes it again once the rollback is done.
_failure_message: ContextVar[str | None] = ContextVar("job_failure_message", default=None)


# --- connections ---------------------------------------------------------------------------


def get_redis() -> Redis | None:
    """The app's Redis client, or None on the embedded default."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("redis_client")
    if client is None:
        client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        current_app.extensions["redis_client"] = client
    return client


def get_queue() -> Queue:
    return Queue(current_app.config["RQ_QUEUE"], connection=get_redis())


# --- dispatch ------------------------------------------------------------------------------


def dispatch(message_ids: list[int]) -> None:
    """Push committed outbox rows to the queue (or run them in-process without Redis)."""
    if current_app.config["JOBS_INLINE"]:
        for message_id in message_ids:
            run_outbox_message(message_id, raise_errors=False)
        # The jobs ran in this very session, partly through UPDATEs behind the ORM's back:
        # whatever the caller still holds (the job record it shows) must be read again.
        db.session.expire_all()
        return
    try:
        queue = get_queue()
        for message_id in message_ids:
            _push(queue, message_id)
    except RedisError as exc:
        # The rows are committed; the relay will push them once Redis is back.
        log.warning("outbox dispatch deferred to relay: %s", exc)


def _enqueue(queue: Queue, message_id: int) -> None:
    # A fresh RQ job id per delivery: a re-delivery must not be mistaken for the old job.
    queue.enqueue(RUNNER, message_id, job_id=f"outbox-{message_id}-{uuid.uuid4().hex[:8]}")


def _push(queue: Queue, message_id: int) -> None:
    _enqueue(queue, message_id)
    with db.engine.begin() as conn:
        conn.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(dispatched_at=utcnow())
        )


def pending_messages_query(now: datetime, stale_after: timedelta):
    """Rows never dispatched, or dispatched long ago and still not processed (lost job)."""
    return (
        select(OutboxMessage.id)
        .where(OutboxMessage.processed_at.is_(None))
        .where(OutboxMessage.attempts < MAX_ATTEMPTS)
        .where(
            or_(
                OutboxMessage.dispatched_at.is_(None),
                OutboxMessage.dispatched_at < now - stale_after,
            )
        )
        .order_by(OutboxMessage.id)
    )


def relay_outbox(limit: int = 500) -> int:
    """Push outbox rows left behind (Redis down, process died). Returns how many."""
    stale_after = timedelta(seconds=current_app.config["OUTBOX_STALE_AFTER"])
    query = pending_messages_query(utcnow(), stale_after).limit(limit)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # several workers relay at once
    with system_context():
        ids = list(db.session.scalars(query))
        if not ids:
            db.session.rollback()
            return 0
        if current_app.config["JOBS_INLINE"]:
            db.session.rollback()
            for message_id in ids:
                run_outbox_message(message_id, raise_errors=False)
            return len(ids)
        queue = get_queue()
        for message_id in ids:
            _enqueue(queue, message_id)
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(dispatched_at=utcnow())
        )
        db.session.commit()
    return len(ids)


# --- running -------------------------------------------------------------------------------


def run_outbox_message(message_id: int, raise_errors: bool = True) -> bool:
    """Run one outbox message's task exactly once. Returns True if it ran now."""
    with system_context():
        message = _claim(db.session, message_id)
    if message is None:
        db.session.rollback()
        return False
    task, payload = message.task, dict(message.payload)
    tenant_id, actor_id = message.tenant_id, message.actor_id
    failure_token = _failure_message.set(None)
    try:
        # The claim above opened this transaction: the task's unit of work commits both.
        with _acting_for(tenant_id, actor_id), unit_of_work(actor_id):
            import_string(task)(**payload)
        return True
    except Exception as exc:
        with _acting_for(tenant_id, actor_id):  # the error log row belongs to the tenant
            _settle_failure(message_id, task, payload.get("job_id"), exc)
        if raise_errors:
            raise
        return False
    finally:
        _failure_message.reset(failure_token)


@contextmanager
def _acting_for(tenant_id: int | None, actor_id: int | None) -> Iterator[None]:
    scope = tenant_context(tenant_id) if tenant_id else system_context()
    with scope, actor_context(actor_id):
        yield


def _settle_failure(message_id: int, task: str, job_id: str | None, exc: Exception) -> None:
    from webapp.core.errors import log_exception

    error_id = log_exception(exc, context={"outbox_message": message_id, "task": task})
    watched = job_id is not None and _mark_failed(job_id, error_id)
    _record_failure(message_id, exc, retry=not watched)


# Built once, run with parameters: a cashback drain claims thousands of messages in a row.
_CLAIM = (
    update(OutboxMessage)
    .where(OutboxMessage.id == bindparam("message_id"), OutboxMessage.processed_at.is_(None))
    .values(processed_at=bindparam("now"), attempts=OutboxMessage.attempts + 1)
    .returning(
        OutboxMessage.task,
        OutboxMessage.payload,
        OutboxMessage.tenant_id,
        OutboxMessage.actor_id,
    )
    .execution_options(synchronize_session=False)
)


def _claim(session, message_id: int):
    """Mark the row processed and return what it asks for; None if another run already did.

    One conditional UPDATE, in the transaction the task then commits (a failed task rolls
    the claim back): it takes the row lock, and a second run waiting on that lock finds
    ``processed_at`` set once the first commits, so it claims nothing. It also reads the
    task, so a job costs no lookup before it (a cashback drain runs thousands in a row).
    """
    return session.execute(_CLAIM, {"message_id": message_id, "now": utcnow()}).first()


def _record_failure(message_id: int, exc: Exception, retry: bool) -> None:
    """Note the error; ``retry`` hands the row back to the relay, else it is settled."""
    db.session.rollback()
    settled = {"dispatched_at": None} if retry else {"processed_at": utcnow()}
    with db.engine.begin() as conn:
        conn.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(
                attempts=OutboxMessage.attempts + 1,
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
                **settled,
            )
        )


# --- progress of long jobs (imports, exports) ---------------------------------------------


class BackgroundJob(TenantScoped, Base):
    """A long job a user waits for: status and progress shown by a polling partial."""

    __tablename__ = "background_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="queued")
    progress: Mapped[int] = mapped_column(nullable=False, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def done(self) -> bool:
        return self.status in {"done", "failed"}


def start_background_job(uow, kind: str, task: str, **payload: Any) -> BackgroundJob:
    """Create a job record and its outbox message in the caller's unit of work."""
    job = BackgroundJob(id=str(uuid.uuid4()), kind=kind, created_by_id=uow.actor_id)
    uow.session.add(job)
    uow.enqueue(task, job_id=job.id, **payload)
    return job


def _update_job(job_id: str, **values: Any) -> bool:
    """Write the job row; True if it exists."""
    statement = update(BackgroundJob).where(BackgroundJob.id == job_id).values(**values)
    uow = active_unit_of_work()
    if uow is not None and db.engine.dialect.name == "sqlite":
        # SQLite has one writer: the job's own transaction already holds the write lock
        # (its outbox claim), so a second connection would wait and fail. Jobs there run
        # in-process and synchronously, so nobody polls meanwhile; progress lands on commit.
        return uow.session.execute(statement).rowcount > 0
    # Own short transaction: progress must be visible while the job's work is uncommitted.
    with db.engine.begin() as conn:
        return conn.execute(statement).rowcount > 0


def report_progress(job_id: str, progress: int, message: str | None = None) -> None:
    _update_job(job_id, status="running", progress=max(0, min(100, progress)), message=message)


def finish_job(job_id: str, result: dict | None = None, message: str | None = None) -> None:
    _update_job(
        job_id, status="done", progress=100, result=result, message=message, finished_at=utcnow()
    )


def fail_job(job_id: str, message: str) -> None:
    """Mark the job failed; if the task then raises, the runner keeps ``message``."""
    _failure_message.set(message)
    _update_job(job_id, status="failed", message=message, finished_at=utcnow())


def _mark_failed(job_id: str, error_id: str) -> bool:
    """After the task's rollback: the job failed, with the error log's reference."""
    wording = _failure_message.get() or UNEXPECTED_FAILURE
    message = f"{wording} Referência do erro: {error_id}."
    return _update_job(job_id, status="failed", message=message, finished_at=utcnow())


# --- worker --------------------------------------------------------------------------------


class AppContextWorker(SimpleWorker):
    """Runs each job in a fresh app context so every job gets a clean database session."""

    flask_app: Flask

    def execute_job(self, job, queue):
        with self.flask_app.app_context():
            return super().execute_job(job, queue)


def _relay_forever(app: Flask, interval: int, stop: threading.Event) -> None:
    while not stop.wait(interval):
        try:
            with app.app_context():
                relay_outbox()
        except Exception:  # keep relaying; the next round retries
            log.exception("outbox relay round failed")


def count_workers() -> int:
    from rq import Worker

    return Worker.count(connection=get_redis(), queue=get_queue())


@click.command("worker")
@click.option("--burst", is_flag=True, help="Sai quando a fila estiver vazia.")
def worker_command(burst: bool) -> None:
    """Worker RQ (e o repasse da outbox) no contexto da aplicação; vários podem rodar."""
    app = current_app._get_current_object()
    if app.config["JOBS_INLINE"]:
        raise CommandError("REDIS_URL não configurada: os jobs rodam no próprio processo.")
    try:
        get_redis().ping()
    except RedisError as exc:
        raise CommandError(
            "Não foi possível conectar ao Redis de REDIS_URL;"
            " confira o endereço e se o servidor está no ar."
        ) from exc
    stop = threading.Event()
    relay = threading.Thread(
        target=_relay_forever,
        args=(app, app.config["OUTBOX_RELAY_INTERVAL"], stop),
        daemon=True,
        name="outbox-relay",
    )
    with app.app_context():
        relay_outbox()
    relay.start()
    worker = AppContextWorker([get_queue()], connection=get_redis())
    worker.flask_app = app
    try:
        worker.work(burst=burst, logging_level=app.config["LOG_LEVEL"])
    finally:
        stop.set()
