"""JWT access tokens for the API (HS256 pinned: no ``none``, no key confusion)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import jwt
from flask import current_app

from webapp.core.models import utcnow

ALGORITHM = "HS256"
ISSUER = "vitrine"


class InvalidToken(Exception):
    """A token that is malformed, tampered with, expired or of the wrong type."""


def _key() -> str:
    return current_app.config["SECRET_KEY"]


def issue_access_token(
    user_id: int, tenant_id: int, ttl: timedelta, version: int = 0
) -> tuple[str, dict[str, Any]]:
    """A signed access token; ``version`` is the user's token_version at issue time."""
    now = utcnow()
    claims = {
        "iss": ISSUER,
        "sub": str(user_id),
        "tid": tenant_id,
        "jti": uuid.uuid4().hex,
        "typ": "access",
        "ver": version,
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, _key(), algorithm=ALGORITHM), claims


def decode_access_token(token: str) -> dict[str, Any]:
    try:
        claims = jwt.decode(
            token,
            _key(),
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "jti", "typ"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    if claims.get("typ") != "access":
        raise InvalidToken("not an access token")
    return claims
