"""CSV import (background job with progress bar) and streamed CSV export."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, request, stream_with_context
from flask_login import current_user

from webapp.catalog import bp, imports, queries
from webapp.catalog.csv_io import COLUMNS, export_rows
from webapp.core.context import current_tenant_id, tenant_context
from webapp.core.domain import DomainError
from webapp.core.downloads import csv_download
from webapp.core.htmx import render
from webapp.core.models import utcnow
from webapp.core.templating import local_time
from webapp.extensions import db
from webapp.identity.decorators import admin_required


@bp.route("/products/import")
@admin_required
def import_form():
    return render("catalog/import.html", "catalog/_import_form.html", columns=COLUMNS, error=None)


@bp.route("/products/import", methods=["POST"])
@admin_required
def import_upload():
    upload = request.files.get("file")
    raw = upload.read() if upload else b""
    try:
        job = imports.start_import(
            raw, Path(current_app.config["EXPORT_DIR"]) / "imports", current_user
        )
    except DomainError as exc:
        return render(
            "catalog/import.html",
            "catalog/_import_form.html",
            status=exc.status,
            columns=COLUMNS,
            error=exc.message,
        )
    job = imports.get_job(job.id)  # in-process jobs may already be done
    return render("catalog/import.html", "catalog/_import_progress.html", columns=COLUMNS, job=job)


@bp.route("/products/import/<job_id>")
@admin_required
def import_progress(job_id: str):
    job = imports.get_job(job_id)
    if job is None or job.kind != "product_import":
        abort(404)
    response = render(
        "catalog/import.html", "catalog/_import_progress.html", columns=COLUMNS, job=job
    )
    if job.done and request.htmx:
        response.status_code = 286  # htmx: stop polling
    return response


@bp.route("/products/export.csv")
@admin_required
def export_csv():
    filters = queries.ProductFilters.from_args(request.args)
    query = queries.product_query(filters)
    tenant_id = current_tenant_id.get()

    def generate():
        # The response body is produced after the view returns: keep the tenant explicitly.
        with tenant_context(tenant_id):
            products = db.session.scalars(query.execution_options(yield_per=1000))
            yield from export_rows(products)

    filename = f"produtos-{local_time(utcnow()):%Y%m%d-%H%M}.csv"  # the clock the user reads
    return csv_download(stream_with_context(generate()), filename)
