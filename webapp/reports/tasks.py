"""Background jobs of the reports module (run by the outbox runner in the tenant's context)."""

from __future__ import annotations

from webapp.core.context import current_tenant_id
from webapp.core.jobs import fail_job
from webapp.reports import exports
from webapp.reports.abc import DEFAULT_EXCESS_DAYS, DEFAULT_LEAD_TIME, AbcSettings


def export_report(
    job_id: str,
    report: str,
    fmt: str,
    date_from: str,
    date_to: str,
    seller_id: int | None = None,
    lead_time: int = DEFAULT_LEAD_TIME,
    excess_days: int = DEFAULT_EXCESS_DAYS,
) -> None:
    """Write the export file. On a failure the runner marks the job failed, in these words
    and with the error log's reference; the user asks for the export again.

    The ABC thresholds have defaults: messages queued before they were sent still run."""
    try:
        period = exports.period_from_payload(date_from, date_to)
        settings = AbcSettings(lead_time, excess_days)
        tenant_id = current_tenant_id.get()
        exports.run_export(job_id, tenant_id, report, fmt, period, seller_id, settings)
    except Exception:
        fail_job(job_id, "A exportação falhou por um erro inesperado. Tente gerar de novo.")
        raise
