"""Exports run as jobs: progress, files that open with the right rows, tenant and TTL checks."""

from __future__ import annotations

import csv
import io
import os
import time
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import insert, update

from tests.conftest import in_tenant, run_queued_jobs
from tests.reports import factories as f
from tests.reports.conftest import MARCH
from webapp.core.jobs import BackgroundJob
from webapp.extensions import db
from webapp.reports import exports
from webapp.sales.models import Order, OrderLine


@pytest.fixture(autouse=True)
def export_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_DIR", str(tmp_path / "exports"))
    return tmp_path / "exports"


def start(client, report="sales", fmt="csv", **period):
    response = client.post(
        "/api/v1/reports/exports", json={"report": report, "format": fmt, **(period or MARCH)}
    )
    assert response.status_code == 202, response.get_json()
    return response.get_json()["job_id"]


def finished(app, client, job_id):
    run_queued_jobs(app)
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["status"] == "done", status
    assert status["progress"] == 100
    return status


def test_sales_export_csv_has_one_row_per_revenue_line_and_excel_friendly_values(
    app, api_client, dataset
):
    client = api_client("admin")
    status = finished(app, client, start(client))
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert "vendas-20250301-20250331.csv" in download.headers["Content-Disposition"]
    text = download.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Data do pagamento", "Pedido", "Cliente"]
    body = rows[1:]
    assert len(body) == 7  # O1 2 lines, O2 2, O3 2, O4 1
    first = body[0]  # O4, paid 00:30 local on 01/03
    assert first[0] == "01/03/2025 00:30"
    assert first[2] == "Carla Dias" and first[4] == "SKU-P2" and first[6] == "2"
    assert first[7:] == ["50,00", "100,00", "10,00"]
    assert sum(Decimal(r[8].replace(",", ".")) for r in body) == Decimal("585.00")
    assert "Zeca Intruso" not in text and "SKU-OUTRO" not in text


def test_abc_export_xlsx_has_money_cells_and_classes(app, api_client, dataset):
    client = api_client("admin")
    status = finished(app, client, start(client, "abc", "xlsx"))
    data = client.get(status["download_url"]).get_data()
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Classe", "SKU", "Produto", "Categoria", "Faturamento")
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("A", "SKU-P1"),
        ("A", "SKU-P2"),
        ("A", "SKU-P3"),
        ("B", "SKU-P4"),
        ("C", "SKU-P5"),
    ]
    assert rows[1][4] == 300  # a number, not text
    assert "R$" in sheet.cell(row=2, column=5).number_format


def _adjust(app, account, customer_id, amount, key):
    from webapp.identity.models import User
    from webapp.wallet import services as wallet

    with in_tenant(app, account.tenant_id):
        admin = db.session.get(User, account.id)
        wallet.manual_adjustment(admin, customer_id, amount, "Bônus de teste", key)


def test_ledger_export_lists_wallet_entries_and_is_admin_only(app, api_client, dataset):
    _adjust(app, dataset.tenant, dataset.ids["ana"], "25.00", "bonus-ana")
    with in_tenant(app, dataset.other.tenant_id):
        zeca = f.customer("Zeca Carteira")
        db.session.commit()
    _adjust(app, dataset.other, zeca, "99.00", "bonus-zeca")
    client = api_client("admin")
    status = finished(app, client, start(client, "ledger", "csv", period="today"))
    text = client.get(status["download_url"]).get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Data", "Cliente", "Tipo", "Descrição", "Pedido", "Valor", "Saldo após"]
    # only the wallet leg (the system account's leg is not a wallet entry)
    assert [r[1:3] + r[5:] for r in rows[1:]] == [["Ana Souza", "Ajuste manual", "25,00", "25,00"]]
    seller = api_client("seller", account=dataset.s1)
    response = seller.post(
        "/api/v1/reports/exports", json={"report": "ledger", "format": "csv", **MARCH}
    )
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


def test_bad_export_requests_are_422(api_client, dataset):
    client = api_client("admin")
    for body in (
        {"report": "vendas", "format": "csv"},
        {"report": "sales", "format": "pdf"},
        {"report": "sales", "format": "csv", "from": "2025-03-10", "to": "2025-03-01"},
    ):
        response = client.post("/api/v1/reports/exports", json=body)
        assert response.status_code == 422, body
        assert response.get_json()["error"] == "validation_error"


