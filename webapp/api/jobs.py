"""Background job status (SPEC 8): GET /jobs/{id} -> status, progress, download_url."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from webapp.core.domain import NotFound
from webapp.core.jobs import BackgroundJob
from webapp.extensions import db
from webapp.reports import exports

blp = Blueprint("api_jobs", __name__, description="Acompanhamento de tarefas em segundo plano")


class JobSchema(Schema):
    id = fields.String()
    kind = fields.String()
    status = fields.String(metadata={"description": "queued, running, done ou failed"})
    progress = fields.Integer(metadata={"description": "0 a 100"})
    message = fields.String(allow_none=True)
    download_url = fields.String(allow_none=True)
    expires_at = fields.String(allow_none=True)


@blp.route("/<job_id>")
class Job(MethodView):
    @blp.response(200, JobSchema)
    def get(self, job_id: str):
        """A job of the caller's tenant (404 otherwise); download_url once an export is done."""
        job = db.session.get(BackgroundJob, job_id)  # auto-scoped: another tenant's is None
        if job is None or (not current_user.is_admin and job.created_by_id != current_user.id):
            raise NotFound("Tarefa não encontrada.")
        download = None
        expires = None
        if job.kind == exports.KIND and job.status == "done" and job.result:
            expires = job.result.get("expires_at")
            if not exports.is_expired(job):
                download = url_for("reports.export_download", job_id=job.id)
        return {
            "id": job.id,
            "kind": job.kind,
            "status": job.status,
            "progress": job.progress,
            "message": job.message,
            "download_url": download,
            "expires_at": expires,
        }
