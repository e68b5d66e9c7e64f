"""API token flows (SPEC 1/8): token pairs, refresh rotation with reuse detection, logout.

An access token lives 15 minutes and names its ``jti``; a refresh token lives 7 days, is kept
only as a SHA-256 hash and belongs to the family started by one sign-in. Refreshing spends
the presented token and issues the next one in the family. A spent token seen again means a
copy is in someone else's hands, so the whole family is revoked.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from webapp.core.domain import DomainError
from webapp.core.models import utcnow
from webapp.core.uow import unit_of_work
from webapp.extensions import db
from webapp.identity import denylist
from webapp.identity.models import RefreshToken, User
from webapp.identity.tokens import issue_access_token


class InvalidRefreshToken(DomainError):
    code = "invalid_token"
    status = 401
    default_message = "Token de atualização inválido, expirado ou revogado. Entre novamente."


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token_pair(user: User, access_ttl: timedelta, refresh_ttl: timedelta) -> TokenPair:
    """A new sign-in: a fresh refresh family and an access token."""
    with unit_of_work(user) as uow:
        refresh = _new_refresh_token(uow.session, user, uuid.uuid4().hex, refresh_ttl)
    return _pair(user, refresh, access_ttl)


def rotate(raw_refresh: str, access_ttl: timedelta, refresh_ttl: timedelta) -> TokenPair:
    """Spend ``raw_refresh`` and return the next pair of its family."""
    token = _find(raw_refresh)
    now = utcnow()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        raise InvalidRefreshToken()
    with unit_of_work(token.user_id) as uow:
        # Conditional update: of two concurrent refreshes with one token only one spends it.
        spent = uow.session.execute(
            update(RefreshToken)
            .where(RefreshToken.id == token.id, RefreshToken.used_at.is_(None))
            .where(RefreshToken.revoked_at.is_(None))
            .values(used_at=now)
        ).rowcount
        user = _active_user(token.user_id) if spent else None
        if user is not None:
            refresh = _new_refresh_token(uow.session, user, token.family_id, refresh_ttl)
    if not spent:
        revoke_family(token.family_id)  # reuse of a spent token: the family is compromised
        raise InvalidRefreshToken()
    if user is None:
        raise InvalidRefreshToken()
    return _pair(user, refresh, access_ttl)


def logout(user: User, raw_refresh: str, access_claims: dict | None) -> None:
    """Revoke the sign-in's refresh family and the access token used to sign out."""
    token = _find(raw_refresh)
    if token is None or token.user_id != user.id:
        raise InvalidRefreshToken()
    revoke_family(token.family_id)
    if access_claims:
        expires_at = datetime.fromtimestamp(int(access_claims["exp"]), UTC)
        denylist.deny(access_claims["jti"], expires_at)


def revoke_family(family_id: str) -> None:
    with unit_of_work() as uow:
        uow.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def revoke_user_tokens(session, user_id: int) -> None:
    """Inside a caller's unit of work: every refresh family of ``user_id`` ends."""
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def _find(raw: str) -> RefreshToken | None:
    if not raw:
        return None
    query = select(RefreshToken).where(RefreshToken.token_hash == hash_token(raw))
    return db.session.scalars(query).first()


def _active_user(user_id: int) -> User | None:
    query = (
        select(User)
        .where(User.id == user_id, User.active.is_(True))
        .execution_options(all_tenants=True)
    )
    return db.session.scalars(query).first()


def _new_refresh_token(session, user: User, family_id: str, ttl: timedelta) -> str:
    raw = secrets.token_urlsafe(32)
    session.add(
        RefreshToken(
            token_hash=hash_token(raw),
            family_id=family_id,
            user_id=user.id,
            expires_at=utcnow() + ttl,
        )
    )
    return raw


def _pair(user: User, refresh: str, access_ttl: timedelta) -> TokenPair:
    access, _claims = issue_access_token(user.id, user.tenant_id, access_ttl, user.token_version)
    return TokenPair(access, refresh, int(access_ttl.total_seconds()))
