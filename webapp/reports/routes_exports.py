"""Export screens: start a job, a self-refreshing progress panel, the download."""

from __future__ import annotations

from flask import abort, render_template, request, send_file
from flask_login import current_user

from webapp.core.domain import DomainError
from webapp.core.htmx import render
from webapp.reports import abc, bp, exports, services
from webapp.reports.routes import period_from


@bp.route("/exports", methods=["POST"])
def export_start():
    form = request.form
    try:
        period = period_from(form)
        settings = abc.parse_settings(form.get("lead_time"), form.get("excess_days"))
        job = exports.start_export(
            current_user,
            services.scope_for(current_user),
            form.get("report", ""),
            form.get("format", ""),
            period,
            settings,
        )
    except DomainError as exc:
        return render(
            "reports/export.html",
            "reports/_export_error.html",
            status=exc.status,
            message=exc.message,
        )
    job = exports.get_export_job(job.id, current_user)  # in-process jobs may be done already
    return render("reports/export.html", "reports/_export_progress.html", job=job)


@bp.route("/exports/<job_id>")
def export_progress(job_id: str):
    try:
        job = exports.get_export_job(job_id, current_user)
    except DomainError:
        abort(404)
    response = render("reports/export.html", "reports/_export_progress.html", job=job)
    if job.done and request.headers.get("HX-Request"):
        response.status_code = 286  # htmx: stop polling
    return response


@bp.route("/exports/<job_id>/download")
def export_download(job_id: str):
    try:
        file = exports.export_file(job_id, current_user)
    except DomainError as exc:
        return render_template("reports/export_gone.html", message=exc.message), exc.status
    return send_file(
        file.path, mimetype=file.mimetype, as_attachment=True, download_name=file.filename
    )
