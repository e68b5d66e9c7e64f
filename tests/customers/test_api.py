"""API contract for customers and addresses (SPEC 8)."""

from __future__ import annotations

import json

from tests.conftest import in_tenant
from tests.customers.conftest import ADDRESS, CNPJ, CPF, CPF_DIGITS, OTHER_CPF, customer_data
from webapp.customers import services


def test_create_get_patch_delete(api_client):
    client = api_client("seller")
    created = client.post("/api/v1/customers", json=customer_data(birth_date="1985-04-12"))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["document"] == CPF_DIGITS and body["document_type"] == "cpf"
    assert body["phone"] == "21987654321" and body["birth_date"] == "1985-04-12"
    url = f"/api/v1/customers/{body['id']}"
    assert client.get(url).get_json()["addresses"] == []
    patched = client.patch(url, json={"name": "Maria Souza", "marketing_consent": False})
    assert patched.status_code == 200
    assert patched.get_json()["name"] == "Maria Souza"
    assert patched.get_json()["document"] == CPF_DIGITS
    assert client.delete(url).status_code == 204
    assert client.get(url).get_json()["active"] is False


def test_list_with_search_and_pagination(api_client, make_customer):
    make_customer()
    make_customer(document=OTHER_CPF, name="João Pereira", email="joao@x.com", phone=None)
    client = api_client()
    body = client.get("/api/v1/customers?q=529982&per_page=1").get_json()
    assert [c["name"] for c in body["data"]] == ["Maria da Silva"]
    assert body["pagination"] == {"page": 1, "per_page": 1, "total": 1}
    everyone = client.get("/api/v1/customers").get_json()
    assert everyone["pagination"]["total"] == 2


def test_validation_errors_are_422_and_save_nothing(api_client, app, tenant):
    client = api_client()
    for field, value in [("document", "529.982.247-26"), ("email", "x@"), ("document", "1")]:
        response = client.post("/api/v1/customers", json=customer_data(**{field: value}))
        body = response.get_json()
        assert response.status_code == 422 and body["error"] == "validation_error"
        assert field in body["details"]["fields"]
    missing = client.post("/api/v1/customers", json={}).get_json()
    assert set(missing["details"]["fields"]) >= {"name", "document"}
    with in_tenant(app, tenant.tenant_id):
        assert services.search("").items == []


def test_duplicate_is_cpf_taken_with_existing_id(api_client, make_customer):
    existing = make_customer()
    response = api_client().post("/api/v1/customers", json=customer_data(document=CPF_DIGITS))
    body = response.get_json()
    assert response.status_code == 409 and body["error"] == "cpf_taken"
    assert body["details"]["customer_id"] == existing
    assert "Maria da Silva" in body["message"]


def test_by_document(api_client, make_customer):
    make_customer(addresses=[{}])
    client = api_client("seller")
    found = client.get(f"/api/v1/customers/by-document/{CPF_DIGITS}")
    assert found.status_code == 200
    assert found.get_json()["addresses"][0]["zip"] == "22240003"
    masked = client.get("/api/v1/customers/by-document/529.982.247-25")
    assert masked.status_code == 200
    missing = client.get(f"/api/v1/customers/by-document/{OTHER_CPF}")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"


def test_by_document_with_a_masked_cnpj(api_client, make_customer):
    make_customer(document=CNPJ, name="Mercadinho Bom Preço Ltda")
    client = api_client("seller")
    for document in (CNPJ, CNPJ.replace("/", "%2F")):
        found = client.get(f"/api/v1/customers/by-document/{document}")
        assert found.status_code == 200, document
        assert found.get_json()["name"] == "Mercadinho Bom Preço Ltda"


def test_addresses(api_client, make_customer):
    customer_id = make_customer()
    client = api_client()
    url = f"/api/v1/customers/{customer_id}/addresses"
    created = client.post(url, json=ADDRESS)
    assert created.status_code == 201
    address = created.get_json()
    assert address["state"] == "RJ" and address["zip"] == "22240003" and address["is_default"]
    patched = client.patch(f"{url}/{address['id']}", json={"number": "7", "state": "sp"})
    assert patched.status_code == 200 and patched.get_json()["state"] == "SP"
    for field, value in [("state", "XX"), ("zip", "123"), ("kind", "home")]:
        bad = client.post(url, json={**ADDRESS, field: value})
        assert bad.status_code == 422 and field in bad.get_json()["details"]["fields"]
    assert client.delete(f"{url}/{address['id']}").status_code == 204
    assert client.get(f"/api/v1/customers/{customer_id}").get_json()["addresses"] == []


def test_cross_customer_and_cross_tenant_are_not_found(api_client, make_customer, make_tenant):
    owner = make_customer(addresses=[{}])
    intruder = make_customer(document=OTHER_CPF, name="Outro")
    client = api_client()
    address_id = client.get(f"/api/v1/customers/{owner}").get_json()["addresses"][0]["id"]
    url = f"/api/v1/customers/{intruder}/addresses/{address_id}"
    assert client.patch(url, json={"city": "X"}).status_code == 404
    assert client.delete(url).status_code == 404
    other = make_tenant("Outra Loja")
    foreign = make_customer(tenant_id=other.tenant_id, document=CPF)
    response = client.get(f"/api/v1/customers/{foreign}")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_requires_token(client):
    assert client.get("/api/v1/customers").status_code == 401


def test_a_json_body_sent_without_the_json_content_type_is_told_so(api_client):
    """A client that forgets Content-Type: application/json sent every field: it must not be
    told to fill in name and document, and nothing is saved."""
    client = api_client()
    for content_type in ["text/plain", "application/x-www-form-urlencoded"]:
        response = client.post(
            "/api/v1/customers",
            data=json.dumps(customer_data()),
            content_type=content_type,
        )
        body = response.get_json()
        assert response.status_code == 422 and body["error"] == "validation_error"
        assert body["details"]["fields"] == {
            "json": ["Envie o corpo em JSON, com o cabeçalho Content-Type: application/json."]
        }
    # The login's throttle reads request.form first: the body is gone, its length is not.
    login = client.post("/api/v1/auth/token", data={"email": "a@b.com", "password": "x"})
    assert login.status_code == 422 and list(login.get_json()["details"]["fields"]) == ["json"]
    assert client.get("/api/v1/customers").get_json()["pagination"]["total"] == 0
    assert client.post("/api/v1/customers", json=customer_data()).status_code == 201
