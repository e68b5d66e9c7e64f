"""Products API contract (SPEC 8)."""

from __future__ import annotations

from tests.conftest import in_tenant
from webapp.api.products import MovementListSchema, ProductListSchema
from webapp.catalog import services

BODY = {
    "sku": "api-1",
    "name": "Detergente 500 ml",
    "ean": "7891000315507",
    "category": "Limpeza",
    "cost_price": "1.20",
    "sale_price": "2.50",
    "min_price": "2.30",
    "max_price": "2.99",
    "tax_rate": "18.00",
    "stock_qty": 10,
    "low_stock_threshold": 3,
}


def test_create_read_list(api_client):
    client = api_client("admin")
    created = client.post("/api/v1/products", json=BODY)
    assert created.status_code == 201, created.get_json()
    product = created.get_json()
    assert product["sku"] == "API-1" and product["version"] == 1
    assert product["sale_price"] == "2.50" and product["stock_qty"] == 10
    assert client.get(f"/api/v1/products/{product['id']}").get_json()["name"] == BODY["name"]
    listing = client.get("/api/v1/products?q=deterg").get_json()
    assert [p["id"] for p in listing["data"]] == [product["id"]]
    assert listing["pagination"] == {"page": 1, "per_page": 25, "total": 1}
    # Sent as built (not dumped through the schema): the schema that documents it agrees.
    assert ProductListSchema().dump(listing) == listing
    assert client.post("/api/v1/products", json=BODY).get_json()["error"] == "sku_taken"


def test_validation_errors_are_422_and_save_nothing(api_client):
    client = api_client("admin")
    for change, field in [
        ({"sale_price": "3.50"}, "sale_price"),
        ({"ean": "7891000315508"}, "ean"),
        ({"cost_price": 1.5}, "cost_price"),  # money is a string, never a float
        ({"stock_qty": -1}, "stock_qty"),
    ]:
        response = client.post("/api/v1/products", json={**BODY, **change})
        assert response.status_code == 422, change
        payload = response.get_json()
        assert payload["error"] == "validation_error"
        assert field in payload["details"]["fields"]
    assert client.get("/api/v1/products").get_json()["pagination"]["total"] == 0


def test_schema_errors_speak_portuguese(api_client):
    client = api_client("admin")
    body = {**BODY, "stock_qty": "muitos", "active": "talvez", "surprise": 1}
    del body["name"]
    response = client.post("/api/v1/products", json=body)
    assert response.status_code == 422
    fields = response.get_json()["details"]["fields"]
    assert fields["name"] == ["Campo obrigatório."]
    assert fields["stock_qty"] == ["Informe um número inteiro."]
    assert fields["active"] == ["Informe verdadeiro ou falso."]
    assert fields["surprise"] == ["Campo desconhecido."]
    too_long = client.post("/api/v1/products", json={**BODY, "sku": "X" * 41})
    assert too_long.get_json()["details"]["fields"]["sku"] == ["Use de 1 a 40 caracteres."]
    page = client.get("/api/v1/products?per_page=500")
    assert page.status_code == 422  # never a query for half a million rows
    assert page.get_json()["details"]["fields"]["per_page"] == [
        "Deve ser maior ou igual a 1 e menor ou igual a 100."
    ]


def test_patch_with_stale_version_is_409_with_current(api_client):
    client = api_client("admin")
    product = client.post("/api/v1/products", json=BODY).get_json()
    url = f"/api/v1/products/{product['id']}"
    first = client.patch(url, json={"version": 1, "name": "Detergente neutro"})
    assert first.status_code == 200 and first.get_json()["version"] == 2
    stale = client.patch(url, json={"version": 1, "name": "Outro nome"})
    assert stale.status_code == 409
    payload = stale.get_json()
    assert payload["error"] == "version_conflict"
    assert payload["details"]["current"]["name"] == "Detergente neutro"
    assert payload["details"]["current"]["version"] == 2
    assert client.patch(url, json={"name": "sem versão"}).status_code == 422


