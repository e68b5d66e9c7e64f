"""Catalog screens: list, create/edit with field errors and version conflicts, stock dialog,
badges, CSV import and export."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import func, select

from tests.catalog.factories import make_product, run_pending_jobs
from tests.conftest import in_tenant
from webapp.catalog import services
from webapp.catalog.csv_io import COLUMNS
from webapp.catalog.models import Product, StockMovement
from webapp.extensions import db

HTMX = {"HX-Request": "true"}

FORM = {
    "sku": "CAFE-500",
    "name": "Café torrado e moído 500 g",
    "ean": "7891000315507",
    "category": "Mercearia",
    "cost_price": "12,00",
    "sale_price": "19,90",
    "min_price": "18,00",
    "max_price": "22,00",
    "tax_rate": "18",
    "stock_qty": "10",
    "low_stock_threshold": "3",
    "active": "y",
}


def product_count(app, tenant) -> int:
    with in_tenant(app, tenant.tenant_id):
        return db.session.scalar(select(func.count()).select_from(Product))


def test_list_searches_by_sku_ean_and_name_with_stock_badges(app, tenant, login_as):
    with in_tenant(app, tenant.tenant_id):
        make_product(sku="CAFE-1", name="Café especial", stock_qty=0)
        make_product(sku="ARROZ-5", name="Arroz agulhinha 5 kg", stock_qty=2, ean="7891000315507")
        make_product(sku="FEIJAO-1", name="Feijão carioca 1 kg", stock_qty=50)
    client = login_as("seller")
    page = client.get("/products").get_data(as_text=True)
    assert "Café especial" in page and "Feijão carioca" in page
    assert "Sem estoque" in page and "baixo" in page
    assert "Novo produto" not in page  # sellers read only
    for query, expected, absent in [
        ("arroz", "Arroz agulhinha", "Feijão"),
        ("cafe-", "Café especial", "Arroz"),
        ("789100031", "Arroz agulhinha", "Café"),
    ]:
        response = client.get("/products", query_string={"q": query}, headers=HTMX)
        html = response.get_data(as_text=True)
        assert 'id="product-results"' in html and "<html" not in html
        assert expected in html and absent not in html
    zero = client.get("/products?stock=zero", headers=HTMX).get_data(as_text=True)
    assert "Café especial" in zero and "Arroz" not in zero
    low = client.get("/products?stock=low", headers=HTMX).get_data(as_text=True)
    assert "Arroz" in low and "Feijão" not in low
    by_stock = client.get("/products?sort=stock_desc", headers=HTMX).get_data(as_text=True)
    assert by_stock.index("Feijão") < by_stock.index("Arroz") < by_stock.index("Café")
    assert client.get("/products?page=abc&sort=zzz&category=x").status_code == 200


def test_admin_creates_a_product(app, tenant, login_as):
    client = login_as("admin")
    response = client.post("/products", data=FORM)
    assert response.status_code == 302
    with in_tenant(app, tenant.tenant_id):
        product = db.session.scalars(select(Product)).one()
        assert product.stock_qty == 10 and str(product.sale_price) == "19.90"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Café torrado" in page and "Estoque inicial" in page


def test_price_rule_violation_and_bad_ean_show_field_errors_and_save_nothing(app, tenant, login_as):
    client = login_as("admin")
    bad = {**FORM, "sale_price": "25,00", "ean": "7891000315508"}
    response = client.post("/products", data=bad, headers=HTMX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "maior que o preço máximo" in html
    assert "dígito verificador" in html
    assert 'id="product-form"' in html
    assert product_count(app, tenant) == 0


def test_inline_validation_of_price_rules(app, tenant, login_as):
    client = login_as("admin")
    response = client.post("/products/validate", data={**FORM, "min_price": "20,00"}, headers=HTMX)
    assert response.status_code == 200
    assert "menor que o preço mínimo" in response.get_data(as_text=True)
    assert product_count(app, tenant) == 0


def test_sellers_cannot_write(app, tenant, login_as):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(stock_qty=1)
    client = login_as("seller")
    assert client.post("/products", data=FORM).status_code == 403
    assert client.get("/products/new").status_code == 403
    assert (
        client.post(
            f"/products/{product_id}/stock-adjustments",
            data={"kind": "in", "qty": "1", "reason": "x"},
        ).status_code
        == 403
    )
    assert client.get(f"/products/{product_id}").status_code == 200


def test_stale_edit_is_refused_with_current_values(app, tenant, login_as):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(name="Nome original", sale_price="10", max_price="20")
    first, second = login_as("admin"), login_as("admin")
    form = {**FORM, "sku": "EDIT-1", "stock_qty": "", "version": "1"}
    ok = first.post(f"/products/{product_id}/edit", data={**form, "name": "Primeira edição"})
    assert ok.status_code == 302
    stale = second.post(
        f"/products/{product_id}/edit", data={**form, "name": "Segunda edição"}, headers=HTMX
    )
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "alterado por outra pessoa" in html
    assert 'value="Primeira edição"' in html and "Segunda edição" not in html
    assert 'name="version" type="hidden" value="2"' in html
    with in_tenant(app, tenant.tenant_id):
        assert services.get_product(product_id).name == "Primeira edição"


def test_an_edit_without_its_version_says_to_reload_and_saves_nothing(app, tenant, login_as):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(name="Nome original", sale_price="10", max_price="20")
    client = login_as("admin")
    form = {**FORM, "sku": "EDIT-1", "stock_qty": "", "name": "Outro nome"}
    for version in ({}, {"version": "abc"}):
        response = client.post(f"/products/{product_id}/edit", data={**form, **version})
        assert response.status_code == 422
        alert = re.search(r'<div class="alert alert-danger"[^>]*>([^<]*)<', response.text)
        assert alert and "recarregue a página" in alert.group(1)
    with in_tenant(app, tenant.tenant_id):
        assert services.get_product(product_id).name == "Nome original"


def test_stock_adjustment_dialog_updates_badge_and_triggers_refresh(app, tenant, login_as):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(stock_qty=2, low_stock_threshold=5)
    client = login_as("admin")
    dialog = client.get(f"/products/{product_id}/stock-adjustments/new", headers=HTMX)
    assert 'id="adjust-form"' in dialog.get_data(as_text=True)
    missing = client.post(
        f"/products/{product_id}/stock-adjustments",
        data={"kind": "in", "qty": "4", "reason": ""},
        headers=HTMX,
    )
    assert missing.status_code == 422 and "motivo" in missing.get_data(as_text=True)
    too_many = client.post(
        f"/products/{product_id}/stock-adjustments",
        data={"kind": "out", "qty": "9", "reason": "Perda"},
        headers=HTMX,
    )
    assert too_many.status_code == 409
    assert "Estoque insuficiente" in too_many.get_data(as_text=True)
    done = client.post(
        f"/products/{product_id}/stock-adjustments",
        data={"kind": "in", "qty": "4", "reason": "Compra NF 77"},
        headers=HTMX,
    )
    assert done.status_code == 200
    assert "stock-changed" in done.headers["HX-Trigger"]
    html = done.get_data(as_text=True)
    assert f'id="stock-{product_id}"' in html and 'hx-swap-oob="true"' in html
    assert 'data-stock="6"' in html and 'data-level="ok"' in html
    movements = client.get(f"/products/{product_id}/movements", headers={"HX-Request": "true"})
    movements = movements.get_data(as_text=True)
    assert "Compra NF 77" in movements and "+4" in movements
    opened_directly = client.get(f"/products/{product_id}/movements")  # e.g. a new tab
    assert opened_directly.location == f"/products/{product_id}"


def test_stock_adjustment_without_javascript_redirects(app, tenant, login_as):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(stock_qty=2)
    client = login_as("admin")
    page = client.get(f"/products/{product_id}/stock-adjustments/new").get_data(as_text=True)
    assert "<html" in page and 'id="adjust-form"' in page
    response = client.post(
        f"/products/{product_id}/stock-adjustments",
        data={"kind": "out", "qty": "2", "reason": "Avaria"},
    )
    assert response.status_code == 302
    with in_tenant(app, tenant.tenant_id):
        assert services.get_product(product_id).stock_qty == 0


def test_stock_badges_endpoint_returns_oob_fragments(app, tenant, make_tenant, login_as):
    other = make_tenant("Outra")
    with in_tenant(app, tenant.tenant_id):
        mine = make_product(stock_qty=0)
    with in_tenant(app, other.tenant_id):
        foreign = make_product(stock_qty=9)
    client = login_as("seller")
    html = client.get(f"/products/stock-badges?ids={mine},{foreign},abc").get_data(as_text=True)
    assert f'id="stock-{mine}"' in html and 'hx-swap-oob="true"' in html
    assert f'id="stock-{foreign}"' not in html


def test_other_tenants_product_page_is_404(app, tenant, make_tenant, login_as):
    other = make_tenant("Outra")
    with in_tenant(app, other.tenant_id):
        foreign = make_product()
    client = login_as("admin")
    assert client.get(f"/products/{foreign}").status_code == 404
    assert client.get(f"/products/{foreign}/edit").status_code == 404


CSV_HEADER = ";".join(COLUMNS) + "\n"


def _upload(client, text: str):
    """Upload, let the job run (in-process, or here when a real queue holds it), show result."""
    data = {"file": (io.BytesIO(text.encode("utf-8")), "produtos.csv")}
    response = client.post("/products/import", data=data, content_type="multipart/form-data")
    match = re.search(r"/products/import/([0-9a-f-]{36})", response.get_data(as_text=True))
    if response.status_code != 200 or not match:
        return response
    run_pending_jobs(client.application)
    return client.get(f"/products/import/{match.group(1)}")


def test_csv_import_with_one_bad_row_imports_nothing_and_names_the_line(app, tenant, login_as):
    client = login_as("admin")
    text = CSV_HEADER + (
        "A-1;7891000315507;Arroz 5 kg;Mercearia;10,00;20,00;;;0;5;2;sim\n"
        "A-2;;Feijão 1 kg;Mercearia;5,00;8,00;9,00;;0;5;2;sim\n"
        "A-3;;Açúcar 1 kg;Mercearia;3,00;4,50;;;0;5;2;sim\n"
    )
    html = _upload(client, text).get_data(as_text=True)
    assert "Nenhum produto importado" in html
    assert "Linha 3" in html and "preço de venda" in html
    assert "Linha 2" not in html
    assert product_count(app, tenant) == 0


def test_csv_import_all_valid_rows_and_export_round_trip(app, tenant, login_as):
    client = login_as("admin")
    text = CSV_HEADER + (
        "A-1;7891000315507;Arroz 5 kg;Mercearia;10,00;20,00;;;0;5;2;sim\n"
        "A-2;;Feijão 1 kg;Mercearia;5.00;8.00;7.50;9.00;7,5;0;2;não\n"
    )
    html = _upload(client, text).get_data(as_text=True)
    assert "2 produto(s) importado(s)" in html
    with in_tenant(app, tenant.tenant_id):
        assert db.session.scalar(select(func.count()).select_from(StockMovement)) == 1
    export = client.get("/products/export.csv")
    assert export.status_code == 200
    body = export.get_data(as_text=True)
    assert body.startswith("\ufeffsku;ean;name")
    assert "A-2;;Feijão 1 kg;Mercearia;5,00;8,00;7,50;9,00;7,50;0;2;não" in body
    # The export is a valid import file: re-importing it reports every SKU as taken.
    again = _upload(client, body).get_data(as_text=True)
    assert "SKU A-1 já está cadastrado" in again


def _set_default_tax_rate(app, tenant, rate: str) -> None:
    from decimal import Decimal

    from webapp.identity import settings
    from webapp.identity.models import User

    with in_tenant(app, tenant.tenant_id):
        admin = db.session.get(User, tenant.id)
        settings.update_settings(admin, default_tax_rate=Decimal(rate))


def test_products_saved_without_a_tax_rate_get_the_tenant_default(app, tenant, login_as):
    _set_default_tax_rate(app, tenant, "18")
    client = login_as("admin")
    new = client.get("/products/new").get_data(as_text=True)
    assert re.search(r'name="tax_rate"[^>]*value="18,00"', new), "the form starts at 18,00"
    assert client.post("/products", data={**FORM, "tax_rate": ""}).status_code == 302
    zero = {**FORM, "sku": "ZERO-1", "ean": "", "tax_rate": "0"}
    assert client.post("/products", data=zero).status_code == 302  # 0 typed stays 0
    html = _upload(client, CSV_HEADER + "A-1;;Arroz 5 kg;Mercearia;10,00;20,00;;;;5;2;sim\n")
    assert "1 produto(s) importado(s)" in html.get_data(as_text=True)
    with in_tenant(app, tenant.tenant_id):
        rates = dict(db.session.execute(select(Product.sku, Product.tax_rate)).all())
    assert {sku: f"{rate:.2f}" for sku, rate in rates.items()} == {
        "CAFE-500": "18.00",
        "ZERO-1": "0.00",
        "A-1": "18.00",
    }


def test_csv_export_does_not_let_a_spreadsheet_run_a_name_and_reimports_it(app, tenant, login_as):
    name = '=HYPERLINK("http://exemplo.com";"Promo")'
    with in_tenant(app, tenant.tenant_id):
        make_product(sku="PROMO-1", name=name, category="+Ofertas")
    client = login_as("admin")
    body = client.get("/products/export.csv").get_data(as_text=True)
    [row] = [r for r in csv.reader(io.StringIO(body), delimiter=";") if r[0] == "PROMO-1"]
    assert row[2] == "'" + name and row[3] == "'+Ofertas"
    # Imported again (under a new SKU), the apostrophe is the text mark, not the name.
    html = _upload(client, body.replace("PROMO-1", "PROMO-2")).get_data(as_text=True)
    assert "1 produto(s) importado(s)" in html
    with in_tenant(app, tenant.tenant_id):
        copy = db.session.scalars(select(Product).where(Product.sku == "PROMO-2")).one()
        assert copy.name == name and copy.category.name == "+Ofertas"


def test_csv_import_rejects_missing_file_and_missing_columns(app, tenant, login_as):
    client = login_as("admin")
    empty = client.post("/products/import", data={}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Escolha um arquivo" in empty.get_data(as_text=True)
    html = _upload(client, "nome;preco\nArroz;10\n").get_data(as_text=True)
    assert "Linha 1" in html and "Cabeçalho sem as colunas" in html


def test_csv_import_over_20_mb_is_refused_with_the_limit_named(app, tenant, login_as):
    client = login_as("admin")
    # Within the request limit, past the import's own: the form says what to do.
    just_over = CSV_HEADER + "x" * (20 * 1024 * 1024)
    response = _upload(client, just_over)
    assert response.status_code == 422
    assert "O arquivo passa de 20 MB; divida-o em partes." in response.get_data(as_text=True)
    # Far past it: refused before the body is read (413), in Portuguese.
    data = {"file": (io.BytesIO(b"x" * (30 * 1024 * 1024)), "produtos.csv")}
    huge = client.post("/products/import", data=data, content_type="multipart/form-data")
    assert huge.status_code == 413
    assert "grande demais" in huge.get_data(as_text=True)
    assert product_count(app, tenant) == 0


def test_api_body_past_the_request_limit_is_a_413_in_the_contract_format(api_client):
    body = '{"name": "' + "x" * (22 * 1024 * 1024) + '"}'
    response = api_client("admin").post(
        "/api/v1/products", data=body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.get_json()["error"] == "validation_error"


def test_inline_validation_reports_a_taken_sku(app, tenant, login_as):
    with in_tenant(app, tenant.tenant_id):
        make_product(sku="CAFE-500")
    client = login_as("admin")
    html = client.post("/products/validate", data=FORM, headers=HTMX).get_data(as_text=True)
    assert "Já existe um produto com o SKU CAFE-500" in html
