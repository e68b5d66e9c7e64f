"""Security headers, cookies, CSRF, failed-login throttling and the OpenAPI document."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from tests.conftest import csrf_from, sign_in
from webapp import create_app
from webapp.config import settings_for_tests

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)


@pytest.mark.parametrize("path", ["/login", "/health", "/api/v1/openapi.json", "/nao-existe"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == CSP
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_hsts_and_secure_cookies_behind_https(monkeypatch, database_url, tenant):
    monkeypatch.setenv("HTTPS", "true")
    https_app = create_app(settings_for_tests(database_url, None))
    client = https_app.test_client()
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    token = csrf_from(client, "https://localhost/login")
    response = client.post(
        "https://localhost/login",
        headers={"Referer": "https://localhost/login"},
        data={
            "email": tenant.email,
            "password": tenant.password,
            "csrf_token": token,
            "remember": "y",
        },
    )
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("vitrine_session", "remember_token"):
        cookie = next(c for c in cookies if c.startswith(name + "="))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie, cookie


def test_cookies_are_httponly_and_lax_over_http(client, tenant):
    token = csrf_from(client)
    response = client.post(
        "/login",
        data={
            "email": tenant.email,
            "password": tenant.password,
            "csrf_token": token,
            "remember": "y",
        },
    )
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("vitrine_session", "remember_token"):
        cookie = next(c for c in cookies if c.startswith(name + "="))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_form_post_without_csrf_token_is_refused(app, login_as, tenant):
    admin = login_as("admin")
    admin.environ_base.pop("HTTP_X_CSRFTOKEN")
    data = {
        "name": "X",
        "email": "x@x.com",
        "role": "seller",
        "password": "12345678",
        "confirm": "12345678",
    }
    response = admin.post("/users/new", data=data)
    assert response.status_code == 400
    assert "formulário expirou" in response.get_data(as_text=True)
    # A cookie-authenticated API write needs the token too (a bearer token does not).
    assert admin.post("/api/v1/users", json=data).status_code == 400


def test_a_bogus_bearer_token_beside_a_session_cookie_is_refused(login_as):
    """The token is skipped by the CSRF check, so it must not borrow the cookie's user."""
    admin = login_as("admin")
    admin.environ_base.pop("HTTP_X_CSRFTOKEN")
    bogus = {"Authorization": "Bearer not-a-token"}
    user = {"name": "X", "email": "x@x.com", "role": "admin", "password": "12345678"}
    assert admin.get("/api/v1/auth/me", headers=bogus).status_code == 401
    refused = admin.post("/api/v1/users", json=user, headers=bogus)
    assert refused.status_code == 401 and refused.get_json()["error"] == "invalid_token"
    assert admin.get("/api/v1/auth/me").status_code == 200  # the cookie alone still works


def _fail_login(client, email: str):
    token = csrf_from(client)
    return client.post("/login", data={"email": email, "password": "errada", "csrf_token": token})


def test_failed_logins_are_throttled_per_account(app, client, tenant):
    for _ in range(5):
        assert _fail_login(client, tenant.email).status_code == 422
    blocked = _fail_login(client, tenant.email)
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Muitas tentativas de acesso sem sucesso" in blocked.get_data(as_text=True)
    # Even the right password waits: the account is throttled, not the form.
    token = csrf_from(client)
    right = client.post(
        "/login", data={"email": tenant.email, "password": tenant.password, "csrf_token": token}
    )
    assert right.status_code == 429
    # The API shares the account counter and answers in the contract's format.
    api = client.post("/api/v1/auth/token", json={"email": tenant.email, "password": "errada"})
    assert api.status_code == 429 and api.headers["Retry-After"]
    assert api.get_json()["error"] == "rate_limited"
    assert "Muitas tentativas" in api.get_json()["message"]


def test_successful_logins_are_not_counted_and_other_accounts_are_free(client, tenant, make_user):
    for _ in range(8):
        sign_in(client, tenant)
        client.post("/logout")
    other = make_user(tenant.tenant_id)
    for _ in range(5):
        _fail_login(client, other.email)
    sign_in(client, tenant)


def test_a_successful_sign_in_clears_the_accounts_failures(client, tenant):
    for _ in range(4):
        assert _fail_login(client, tenant.email).status_code == 422
    sign_in(client, tenant)
    client.post("/logout")
    # Four more typos: without the reset the account would be at nine failures, blocked.
    for _ in range(4):
        assert _fail_login(client, tenant.email).status_code == 422
    api = client.post(
        "/api/v1/auth/token", json={"email": tenant.email, "password": tenant.password}
    )
    assert api.status_code == 200  # the API sign-in clears them too
    for _ in range(5):
        wrong = {"email": tenant.email, "password": "errada"}
        assert client.post("/api/v1/auth/token", json=wrong).status_code == 401
    # Failures after the last success still count.
    assert _fail_login(client, tenant.email).status_code == 429


def test_failed_logins_are_throttled_per_ip(app, client):
    app.config["LOGIN_THROTTLE_IP"] = "3 per 5 minutes"
    try:
        for n in range(3):
            response = client.post(
                "/api/v1/auth/token", json={"email": f"x{n}@y.com", "password": "z"}
            )
            assert response.status_code == 401
        blocked = client.post("/api/v1/auth/token", json={"email": "novo@y.com", "password": "z"})
        assert blocked.status_code == 429 and blocked.get_json()["error"] == "rate_limited"
        other_ip = client.post(
            "/api/v1/auth/token",
            json={"email": "novo@y.com", "password": "z"},
            environ_base={"REMOTE_ADDR": "10.9.8.7"},
        )
        assert other_ip.status_code == 401
    finally:
        app.config["LOGIN_THROTTLE_IP"] = "30 per 5 minutes"


def test_openapi_document_is_valid_and_lists_the_api(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    paths = spec["paths"]
    for path, method in [
        ("/api/v1/auth/token", "post"),
        ("/api/v1/auth/refresh", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/auth/me", "get"),
        ("/api/v1/users", "post"),
    ]:
        assert method in paths[path], (path, method)
    token_response = paths["/api/v1/auth/token"]["post"]["responses"]["200"]
    schema_ref = token_response["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert set(spec["components"]["schemas"][schema_ref]["properties"]) == {
        "access_token",
        "refresh_token",
        "token_type",
        "expires_in",
    }


def test_every_api_rule_is_in_the_openapi_document(app, client):
    """Routes other modules add to the API must show up in the document too."""
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    documented = {
        (path.replace("{", "<").replace("}", ">"), method.upper())
        for path, item in paths.items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint == "api-docs.openapi_json":
            continue
        plain = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)  # <int:id> -> <id>
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (plain, method) in documented, (rule.rule, method)