def test_stock_adjustments_and_movements(api_client):
    client = api_client("admin")
    product = client.post("/api/v1/products", json=BODY).get_json()
    url = f"/api/v1/products/{product['id']}"
    done = client.post(
        f"{url}/stock-adjustments", json={"kind": "out", "qty": 4, "reason": "Avaria"}
    )
    assert done.status_code == 201
    assert done.get_json()["stock_qty"] == 6 and done.get_json()["version"] == 2
    short = client.post(f"{url}/stock-adjustments", json={"kind": "out", "qty": 7, "reason": "x"})
    assert short.status_code == 409
    assert short.get_json()["error"] == "insufficient_stock"
    assert "disponível 6" in short.get_json()["message"]
    bad = client.post(f"{url}/stock-adjustments", json={"kind": "in", "qty": 0, "reason": ""})
    assert bad.status_code == 422
    movements = client.get(f"{url}/movements").get_json()
    assert [m["qty"] for m in movements["data"]] == [-4, 10]
    assert movements["data"][0]["before_qty"] == 10 and movements["data"][0]["after_qty"] == 6
    assert MovementListSchema().dump(movements) == movements


def test_entries_past_the_stock_limit_are_refused_not_a_500(api_client):
    client = api_client("admin")
    product = client.post("/api/v1/products", json={**BODY, "stock_qty": 999_999_000}).get_json()
    url = f"/api/v1/products/{product['id']}"
    # Each entry is within the per-entry limit; their sum would overflow the stock column.
    over = client.post(f"{url}/stock-adjustments", json={"kind": "in", "qty": 1001, "reason": "x"})
    assert over.status_code == 422, over.get_json()
    assert over.get_json()["error"] == "validation_error"
    assert "máximo de 1.000.000.000 unidades (atual: 999.999.000)" in over.get_json()["message"]
    again = client.get(url).get_json()
    assert again["stock_qty"] == 999_999_000 and again["version"] == product["version"]
    assert client.get(f"{url}/movements").get_json()["pagination"]["total"] == 1
    full = client.post(f"{url}/stock-adjustments", json={"kind": "in", "qty": 1000, "reason": "x"})
    assert full.status_code == 201 and full.get_json()["stock_qty"] == 1_000_000_000


def test_a_product_created_without_tax_rate_gets_the_tenant_default(app, tenant, api_client):
    from decimal import Decimal

    from webapp.extensions import db
    from webapp.identity import settings
    from webapp.identity.models import User

    with in_tenant(app, tenant.tenant_id):
        settings.update_settings(db.session.get(User, tenant.id), default_tax_rate=Decimal("7.5"))
    client = api_client("admin")
    body = {key: value for key, value in BODY.items() if key != "tax_rate"}
    created = client.post("/api/v1/products", json=body)
    assert created.status_code == 201 and created.get_json()["tax_rate"] == "7.50"
    explicit = client.post("/api/v1/products", json={**BODY, "sku": "api-2", "ean": None})
    assert explicit.get_json()["tax_rate"] == "18.00"


def test_permissions_and_tenancy(app, api_client, make_tenant):
    admin = api_client("admin")
    product = admin.post("/api/v1/products", json=BODY).get_json()
    seller = api_client("seller")
    assert seller.get(f"/api/v1/products/{product['id']}").status_code == 200
    forbidden = seller.post("/api/v1/products", json={**BODY, "sku": "X-2"})
    assert forbidden.status_code == 403 and forbidden.get_json()["error"] == "forbidden"
    adjust = seller.post(
        f"/api/v1/products/{product['id']}/stock-adjustments",
        json={"kind": "in", "qty": 1, "reason": "x"},
    )
    assert adjust.status_code == 403
    other = make_tenant("Outra")
    with in_tenant(app, other.tenant_id):
        foreign = services.create_product({**BODY, "sku": "F-1"}).id
    missing = admin.get(f"/api/v1/products/{foreign}")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    assert admin.get(f"/api/v1/products/{foreign}/movements").status_code == 404


def test_openapi_documents_the_product_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    assert "/api/v1/products/{product_id}/stock-adjustments" in paths
    assert "patch" in paths["/api/v1/products/{product_id}"]
