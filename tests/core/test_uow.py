"""Unit of work + outbox: nothing from a failed use case, exactly once after commit."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from redis import Redis
from sqlalchemy import create_engine, select, text

from tests.conftest import TEST_REDIS_URL, in_tenant, requires_postgres, requires_redis
from webapp.core import jobs
from webapp.core.tenancy import Tenant
from webapp.core.uow import OutboxMessage, unit_of_work
from webapp.extensions import db
from webapp.identity.models import User

TASK = "tests.core.tasks.append_mark"


def tenant_name(app, tenant_id: int) -> str:
    with in_tenant(app):
        return db.session.get(Tenant, tenant_id).name


def outbox_rows(app) -> list[OutboxMessage]:
    with in_tenant(app):
        rows = list(db.session.scalars(select(OutboxMessage)))
        db.session.expunge_all()
    return rows


class Boom(Exception):
    pass


def test_failed_use_case_leaves_no_trace_and_dispatches_nothing(app, tenant, monkeypatch):
    dispatched: list[list[int]] = []
    monkeypatch.setattr(jobs, "dispatch", lambda ids: dispatched.append(ids))
    with in_tenant(app, tenant.tenant_id), pytest.raises(Boom), unit_of_work() as uow:
        user = db.session.get(User, tenant.id)
        user.name = "Nome que não pode ficar"
        uow.enqueue(TASK, tenant_id=tenant.tenant_id)
        raise Boom()
    assert dispatched == []
    assert outbox_rows(app) == []
    with in_tenant(app, tenant.tenant_id):
        assert db.session.get(User, tenant.id).name == "Admin Teste"


def test_success_dispatches_once_after_commit(app, tenant, monkeypatch, database_url):
    seen: list[tuple[list[int], int]] = []
    probe = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])

    def spy(ids):
        # Another connection must already see the rows: dispatch happens after commit.
        with probe.connect() as conn:
            visible = conn.execute(text("SELECT count(*) FROM outbox_messages")).scalar()
        seen.append((ids, visible))

    monkeypatch.setattr(jobs, "dispatch", spy)
    with in_tenant(app, tenant.tenant_id), unit_of_work() as uow:
        message = uow.enqueue(TASK, tenant_id=tenant.tenant_id)
    probe.dispose()
    assert seen == [([message.id], 1)]


def test_nested_unit_of_work_joins_the_outer_transaction(app, tenant):
    with in_tenant(app, tenant.tenant_id), pytest.raises(Boom), unit_of_work():
        with unit_of_work() as inner:
            db.session.get(User, tenant.id).name = "Interno"
            inner.enqueue(TASK, tenant_id=tenant.tenant_id)
        raise Boom()
    assert outbox_rows(app) == []
    with in_tenant(app, tenant.tenant_id):
        assert db.session.get(User, tenant.id).name == "Admin Teste"


@pytest.mark.skipif(bool(TEST_REDIS_URL), reason="embedded default only")
def test_inline_jobs_run_in_process_right_after_commit(app, tenant):
    with in_tenant(app, tenant.tenant_id), unit_of_work() as uow:
        uow.enqueue(TASK, tenant_id=tenant.tenant_id)
    assert tenant_name(app, tenant.tenant_id) == "Loja Teste!"
    [row] = outbox_rows(app)
    assert row.processed_at is not None


def run_worker_burst(app) -> None:
    with app.app_context():
        worker = jobs.AppContextWorker([jobs.get_queue()], connection=jobs.get_redis())
        worker.flask_app = app
        worker.work(burst=True)


@requires_redis
def test_job_is_queued_once_and_runs_once_even_if_delivered_twice(app, tenant):
    with in_tenant(app, tenant.tenant_id), unit_of_work() as uow:
        message = uow.enqueue(TASK, tenant_id=tenant.tenant_id)
    with app.app_context():
        assert jobs.get_queue().count == 1
        # Simulate a duplicate delivery (relay after a crash, two workers).
        jobs.get_queue().enqueue(jobs.RUNNER, message.id)
    run_worker_burst(app)
    assert tenant_name(app, tenant.tenant_id) == "Loja Teste!"
    [row] = outbox_rows(app)
    assert row.processed_at is not None and row.dispatched_at is not None


@requires_postgres
def test_one_message_run_by_two_workers_at_once_takes_effect_once(app, tenant):
    with in_tenant(app, tenant.tenant_id), unit_of_work() as uow:
        message = uow.enqueue("tests.core.tasks.append_mark_slowly", tenant_id=tenant.tenant_id)
    both_ready = threading.Barrier(2)

    def run(_worker: int) -> bool:
        with app.app_context():
            both_ready.wait()
            return jobs.run_outbox_message(message.id)

    with ThreadPoolExecutor(max_workers=2) as pool:
        ran = list(pool.map(run, range(2)))
    assert sorted(ran) == [False, True]
    assert tenant_name(app, tenant.tenant_id) == "Loja Teste!"
    [row] = outbox_rows(app)
    assert row.attempts == 1


@requires_redis
def test_redis_down_commit_still_succeeds_and_relay_dispatches_later(app, tenant, monkeypatch):
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    monkeypatch.setattr(jobs, "get_redis", lambda: dead)
    with in_tenant(app, tenant.tenant_id), unit_of_work() as uow:
        uow.enqueue(TASK, tenant_id=tenant.tenant_id)
    [row] = outbox_rows(app)
    assert row.dispatched_at is None and row.processed_at is None

    monkeypatch.undo()  # Redis is back
    with app.app_context():
        assert jobs.relay_outbox() == 1
        assert jobs.relay_outbox() == 0  # already dispatched: not pushed twice
    run_worker_burst(app)
    assert tenant_name(app, tenant.tenant_id) == "Loja Teste!"


@requires_redis
def test_failed_job_is_recorded_and_retried_by_the_relay(app, tenant):
    with in_tenant(app, tenant.tenant_id), unit_of_work() as uow:
        uow.enqueue("tests.core.tasks.explode", tenant_id=tenant.tenant_id)
    run_worker_burst(app)
    [row] = outbox_rows(app)
    assert row.processed_at is None
    assert row.attempts == 1 and "falhou de propósito" in row.last_error
    with app.app_context():
        assert jobs.relay_outbox() == 1  # failed rows go back to the queue


def test_after_commit_callbacks_run_only_after_a_commit(app, tenant):
    calls: list[str] = []
    with in_tenant(app, tenant.tenant_id):
        with unit_of_work() as uow:
            uow.after_commit(lambda: calls.append("committed"))
            with unit_of_work() as inner:  # a joined service registers on the outer one
                inner.after_commit(lambda: calls.append("joined"))
            assert calls == []
        assert calls == ["committed", "joined"]
        try:
            with unit_of_work() as uow:
                uow.after_commit(lambda: calls.append("rolled back"))
                raise RuntimeError("falha")
        except RuntimeError:
            pass
    assert calls == ["committed", "joined"]


def test_job_progress_reported_from_inside_a_running_job(app, tenant):
    # On SQLite the job's transaction holds the only write lock; progress must not deadlock.
    with in_tenant(app, tenant.tenant_id):
        with unit_of_work() as uow:
            job = jobs.start_background_job(uow, "test", "tests.core.tasks.report_twice")
        job_id = job.id
    if not TEST_REDIS_URL:
        with in_tenant(app, tenant.tenant_id):
            stored = db.session.get(jobs.BackgroundJob, job_id)
            assert (stored.status, stored.progress, stored.result) == ("done", 100, {"ok": True})
