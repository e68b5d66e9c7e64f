"""Progress jobs that fail: the job ends failed with the error reference, whatever ran it
(in-process on SQLite or an RQ worker), and every kind of progress job gets that."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import TEST_REDIS_URL, in_tenant, run_queued_jobs
from webapp.core import jobs
from webapp.core.errors import ErrorLog
from webapp.core.tenancy import Tenant
from webapp.core.uow import OutboxMessage, unit_of_work
from webapp.extensions import db
from webapp.reports import exports

HX = {"HX-Request": "true"}
REFERENCE = re.compile(r"Referência do erro: ([0-9A-F]{12})\.")


def stored_job(app, job_id: str) -> jobs.BackgroundJob:
    with in_tenant(app):
        job = db.session.get(jobs.BackgroundJob, job_id)
        db.session.expunge(job)
    return job


def test_a_task_that_raises_ends_its_job_failed_and_is_not_retried(app, tenant):
    with in_tenant(app, tenant.tenant_id), unit_of_work(tenant.id) as uow:
        job_id = jobs.start_background_job(uow, "test", "tests.core.tasks.explode_in_job").id
    run_queued_jobs(app)
    job = stored_job(app, job_id)
    assert job.status == "failed" and job.done and job.finished_at is not None
    assert job.message.startswith(jobs.UNEXPECTED_FAILURE)
    error_id = REFERENCE.search(job.message).group(1)
    with in_tenant(app):
        logged = db.session.get(ErrorLog, error_id)
        assert logged.tenant_id == tenant.tenant_id and logged.user_id == tenant.id
        assert db.session.get(Tenant, tenant.tenant_id).name == "Loja Teste"  # rolled back
        [message] = db.session.scalars(select(OutboxMessage))
        assert message.processed_at is not None and "de propósito" in message.last_error
        assert jobs.relay_outbox() == 0


@pytest.mark.skipif(bool(TEST_REDIS_URL), reason="embedded default only")
def test_a_failed_message_without_a_job_is_still_retried_in_process(app, tenant):
    with in_tenant(app, tenant.tenant_id), unit_of_work() as uow:
        uow.enqueue("tests.core.tasks.explode", tenant_id=tenant.tenant_id)
    with in_tenant(app):
        [message] = db.session.scalars(select(OutboxMessage))
        assert message.processed_at is None and message.attempts == 1
        assert jobs.relay_outbox() == 1


def test_a_failing_report_export_shows_failed_and_stops_polling(app, tenant, login_as, monkeypatch):
    def broken_export(*args, **kwargs):
        raise RuntimeError("planilha corrompida")

    monkeypatch.setattr(exports, "run_export", broken_export)
    client = login_as("admin")
    form = {"report": "sales", "format": "csv", "from": "2025-03-01", "to": "2025-03-31"}
    assert client.post("/reports/exports", data=form, headers=HX).status_code == 200
    run_queued_jobs(app)
    with in_tenant(app):
        [job_id] = db.session.scalars(select(jobs.BackgroundJob.id))
    panel = client.get(f"/reports/exports/{job_id}", headers=HX)
    html = panel.get_data(as_text=True)
    assert panel.status_code == 286
    assert 'data-status="failed"' in html and "hx-trigger" not in html
    assert "A exportação falhou por um erro inesperado." in html
    assert REFERENCE.search(html)
