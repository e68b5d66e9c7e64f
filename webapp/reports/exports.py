"""Report exports (sales, ABC, ledger) as CSV or XLSX, produced by a background job.

The request only records a :class:`BackgroundJob` and its outbox message; the job streams the
rows from the database straight into the file (``yield_per`` + openpyxl write-only mode), so
memory stays flat whatever the size, and reports progress every ~2%. Files live under
``EXPORT_DIR/<tenant_id>/<job_id>.<ext>`` and expire after ``EXPORT_TTL_HOURS``: the download
answers 410 after that, and expired files are deleted lazily (on every new export and download).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from flask import current_app

from webapp.core.domain import DomainError, NotFound, PermissionDenied, ValidationFailed
from webapp.core.jobs import BackgroundJob, finish_job, report_progress, start_background_job
from webapp.core.models import utcnow
from webapp.core.uow import unit_of_work
from webapp.extensions import db
from webapp.reports import export_sources
from webapp.reports.abc import AbcSettings
from webapp.reports.export_writers import open_writer
from webapp.reports.periods import Period
from webapp.reports.queries import Scope

log = logging.getLogger(__name__)

KIND = "report_export"
TASK = "webapp.reports.tasks.export_report"
REPORTS = {"sales": "vendas", "abc": "curva-abc", "ledger": "extrato-carteiras"}
FORMATS = ("csv", "xlsx")
PROGRESS_STEPS = 50  # one progress update every 2% of the rows


class ExportExpired(DomainError):
    code = "gone"
    status = 410
    default_message = "Este arquivo expirou. Gere a exportação novamente."


@dataclass(frozen=True)
class ExportFile:
    path: Path
    filename: str
    mimetype: str


def start_export(
    actor,
    scope: Scope,
    report: str,
    fmt: str,
    period: Period,
    settings: AbcSettings = AbcSettings(),
) -> BackgroundJob:
    """Queue an export of ``report`` for the period; the job writes the file.

    ``settings`` are the ABC page's alert thresholds, so the exported flags are the ones shown.
    """
    if report not in REPORTS:
        raise ValidationFailed("Relatório desconhecido: use sales, abc ou ledger.", field="report")
    if fmt not in FORMATS:
        raise ValidationFailed("Formato desconhecido: use csv ou xlsx.", field="format")
    if report == "ledger" and scope.seller_id is not None:
        raise PermissionDenied("Só administradores exportam o extrato das carteiras.")
    cleanup_expired()
    with unit_of_work(actor) as uow:
        job = start_background_job(
            uow,
            KIND,
            TASK,
            report=report,
            fmt=fmt,
            date_from=period.first_day.isoformat(),
            date_to=period.last_day.isoformat(),
            seller_id=scope.seller_id,
            lead_time=settings.lead_time_days,
            excess_days=settings.excess_days,
        )
    return job


def export_dir(tenant_id: int) -> Path:
    return Path(current_app.config["EXPORT_DIR"]) / str(tenant_id)


def ttl() -> timedelta:
    return timedelta(hours=int(current_app.config.get("EXPORT_TTL_HOURS", 24)))


def run_export(
    job_id: str,
    tenant_id: int,
    report: str,
    fmt: str,
    period: Period,
    seller_id: int | None = None,
    settings: AbcSettings = AbcSettings(),
) -> dict:
    """The job body: count, stream rows into the file, report progress, finish the job."""
    scope = Scope(tenant_id, seller_id)
    source = export_sources.source(report, scope, period, settings)
    total = source.count()
    report_progress(job_id, 0, f"Gerando {total} linha(s)…")
    target = export_dir(tenant_id)
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{job_id}.{fmt}"
    partial = path.with_suffix(f".{fmt}.part")
    step = max(1, total // PROGRESS_STEPS)
    rows = 0
    with open_writer(fmt, partial, source.columns, source.title) as writer:
        for row in source.rows():
            writer.write(row)
            rows += 1
            if rows % step == 0 and rows < total:
                report_progress(job_id, rows * 100 // total, f"{rows} de {total} linhas…")
    os.replace(partial, path)  # a half-written file is never downloadable
    filename = f"{REPORTS[report]}-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}.{fmt}"
    result = {
        "path": str(path),
        "filename": filename,
        "rows": rows,
        "format": fmt,
        "report": report,
        "expires_at": (utcnow() + ttl()).isoformat(),
    }
    finish_job(job_id, result, f"{rows} linha(s) exportada(s).")
    return result


def get_export_job(job_id: str, viewer) -> BackgroundJob:
    """An export job of the viewer's tenant (auto-scoped); sellers only see their own."""
    job = db.session.get(BackgroundJob, job_id)
    if job is None or job.kind != KIND:
        raise NotFound("Exportação não encontrada.")
    if not viewer.is_admin and job.created_by_id != viewer.id:
        raise NotFound("Exportação não encontrada.")
    return job


def is_expired(job: BackgroundJob, now=None) -> bool:
    return job.finished_at is not None and (now or utcnow()) >= job.finished_at + ttl()


def export_file(job_id: str, viewer) -> ExportFile:
    """The finished file to download: 404 if not ours or not done, 410 once expired."""
    cleanup_expired()
    job = get_export_job(job_id, viewer)
    if job.status != "done" or not job.result:
        raise NotFound("A exportação ainda não terminou.")
    path = Path(job.result["path"])
    if is_expired(job) or not path.exists():
        raise ExportExpired()
    mimetype = (
        "text/csv"
        if job.result["format"] == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return ExportFile(path, job.result["filename"], mimetype)


def cleanup_expired(now: float | None = None) -> int:
    """Delete export files older than the TTL (every tenant). Returns how many."""
    root = Path(current_app.config["EXPORT_DIR"])
    if not root.is_dir():
        return 0
    limit = (now or time.time()) - ttl().total_seconds()
    removed = 0
    for tenant_dir in root.iterdir():
        if not tenant_dir.is_dir() or not tenant_dir.name.isdigit():
            continue  # only export folders (imports keep their own uploads)
        for file in tenant_dir.iterdir():
            try:
                if file.is_file() and file.stat().st_mtime < limit:
                    file.unlink()
                    removed += 1
            except OSError:  # a concurrent cleanup got it first
                log.debug("export cleanup skipped %s", file)
    return removed


def period_from_payload(date_from: str, date_to: str) -> Period:
    from webapp.reports.periods import resolve_period

    return resolve_period(None, date_from, date_to, date.fromisoformat(date_to), _timezone())


def _timezone() -> str:
    return current_app.config.get("TIMEZONE", "America/Sao_Paulo")
