"""Background jobs of the catalog (run by the outbox runner in the tenant's context)."""

from __future__ import annotations

import logging
from pathlib import Path

from webapp.catalog.imports import run_import
from webapp.core.jobs import fail_job

log = logging.getLogger(__name__)


def import_products(job_id: str, path: str) -> None:
    """Import a stored CSV upload: every row or none; the upload is removed once done."""
    try:
        run_import(job_id, path)
    except Exception:
        # The runner rolls back, logs the error and adds its reference to this message.
        fail_job(job_id, "A importação falhou: erro inesperado. Nenhum produto foi importado.")
        raise
    finally:
        # A failed import is not retried (the user sends the file again): the upload goes too.
        _remove_upload(path)


def _remove_upload(path: str) -> None:
    try:
        Path(path).unlink(missing_ok=True)
    except OSError:  # a leftover upload is harmless; the import result is what matters
        log.warning("could not remove upload %s", path)
