"""Denylist of access-token ids (``jti``) revoked before they expire.

With Redis a key per ``jti`` expires together with the token. The embedded default (and a
Redis outage) uses the ``revoked_access_tokens`` table, pruned as new ids are added.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import ColumnElement, delete, exists

from webapp.core.jobs import get_redis
from webapp.core.models import utcnow
from webapp.core.uow import unit_of_work
from webapp.identity.models import RevokedAccessToken

log = logging.getLogger(__name__)


def _key(jti: str) -> str:
    return f"{current_app.config['REDIS_KEY_PREFIX']}:jwt-denied:{jti}"


def deny(jti: str, expires_at: datetime) -> None:
    """Refuse the access token ``jti`` from now until ``expires_at``."""
    if expires_at <= utcnow():
        return
    redis = get_redis()
    if redis is not None:
        try:
            redis.set(_key(jti), "1", exat=int(expires_at.timestamp()) + 1)
            return
        except RedisError:
            log.warning("Redis unavailable: denylisting token %s in the database", jti)
    with unit_of_work() as uow:
        uow.session.execute(
            delete(RevokedAccessToken).where(RevokedAccessToken.expires_at <= utcnow())
        )
        if uow.session.get(RevokedAccessToken, jti) is None:
            uow.session.add(RevokedAccessToken(jti=jti, expires_at=expires_at))


def denied_in_table(jti: Any, now: Any) -> ColumnElement[bool]:
    """SQL ``EXISTS`` for ``jti`` revoked and not yet expired at ``now`` (values or bound
    parameters): the caller folds it into a query it already runs (the bearer user lookup),
    so the table costs no round trip of its own."""
    return exists().where(RevokedAccessToken.jti == jti, RevokedAccessToken.expires_at > now)


def denied_in_redis(jti: str) -> bool:
    """True if ``jti`` is denylisted in Redis; False without Redis or when it is down (ids
    revoked during an outage live in the table, which :func:`denied_in_table` checks)."""
    redis = get_redis()
    if redis is None:
        return False
    try:
        return bool(redis.exists(_key(jti)))
    except RedisError:
        log.warning("Redis unavailable: checking the token denylist in the database only")
        return False
