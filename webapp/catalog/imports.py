"""CSV import of products: upload -> background job -> all rows or none.

The upload is stored on disk and only its path travels in the job payload (outbox rows stay
small). The job validates EVERY row first and imports nothing if any is invalid, reporting
each bad line; otherwise it inserts all rows in its single unit of work.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from webapp.catalog.csv_io import ImportCheck, check_rows, decode, not_csv_reason
from webapp.catalog.models import Category, Product
from webapp.catalog.services import default_tax_rate, initial_stock_movement
from webapp.catalog.validation import EDITABLE_FIELDS
from webapp.core.domain import ValidationFailed
from webapp.core.jobs import BackgroundJob, finish_job, report_progress, start_background_job
from webapp.core.uow import unit_of_work
from webapp.extensions import db

TASK = "webapp.catalog.tasks.import_products"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
IMPORT_REASON = "Importação CSV"
BATCH = 500
MAX_REPORTED_ERRORS = 200


def start_import(raw: bytes, upload_dir: Path, actor: Any = None) -> BackgroundJob:
    """Store the upload and queue the import job; refuses empty, oversized or binary files."""
    if not raw or not raw.strip():
        raise ValidationFailed("Escolha um arquivo CSV com produtos.", field="file")
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationFailed("O arquivo passa de 20 MB; divida-o em partes.", field="file")
    if reason := not_csv_reason(raw):
        raise ValidationFailed(reason, field="file")
    upload_dir.mkdir(parents=True, exist_ok=True)
    path = upload_dir / f"produtos-{uuid.uuid4().hex}.csv"
    path.write_bytes(raw)
    with unit_of_work(actor) as uow:
        job = start_background_job(uow, "product_import", TASK, path=str(path))
    return job


def get_job(job_id: str) -> BackgroundJob | None:
    return db.session.get(BackgroundJob, job_id)


def _existing(skus: set[str], eans: set[str]) -> tuple[set[str], set[str]]:
    taken_skus: set[str] = set()
    taken_eans: set[str] = set()
    sku_list, ean_list = sorted(skus), sorted(eans)
    for start in range(0, len(sku_list), BATCH):
        chunk = sku_list[start : start + BATCH]
        taken_skus.update(db.session.scalars(select(Product.sku).where(Product.sku.in_(chunk))))
    for start in range(0, len(ean_list), BATCH):
        chunk = ean_list[start : start + BATCH]
        taken_eans.update(db.session.scalars(select(Product.ean).where(Product.ean.in_(chunk))))
    return taken_skus, taken_eans


def run_import(job_id: str, path: str) -> dict[str, Any]:
    """The job body: validate all, then import all (or nothing). Returns the job result."""
    text = decode(Path(path).read_bytes())
    report_progress(job_id, 1, "Validando linhas…")
    check = check_rows(
        text,
        _existing,
        lambda done, total: report_progress(job_id, done * 50 // total),
        default_tax_rate=default_tax_rate(),
    )
    if check.by_line:
        return _refuse(job_id, check)
    imported = _insert_all(job_id, check)
    result = {"imported": imported, "errors": [], "error_count": 0}
    finish_job(job_id, result, f"{imported} produto(s) importado(s).")
    return result


def _refuse(job_id: str, check: ImportCheck) -> dict[str, Any]:
    errors = check.errors
    result = {
        "imported": 0,
        "errors": errors[:MAX_REPORTED_ERRORS],
        "error_count": len(errors),
    }
    lines = "linha" if len(errors) == 1 else "linhas"
    finish_job(job_id, result, f"Nenhum produto importado: {len(errors)} {lines} com erro.")
    return result


def _categories(names: set[str]) -> dict[str, int]:
    existing = {c.name.lower(): c for c in db.session.scalars(select(Category))}
    for name in sorted(names):
        if name.lower() not in existing:
            category = Category(name=name)
            db.session.add(category)
            existing[name.lower()] = category
    db.session.flush()
    return {key: category.id for key, category in existing.items()}


def _insert_all(job_id: str, check: ImportCheck) -> int:
    with unit_of_work() as uow:  # joins the job's unit of work: one commit for all rows
        category_ids = _categories({r["category"] for r in check.rows if r["category"]})
        total = len(check.rows)
        for start in range(0, total, BATCH):
            products = [_product(row, category_ids) for row in check.rows[start : start + BATCH]]
            uow.session.add_all(products)
            uow.session.flush()
            uow.session.add_all(
                initial_stock_movement(p, IMPORT_REASON, uow.actor_id)
                for p in products
                if p.stock_qty
            )
            uow.session.flush()
            report_progress(job_id, 50 + (start + len(products)) * 50 // total, "Importando…")
    return total


def _product(row: dict[str, Any], category_ids: dict[str, int]) -> Product:
    values = {key: row[key] for key in EDITABLE_FIELDS if key != "category"}
    category_id = category_ids.get(row["category"].lower()) if row["category"] else None
    return Product(stock_qty=row["stock_qty"], category_id=category_id, **values)
