"""Product search ignores accents and case, both ways, however the product was written."""

from __future__ import annotations

import pytest

from tests.catalog.factories import make_product
from tests.catalog.test_routes import CSV_HEADER, _upload
from tests.conftest import in_tenant
from webapp.catalog import queries, services
from webapp.catalog.demo import seed_catalog

HTMX = {"HX-Request": "true"}


def found(app, tenant, q: str) -> list[str]:
    with in_tenant(app, tenant.tenant_id):
        return [p.name for p in queries.search_products(queries.ProductFilters(q=q)).items]


@pytest.mark.parametrize("q", ["acucar", "Açucar", "AÇÚCAR", "açúcar  REFINADO", "ucar ref"])
def test_the_list_finds_acucar_typed_with_or_without_accents(app, tenant, login_as, q):
    with in_tenant(app, tenant.tenant_id):
        make_product(name="Açúcar refinado 1 kg")
        make_product(name="Arroz agulhinha 5 kg")
    html = login_as("seller").get("/products", query_string={"q": q}, headers=HTMX)
    page = html.get_data(as_text=True)
    assert "Açúcar refinado 1 kg" in page and "Arroz" not in page


def test_a_name_written_without_accents_is_found_with_them(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        make_product(name="Acucar cristal")
    assert found(app, tenant, "açúcar") == ["Acucar cristal"]


def test_the_api_finds_without_accents(api_client, app, tenant):
    with in_tenant(app, tenant.tenant_id):
        make_product(name="Feijão carioca 1 kg")
    listing = api_client("seller").get("/api/v1/products?q=feijao").get_json()
    assert [p["name"] for p in listing["data"]] == ["Feijão carioca 1 kg"]


def test_a_renamed_product_is_found_by_its_new_name_only(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(name="Cafe torrado")
        services.update_product(product_id, 1, {"name": "Maçã fuji"})
    assert found(app, tenant, "maca") == ["Maçã fuji"]
    assert found(app, tenant, "cafe") == []


def test_wildcards_are_searched_literally(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        make_product(name="Desconto 10% à vista")
        make_product(name="Desconto 100 unidades")
    assert found(app, tenant, "10%") == ["Desconto 10% à vista"]
    assert found(app, tenant, "10_") == []


def test_a_csv_imported_product_is_found_without_accents(app, tenant, login_as):
    client = login_as("admin")
    text = CSV_HEADER + "P-1;;Pão de queijo 400 g;Padaria;8,00;15,00;;;0;5;2;sim\n"
    assert "1 produto(s) importado(s)" in _upload(client, text).get_data(as_text=True)
    assert found(app, tenant, "pao de queijo") == ["Pão de queijo 400 g"]


def test_demo_products_inserted_in_bulk_are_found_without_accents(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        seed_catalog(tenant.tenant_id, 300, echo=lambda _m: None)
    names = found(app, tenant, "acucar refinado")
    assert names and all(name.startswith("Açúcar refinado") for name in names)
