"""Tasks used by the job tests: visible, non-idempotent effects on a tenant's name."""

from webapp.core.tenancy import Tenant
from webapp.extensions import db


def append_mark(tenant_id: int, mark: str = "!") -> None:
    tenant = db.session.get(Tenant, tenant_id)
    tenant.name = tenant.name + mark


def explode(tenant_id: int) -> None:
    raise RuntimeError("tarefa falhou de propósito")


def report_twice(job_id: str) -> None:
    from webapp.core.jobs import finish_job, report_progress

    report_progress(job_id, 50, "metade")
    db.session.get(Tenant, 1)  # the job's own work goes on in its transaction
    finish_job(job_id, {"ok": True})


def append_mark_slowly(tenant_id: int, mark: str = "!") -> None:
    """append_mark, then hold the transaction (and its outbox claim) open a moment."""
    import time

    append_mark(tenant_id, mark)
    time.sleep(0.3)


def explode_in_job(job_id: str) -> None:
    """A progress job whose task breaks halfway, after touching the database."""
    from webapp.core.jobs import report_progress

    report_progress(job_id, 40, "quase lá")
    append_mark(1)
    raise RuntimeError("tarefa falhou de propósito")
