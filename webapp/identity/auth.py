"""How a request is authenticated: session cookie for browsers, bearer token for the API."""

from __future__ import annotations

from flask import Response, g, redirect, request, url_for
from flask_login import LoginManager
from sqlalchemy import bindparam, select

from webapp.core.errors import api_error, is_api_request
from webapp.core.ids import is_id
from webapp.core.models import utcnow
from webapp.extensions import db
from webapp.identity import denylist, services
from webapp.identity.models import User
from webapp.identity.tokens import InvalidToken, decode_access_token


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


# Built once, run with parameters: every API call runs it (see load_session_user).
_BEARER_USER = (
    select(User, denylist.denied_in_table(bindparam("jti"), bindparam("now")))
    .where(
        User.id == bindparam("user_id"),
        User.tenant_id == bindparam("tenant_id"),
        User.active.is_(True),
    )
    .execution_options(all_tenants=True)
)


def user_from_bearer_token(token: str) -> User | None:
    """The user of a valid access token, checked on every request.

    Besides the signature and expiry: the user must still be active, the token must carry
    the user's current token_version (a password reset or deactivation moves it on) and its
    ``jti`` must not be denylisted by a logout.
    """
    try:
        claims = decode_access_token(token)
        user_id = int(claims["sub"])
        tenant_id = int(claims["tid"])
    except (InvalidToken, KeyError, TypeError, ValueError):
        return None
    if not (is_id(user_id) and is_id(tenant_id)):  # signed, yet no row could have these ids
        return None
    jti = str(claims["jti"])
    params = {"jti": jti, "now": utcnow(), "user_id": user_id, "tenant_id": tenant_id}
    row = db.session.execute(_BEARER_USER, params).first()
    if row is None:
        return None
    user, denied = row
    if denied or claims.get("ver", 0) != user.token_version or denylist.denied_in_redis(jti):
        return None
    g.access_claims = claims  # /auth/logout denylists this token
    return user


def configure_login(login_manager: LoginManager) -> None:
    login_manager.login_view = "identity.login"
    login_manager.login_message = "Entre para continuar."
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_user(session_key: str) -> User | None:
        # A request that shows a bearer token is judged by that token alone: a bogus one
        # beside a session cookie must not ride on the cookie (CSRF is skipped for
        # bearer calls, see core.requests).
        if bearer_token():
            return None
        return services.load_session_user(session_key)

    @login_manager.request_loader
    def _load_user_from_request(req) -> User | None:
        token = bearer_token()
        return user_from_bearer_token(token) if token else None

    @login_manager.unauthorized_handler
    def _unauthorized():
        if is_api_request():
            return api_error(401, "invalid_token", "Token de acesso ausente, inválido ou expirado.")
        if request.headers.get("HX-Request") == "true":
            # A fragment request must not swap the login page into a corner of the screen.
            return Response("", 401, headers={"HX-Redirect": url_for("identity.login")})
        return redirect(url_for("identity.login", next=request.full_path.rstrip("?")))
