"""Sign-in, sign-out, sessions, CSRF and the login-required default."""

from __future__ import annotations

from tests.conftest import csrf_from, sign_in


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_health_is_public_and_ready_reports_checks(client):
    assert client.get("/health").get_json() == {"status": "ok"}
    body = client.get("/ready").get_json()
    assert body["checks"]["database"] == "ok"


def test_wrong_password_shows_a_message(client, tenant):
    token = csrf_from(client)
    response = client.post(
        "/login", data={"email": tenant.email, "password": "errada", "csrf_token": token}
    )
    assert response.status_code == 422
    assert "E-mail ou senha incorretos" in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, tenant):
    response = client.post("/login", data={"email": tenant.email, "password": tenant.password})
    assert response.status_code == 400
    assert "formulário expirou" in response.get_data(as_text=True)


def test_sign_in_gives_a_new_session_and_shows_home(client, tenant):
    client.get("/login")
    before = client.get_cookie("vitrine_session").value
    sign_in(client, tenant)
    after = client.get_cookie("vitrine_session").value
    assert before != after
    assert "Olá" in client.get("/").get_data(as_text=True)


def test_logout_invalidates_the_session_even_for_a_copied_cookie(app, client, tenant):
    sign_in(client, tenant)
    stolen = client.get_cookie("vitrine_session").value
    response = client.post("/logout")
    assert response.status_code == 302
    thief = app.test_client()
    thief.set_cookie("vitrine_session", stolen)
    assert thief.get("/").status_code == 302


def test_open_redirect_is_ignored(client, tenant):
    token = csrf_from(client)
    response = client.post(
        "/login?next=https://evil.example/x",
        data={"email": tenant.email, "password": tenant.password, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_api_requires_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    token_response = client.post("/api/v1/auth/token", json={"email": "x@y.com", "password": "z"})
    assert token_response.status_code == 401
    assert token_response.get_json()["error"] == "invalid_credentials"