def test_another_tenant_cannot_see_or_download_the_export(app, api_client, dataset):
    client = api_client("admin")
    status = finished(app, client, start(client))
    intruder = api_client("admin", account=dataset.other)
    job_id = status["id"]
    assert intruder.get(f"/api/v1/jobs/{job_id}").status_code == 404
    assert intruder.get(f"/reports/exports/{job_id}/download").status_code == 404
    assert intruder.get(f"/reports/exports/{job_id}").status_code == 404
    # and a seller of the same tenant does not see the admin's export either
    seller = api_client("seller", account=dataset.s1)
    assert seller.get(f"/api/v1/jobs/{job_id}").status_code == 404


def test_expired_export_is_gone_and_cleanup_deletes_old_files(app, api_client, dataset):
    client = api_client("admin")
    status = finished(app, client, start(client))
    job_id = status["id"]
    with in_tenant(app, dataset.tenant.tenant_id):
        job = db.session.get(BackgroundJob, job_id)
        path = job.result["path"]
        db.session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id == job_id)
            .values(finished_at=job.finished_at - timedelta(hours=25))
        )
        db.session.commit()
    gone = client.get(f"/reports/exports/{job_id}/download")
    assert gone.status_code == 410
    assert "expirou" in gone.get_data(as_text=True)
    assert client.get(f"/api/v1/jobs/{job_id}").get_json()["download_url"] is None
    old = time.time() - 25 * 3600
    os.utime(path, (old, old))
    with app.app_context():
        assert exports.cleanup_expired() == 1
    assert not os.path.exists(path)


def test_web_export_button_shows_progress_panel_then_download(app, login_as, dataset):
    client = login_as("admin")
    response = client.post(
        "/reports/exports",
        data={"report": "sales", "format": "csv", **MARCH},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'id="export-job"' in body and "<progress" in body
    job_id = body.split("/reports/exports/")[1].split('"')[0].split("/")[0]
    run_queued_jobs(app)
    done = client.get(f"/reports/exports/{job_id}", headers={"HX-Request": "true"})
    assert done.status_code == 286  # htmx stops polling
    assert "export-download" in done.get_data(as_text=True)
    bad = client.post("/reports/exports", data={"report": "x", "format": "csv"})
    assert bad.status_code == 422


def _bulk_lines(app, tenant_id: int, orders: int, per_order: int) -> None:
    """Insert orders x per_order revenue lines in bulk (one statement per table)."""
    with in_tenant(app, tenant_id):
        customer = f.customer("Cliente em massa")
        product = f.product("SKU-MASSA", "Produto em massa", 100)
        db.session.commit()
        paid = f.utc(2025, 3, 10, 12)
        db.session.execute(
            insert(Order.__table__),
            [
                {
                    "tenant_id": tenant_id,
                    "customer_id": customer,
                    "status": "paid",
                    "payment_method": "pix",
                    "subtotal": Decimal("20.00") * per_order,
                    "tax_total": Decimal("0.00"),
                    "total": Decimal("20.00") * per_order,
                    "wallet_amount": Decimal("0.00"),
                    "amount_due": Decimal("20.00") * per_order,
                    "idempotency_key": f"bulk-{n}",
                    "request_fingerprint": "0" * 64,
                    "shipping_address_text": "",
                    "created_at": paid,
                    "paid_at": paid,
                    "version": 1,
                }
                for n in range(orders)
            ],
        )
        ids = [
            row[0]
            for row in db.session.execute(
                Order.__table__.select()
                .with_only_columns(Order.__table__.c.id)
                .where(Order.__table__.c.idempotency_key.like("bulk-%"))
            )
        ]
        db.session.execute(
            insert(OrderLine.__table__),
            [
                {
                    "tenant_id": tenant_id,
                    "order_id": order_id,
                    "product_id": product,
                    "sku": "SKU-MASSA",
                    "product_name": "Produto em massa",
                    "category_name": "Massa",
                    "unit_price": Decimal("10.00"),
                    "cost_price": Decimal("4.00"),
                    "tax_rate": Decimal("0"),
                    "tax_amount": Decimal("0.00"),
                    "qty": 2,
                    "line_total": Decimal("20.00"),
                }
                for order_id in ids
                for _ in range(per_order)
            ],
        )
        db.session.commit()


# XLSX is read back with 20,000 lines: openpyxl writes ~3k styled rows/s, and the streaming
# code path is the same one the 100,000-line CSV run exercises.
@pytest.mark.parametrize(("fmt", "lines"), [("csv", 100_000), ("xlsx", 20_000)])
def test_export_of_100000_lines_completes_as_a_job_with_progress(
    app, api_client, tenant, monkeypatch, fmt, lines
):
    _bulk_lines(app, tenant.tenant_id, orders=lines // 10, per_order=10)
    calls: list[int] = []
    real = exports.report_progress

    def record(job_id, progress, message=None):
        calls.append(progress)
        real(job_id, progress, message)

    monkeypatch.setattr(exports, "report_progress", record)
    client = api_client("admin")
    status = finished(app, client, start(client, "sales", fmt))
    assert len(calls) >= 45  # about every 2%
    assert calls == sorted(calls) and calls[-1] >= 96
    with in_tenant(app, tenant.tenant_id):
        job = db.session.get(BackgroundJob, status["id"])
        assert job.result["rows"] == lines
        path = job.result["path"]
    assert path.endswith(f"/{tenant.tenant_id}/{status['id']}.{fmt}")
    if fmt == "csv":
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle, delimiter=";"))
        assert len(rows) == lines + 1
        assert rows[-1][4:] == ["SKU-MASSA", "Produto em massa", "2", "10,00", "20,00", "0,00"]
    else:
        sheet = openpyxl.load_workbook(path, read_only=True).active
        count = 0
        for count, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=1):
            if count == 1:
                assert row[4:] == ("SKU-MASSA", "Produto em massa", 2, 10, 20, 0)
        assert count == lines


