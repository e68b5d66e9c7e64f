"""Readiness checks: the database, Redis and at least one worker's heartbeat."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import text

from webapp.core.jobs import count_workers, get_redis
from webapp.extensions import db


def readiness() -> tuple[bool, dict[str, Any]]:
    checks: dict[str, Any] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # report, never raise: this is a probe
        checks["database"] = f"erro: {type(exc).__name__}"
    finally:
        db.session.rollback()
    if current_app.config["JOBS_INLINE"]:
        checks["redis"] = "não configurado (jobs no próprio processo)"
        checks["worker"] = "no próprio processo"
    else:
        try:
            get_redis().ping()
            checks["redis"] = "ok"
            workers = count_workers()
            checks["worker"] = "ok" if workers else "nenhum worker ativo"
            checks["workers"] = workers
        except Exception as exc:
            checks["redis"] = f"erro: {type(exc).__name__}"
            checks["worker"] = "desconhecido"
    inline = current_app.config["JOBS_INLINE"]
    ready = checks["database"] == "ok" and (
        inline or (checks["redis"] == "ok" and checks["worker"] == "ok")
    )
    return ready, checks
