"""API token flows of SPEC 1/8: pairs, rotation, reuse detection, logout, bad tokens."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import jwt
import pytest

from tests.conftest import PASSWORD, in_tenant
from webapp.identity import services
from webapp.identity.models import Role
from webapp.identity.tokens import issue_access_token


def get_pair(client, account) -> dict:
    response = client.post(
        "/api/v1/auth/token", json={"email": account.email, "password": account.password}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def me(client, access: str):
    return client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {access}"})


def assert_invalid_token(response) -> None:
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_token"


def test_token_pair_and_me(client, tenant):
    pair = get_pair(client, tenant)
    assert pair["token_type"] == "Bearer" and pair["expires_in"] == 15 * 60
    assert pair["refresh_token"] and pair["access_token"]
    body = me(client, pair["access_token"]).get_json()
    assert body["id"] == tenant.id and body["email"] == tenant.email
    assert body["role"] == "admin" and body["name"] == "Admin Teste"
    assert body["tenant"] == {"id": tenant.tenant_id, "name": "Loja Teste"}


def test_wrong_password_and_bad_body(client, tenant):
    response = client.post("/api/v1/auth/token", json={"email": tenant.email, "password": "x"})
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_credentials"
    response = client.post("/api/v1/auth/token", json={"email": tenant.email})
    assert response.status_code == 422
    assert "password" in response.get_json()["details"]["fields"]
    response = client.post("/api/v1/auth/token", data="não é json", content_type="text/plain")
    assert response.status_code in (415, 422)


def test_refresh_rotates_and_reuse_revokes_the_family(client, tenant):
    first = get_pair(client, tenant)
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert response.status_code == 200
    second = response.get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert me(client, second["access_token"]).status_code == 200

    # The spent token comes back (it leaked): refused, and the whole family dies.
    reuse = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert_invalid_token(reuse)
    after = client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert_invalid_token(after)


def test_other_sign_ins_keep_their_own_family(client, tenant):
    first, other = get_pair(client, tenant), get_pair(client, tenant)
    client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]})
    assert response.status_code == 200


def test_unknown_refresh_token_is_refused(client, tenant):
    assert_invalid_token(client.post("/api/v1/auth/refresh", json={"refresh_token": "nope"}))
    access = get_pair(client, tenant)["access_token"]
    assert_invalid_token(client.post("/api/v1/auth/refresh", json={"refresh_token": access}))
    response = client.post("/api/v1/auth/refresh", json={})
    assert response.status_code == 422


def test_logout_revokes_access_and_refresh(client, tenant):
    pair = get_pair(client, tenant)
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    response = client.post(
        "/api/v1/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=headers
    )
    assert response.status_code == 204
    assert_invalid_token(me(client, pair["access_token"]))
    refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert_invalid_token(refresh)


def test_a_token_revoked_while_redis_was_down_stays_refused(app, client, tenant):
    """deny() falls back to the table when Redis is down; with Redis back, the id must
    still be refused (the user lookup checks the table in the same query)."""
    from webapp.core.models import utcnow
    from webapp.extensions import db
    from webapp.identity.models import RevokedAccessToken

    access = get_pair(client, tenant)["access_token"]
    assert me(client, access).status_code == 200
    claims = jwt.decode(access, options={"verify_signature": False})
    with app.app_context():
        db.session.add(
            RevokedAccessToken(jti=claims["jti"], expires_at=utcnow() + timedelta(minutes=5))
        )
        db.session.commit()
    assert_invalid_token(me(client, access))


def test_logout_with_someone_elses_refresh_token_is_refused(client, tenant, make_user):
    seller = make_user(tenant.tenant_id, Role.SELLER)
    mine, theirs = get_pair(client, tenant), get_pair(client, seller)
    response = client.post(
        "/api/v1/auth/logout",
        json={"refresh_token": theirs["refresh_token"]},
        headers={"Authorization": f"Bearer {mine['access_token']}"},
    )
    assert_invalid_token(response)
    assert me(client, theirs["access_token"]).status_code == 200


def test_logout_needs_a_token(client):
    assert_invalid_token(client.post("/api/v1/auth/logout", json={"refresh_token": "x"}))


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_tampered_signature_is_refused(client, tenant):
    access = get_pair(client, tenant)["access_token"]
    header, payload, signature = access.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert_invalid_token(me(client, f"{header}.{payload}.{flipped}"))
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "999"
    assert_invalid_token(me(client, f"{header}.{_b64(claims)}.{signature}"))


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_alg_none_and_foreign_key_are_refused(app, client, tenant):
    access = get_pair(client, tenant)["access_token"]
    claims = jwt.decode(access, options={"verify_signature": False})
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    assert_invalid_token(me(client, unsigned))
    forged = jwt.encode(claims, "another-secret-key-of-enough-length-000", algorithm="HS256")
    assert_invalid_token(me(client, forged))
    other_alg = jwt.encode(claims, app.config["SECRET_KEY"], algorithm="HS512")
    assert_invalid_token(me(client, other_alg))


def test_expired_token_is_refused(app, client, tenant):
    with app.app_context():
        token, _ = issue_access_token(tenant.id, tenant.tenant_id, timedelta(seconds=-5))
    assert_invalid_token(me(client, token))


def test_a_token_naming_another_tenant_for_its_user_is_refused(app, client, tenant, make_tenant):
    other = make_tenant("Outra Loja")
    with app.app_context():
        good, _ = issue_access_token(tenant.id, tenant.tenant_id, timedelta(minutes=5))
        crossed, _ = issue_access_token(tenant.id, other.tenant_id, timedelta(minutes=5))
    assert me(client, good).status_code == 200
    assert_invalid_token(me(client, crossed))


@pytest.mark.parametrize("claim", ["sub", "tid"])
def test_a_signed_token_with_an_id_no_row_could_have_is_refused(app, client, tenant, claim):
    with app.app_context():
        token, _ = issue_access_token(tenant.id, tenant.tenant_id, timedelta(minutes=5))
    claims = jwt.decode(token, options={"verify_signature": False})
    huge = jwt.encode({**claims, claim: "9" * 30}, app.config["SECRET_KEY"], algorithm="HS256")
    assert_invalid_token(me(client, huge))


def test_refresh_token_is_not_an_access_token(client, tenant):
    pair = get_pair(client, tenant)
    assert_invalid_token(me(client, pair["refresh_token"]))


@pytest.mark.parametrize("action", ["deactivate", "reset_password"])
def test_tokens_of_a_deactivated_or_reset_user_stop_working(app, client, tenant, make_user, action):
    seller = make_user(tenant.tenant_id, Role.SELLER)
    pair = get_pair(client, seller)
    assert me(client, pair["access_token"]).status_code == 200
    with in_tenant(app, tenant.tenant_id):
        admin = services.get_user(tenant.id)
        if action == "deactivate":
            services.set_active(admin, seller.id, False)
        else:
            services.reset_password(admin, seller.id, "outra-senha-123")
    assert_invalid_token(me(client, pair["access_token"]))
    refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert_invalid_token(refresh)
    if action == "deactivate":
        response = client.post(
            "/api/v1/auth/token", json={"email": seller.email, "password": PASSWORD}
        )
        assert response.status_code == 401
