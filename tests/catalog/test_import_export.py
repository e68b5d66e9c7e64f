"""Product CSV import and export as a user meets them: spreadsheet line endings, files that
are not CSV, a job that crashes, and the download's headers and name."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from sqlalchemy import func, select

from tests.conftest import in_tenant, run_queued_jobs
from webapp.catalog import imports, routes_io
from webapp.catalog.csv_io import COLUMNS
from webapp.catalog.models import Category, Product
from webapp.core import jobs
from webapp.core.errors import ErrorLog
from webapp.core.jobs import BackgroundJob
from webapp.core.uow import OutboxMessage
from webapp.extensions import db

HEADER = ";".join(COLUMNS)
HX = {"HX-Request": "true"}


def upload(client, raw: bytes, filename: str = "produtos.csv"):
    data = {"file": (io.BytesIO(raw), filename)}
    return client.post("/products/import", data=data, content_type="multipart/form-data")


def import_result(client, raw: bytes):
    """Upload, let the job run, then the progress panel as the polling htmx request gets it."""
    response = upload(client, raw)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    run_queued_jobs(client.application)
    with in_tenant(client.application):
        [job_id] = db.session.scalars(select(BackgroundJob.id))
    return client.get(f"/products/import/{job_id}", headers=HX)


def count(app, tenant, model) -> int:
    with in_tenant(app, tenant.tenant_id):
        return db.session.scalar(select(func.count()).select_from(model))


def skus(app, tenant) -> list[str]:
    with in_tenant(app, tenant.tenant_id):
        return sorted(db.session.scalars(select(Product.sku)))


def test_mac_csv_with_bare_cr_line_ends_imports_its_products(app, tenant, login_as):
    client = login_as("admin")
    raw = (
        f"{HEADER}\rQA-MAC1;;Mac CSV;Bebidas;1,00;2,00;;;0;5;1;sim\r"
        "QA-MAC2;;Mac CSV 2;Bebidas;1,00;2,00;;;0;0;1;sim\r"
    ).encode()
    panel = import_result(client, raw)
    assert "2 produto(s) importado(s)" in panel.get_data(as_text=True)
    assert skus(app, tenant) == ["QA-MAC1", "QA-MAC2"]


def test_windows_csv_with_crlf_and_a_quoted_line_break_imports(app, tenant, login_as):
    client = login_as("admin")
    raw = (
        f"{HEADER}\r\n"
        'QA-WIN1;;"Cesta\r\nde Natal";Presentes;1,00;2,00;;;0;5;1;sim\r\n'
        "QA-WIN2;;Vinho;Bebidas;1,00;2,00;;;0;5;1;sim\r\n"
    ).encode()
    panel = import_result(client, raw)
    assert "2 produto(s) importado(s)" in panel.get_data(as_text=True)
    assert skus(app, tenant) == ["QA-WIN1", "QA-WIN2"]


def test_xlsx_or_binary_upload_is_refused_on_the_form_and_nothing_is_queued(app, tenant, login_as):
    client = login_as("admin")
    xlsx = b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + b"\x00" * 64 + b"[Content_Types].xml"
    refused = upload(client, xlsx, "produtos.xlsx")
    assert refused.status_code == 422
    assert "planilha do Excel, não um CSV" in refused.get_data(as_text=True)
    assert "CSV UTF-8" in refused.get_data(as_text=True)
    binary = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "foto.csv")
    assert binary.status_code == 422
    assert "não é um CSV de texto" in binary.get_data(as_text=True)
    assert count(app, tenant, BackgroundJob) == 0
    assert count(app, tenant, OutboxMessage) == 0
    assert count(app, tenant, Product) == 0


def test_unreadable_csv_is_refused_with_a_message_not_a_stuck_job(app, tenant, login_as):
    client = login_as("admin")
    # An opening quote never closed swallows the rest of the file past the csv field limit.
    raw = f'{HEADER}\nQA-Q1;;"Arroz;Mercearia;1,00;2,00;;;0;5;1;sim\n{"x" * 140_000}\n'
    panel = import_result(client, raw.encode())
    html = panel.get_data(as_text=True)
    assert panel.status_code == 286  # done: htmx stops polling
    assert "Nenhum produto importado" in html
    assert "não pôde ser lido como CSV" in html
    assert count(app, tenant, Product) == 0


def test_a_crashing_import_ends_failed_with_the_error_reference_and_stops_polling(
    app, tenant, login_as, monkeypatch
):
    def crash_midway(job_id, check):
        db.session.add(Category(name="Criada antes da falha"))
        db.session.flush()
        raise RuntimeError("disco cheio")

    monkeypatch.setattr(imports, "_insert_all", crash_midway)
    client = login_as("admin")
    raw = f"{HEADER}\nQA-1;;Arroz;Mercearia;1,00;2,00;;;0;5;1;sim\n".encode()
    panel = import_result(client, raw)
    html = panel.get_data(as_text=True)
    assert panel.status_code == 286
    assert 'data-status="failed"' in html and "hx-trigger" not in html
    assert "A importação falhou: erro inesperado. Nenhum produto foi importado." in html
    error_id = re.search(r"Referência do erro: ([0-9A-F]{12})\.", html).group(1)
    with in_tenant(app):
        logged = db.session.get(ErrorLog, error_id)
        assert logged.tenant_id == tenant.tenant_id and "disco cheio" in logged.message
    # All or nothing, and not retried behind the user's back.
    assert count(app, tenant, Product) == 0
    assert count(app, tenant, Category) == 0
    with in_tenant(app):
        assert jobs.relay_outbox() == 0
    page = client.get(panel.request.path)  # a reload shows the same verdict
    assert page.status_code == 200 and "A importação falhou" in page.get_data(as_text=True)


def test_product_export_has_one_charset_and_a_local_time_name(app, tenant, login_as, monkeypatch):
    # 00:54 UTC on 02/12 is 21:54 of 01/12 in São Paulo.
    monkeypatch.setattr(routes_io, "utcnow", lambda: datetime(2026, 12, 2, 0, 54, tzinfo=UTC))
    export = login_as("admin").get("/products/export.csv")
    assert export.status_code == 200
    assert export.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert export.headers["Content-Disposition"] == (
        'attachment; filename="produtos-20261201-2154.csv"'
    )