def test_ledger_xlsx_export_survives_control_characters_in_stored_text(app, api_client, dataset):
    # Text stored before any check refused it (here a customer name pasted with an ESC):
    # XLSX cannot hold C0 controls and openpyxl raised, failing the whole export.
    with in_tenant(app, dataset.tenant.tenant_id):
        pasted = f.customer("Ana\x1b[0m Colada\x07")
        db.session.commit()
    _adjust(app, dataset.tenant, pasted, "5.00", "bonus-colada")
    client = api_client("admin")
    status = finished(app, client, start(client, "ledger", "xlsx", period="today"))
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(status["download_url"]).get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["Ana[0m Colada"]
    assert rows[1][5] == 5  # the money cell is still a number


def _flags_by_sku(text: str) -> dict[str, tuple[str, str]]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    return {row[1]: (row[11], row[12]) for row in rows[1:]}  # (ruptura, excesso)


def test_abc_export_flags_use_the_thresholds_set_on_the_page(app, login_as, api_client, dataset):
    # P4 covers 51.7 days and P1 103.3: with a 60-day lead time P4 is at risk, and with
    # excess above 3650 days nothing is excess, exactly as the page shows.
    web = login_as("admin")
    settings = {"lead_time": "60", "excess_days": "3650"}
    page = web.get("/reports/abc", query_string={**MARCH, **settings}).get_data(as_text=True)
    assert '<input type="hidden" name="lead_time" value="60">' in page
    assert '<input type="hidden" name="excess_days" value="3650">' in page
    response = web.post(
        "/reports/exports",
        data={"report": "abc", "format": "csv", **MARCH, **settings},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_data(as_text=True)
    job_id = body.split("/reports/exports/")[1].split('"')[0].split("/")[0]
    run_queued_jobs(app)
    flags = _flags_by_sku(web.get(f"/reports/exports/{job_id}/download").get_data(as_text=True))
    assert flags["SKU-P4"] == ("Sim", "Não") and flags["SKU-P1"] == ("Não", "Não")

    client = api_client("admin")
    status = finished(app, client, start(client, "abc", "csv", **MARCH, lead_time=60))
    flags = _flags_by_sku(client.get(status["download_url"]).get_data(as_text=True))
    assert flags["SKU-P4"] == ("Sim", "Não") and flags["SKU-P1"] == ("Não", "Sim")
    bad = web.post("/reports/exports", data={"report": "abc", "format": "csv", "lead_time": "0"})
    assert bad.status_code == 422
    assert "Prazo de reposição" in bad.get_data(as_text=True)
