"""Unhandled errors: logged in their own transaction, answered with the same error id."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import ON_POSTGRES, TEST_REDIS_URL, in_tenant, sign_in
from webapp import create_app
from webapp.config import settings_for_tests as _settings_for_tests
from webapp.core.errors import ErrorLog, scrub
from webapp.core.uow import unit_of_work
from webapp.extensions import db
from webapp.identity.models import User


@pytest.fixture
def failing_app(app):
    """A second app on the same database with routes that fail after writing."""
    other = create_app(_settings_for_tests(app.config["SQLALCHEMY_DATABASE_URI"], TEST_REDIS_URL))

    @other.route("/explode", methods=["GET", "POST"])
    def explode():
        from flask_login import current_user

        with unit_of_work(current_user):
            db.session.get(User, current_user.id).name = "Não pode ficar"
            db.session.flush()
            raise RuntimeError("falha com password=hunter2 no meio")

    @other.route("/duplicate-user", methods=["POST"])
    def duplicate_user():
        from flask_login import current_user

        from webapp.identity.passwords import hash_password

        # A bug that lets an INSERT fail: the SQL parameters in the message carry the hash.
        with unit_of_work(current_user):
            email, password_hash = current_user.email, hash_password("segredo-do-usuario")
            db.session.add(User(email=email, name="Cópia", password_hash=password_hash))
            db.session.flush()

    return other


def error_rows(app) -> list[ErrorLog]:
    with in_tenant(app):
        rows = list(db.session.scalars(select(ErrorLog)))
        db.session.expunge_all()
    return rows


def test_exception_is_logged_although_the_request_rolled_back(failing_app, app, tenant):
    client = sign_in(failing_app.test_client(), tenant)
    response = client.get("/explode")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    shown = re.search(r'data-testid="error-id">([0-9A-F]{12})<', html).group(1)
    rows = error_rows(app)
    [row] = rows
    assert row.id == shown
    assert row.exception_type == "builtins.RuntimeError"
    assert row.path == "/explode" and row.method == "GET"
    assert row.tenant_id == tenant.tenant_id and row.user_id == tenant.id
    assert "hunter2" not in row.message and "hunter2" not in row.traceback
    with in_tenant(app, tenant.tenant_id):
        assert db.session.get(User, tenant.id).name == "Admin Teste"


def test_a_failed_insert_logs_no_password_hash(failing_app, app, tenant):
    client = sign_in(failing_app.test_client(), tenant)
    assert client.post("/duplicate-user").status_code == 500
    [row] = error_rows(app)
    assert "IntegrityError" in row.exception_type
    assert tenant.email in row.message  # the parameters are still there to debug with
    for text in (row.message, row.traceback):
        assert "$argon2" not in text and "[removido]" in text


def test_scrub_removes_hashes_named_secrets_and_url_passwords():
    text = (
        "[parameters: {'password_hash': 'abc', 'token_hash': 'def', 'name': 'Ana'}] "
        "[parameters: ('ana@x.com', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA', 1)] "
        "SECRET_KEY='ghi' postgresql://vitrine:jkl@db:5432/vitrine redis://:mno@redis:6379/0"
    )
    cleaned = scrub(text)
    for secret in ("abc", "def", "argon2", "c2FsdA", "ghi", "jkl", "mno"):
        assert secret not in cleaned
    for kept in ("Ana", "ana@x.com", "vitrine:", "@db:5432", "@redis:6379"):
        assert kept in cleaned


def test_a_nul_character_anywhere_is_a_422_not_a_500(app, client, tenant, login_as, api_client):
    """PostgreSQL refuses NUL in text: each of these was a logged 500 there."""
    token = re.search(
        r'name="csrf-token" content="([^"]+)"', client.get("/login").get_data(as_text=True)
    ).group(1)
    login = client.post(
        "/login", data={"email": "a\x00@b.com", "password": "x", "csrf_token": token}
    )
    assert login.status_code == 422  # a message, on the form or on a page
    api = api_client("admin")
    refused = [
        api.post("/api/v1/auth/token", json={"email": "a\u0000@b.com", "password": "x"}),
        api.get("/api/v1/products?q=%00"),
        api.post(
            "/api/v1/products",
            json={"sku": "N-1", "name": "Nul\u0000", "cost_price": "1.00", "sale_price": "2.00"},
        ),
    ]
    for response in refused:
        # SQLite stores a NUL: there the sign-in is merely wrong, the search finds nothing.
        assert response.status_code < 500, response.get_json()
    # A product name is checked before the database: a field error on both databases.
    assert refused[-1].status_code == 422
    assert refused[-1].get_json()["details"]["fields"]["name"] == [
        "Tem caracteres de controle: digite apenas texto."
    ]
    assert api.get("/api/v1/products").get_json()["pagination"]["total"] == 0
    if ON_POSTGRES:
        assert [r.status_code for r in refused[:2]] == [422, 422]
        assert "caractere inválido (NUL)" in refused[1].get_json()["message"]
    web = login_as("admin")
    assert web.get("/products?q=%00").status_code in {200, 422}
    assert web.get("/audit?record_id=%00").status_code in {200, 422}
    assert error_rows(app) == []


def test_htmx_request_gets_a_toast(failing_app, tenant):
    client = sign_in(failing_app.test_client(), tenant)
    response = client.post("/explode", headers={"HX-Request": "true"})
    assert response.status_code == 500
    assert response.headers["HX-Retarget"] == "#toasts"
    assert "toast" in response.get_data(as_text=True)


def test_not_found_and_method_not_allowed_pages(login_as):
    client = login_as("admin")
    missing = client.get("/nao-existe")
    assert missing.status_code == 404 and "Página não encontrada" in missing.get_data(as_text=True)
    wrong = client.get("/logout")
    assert wrong.status_code == 405 and "Método não permitido" in wrong.get_data(as_text=True)


def test_api_errors_use_the_contract_format(client):
    response = client.get("/api/v1/nada")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
    assert set(response.get_json()) == {"error", "message", "details"}


def test_scrub_removes_credentials():
    text = "password=abc senha: 'xyz' Authorization: Bearer eyJabc.def token=123"
    cleaned = scrub(text)
    for secret in ("abc", "xyz", "eyJabc", "123"):
        assert secret not in cleaned


def test_json_nested_a_thousand_levels_deep_is_refused_not_a_500(client, app):
    body = "[" * 5000 + "]" * 5000
    api = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert api.status_code == 422 and api.get_json()["error"] == "validation_error"
    assert "aninhados demais" in api.get_json()["details"]["fields"]["json"][0]
    form = client.post("/login", data=body, content_type="application/json")
    assert form.status_code == 400  # a page refuses it before reading it (CSRF)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ErrorLog)) == 0


def test_the_openapi_document_describes_the_error_bodies_sent(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    error = spec["components"]["schemas"]["Error"]
    body = client.get("/api/v1/nada").get_json()
    assert set(body) == set(error["properties"]) and set(error["required"]) <= set(body)
    paths = spec["paths"]
    assert (
        "version_conflict"
        in paths["/api/v1/products/{product_id}"]["patch"]["responses"]["409"]["description"]
    )
    assert (
        "insufficient_stock" in paths["/api/v1/orders"]["post"]["responses"]["409"]["description"]
    )
    assert "403" in paths["/api/v1/customers/{customer_id}/wallet/adjustments"]["post"]["responses"]
