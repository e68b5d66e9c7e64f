"""Live stock badges for open screens (checkout, product list): ETag'd polling.

Choice (issue 6, measured): every open screen polls ``GET /live/stock?ids=...`` once a
second with the ETag of what it shows. The ETag is derived from a per-tenant stock version:

* with Redis, a counter INCRemented by ``catalog.events.publish_stock_changed`` right after
  every committed stock move, so an idle poll costs ONE Redis GET and answers ``304``;
* on the embedded default (no Redis), one indexed query of ``(id, version)`` for the ids on
  screen (every stock move bumps the product's RowVersion).

Measured with the Flask test client, 300 polls of one badge (2 cores): idle poll = 304 with
a 0-byte body (~1 KB of security headers), median 5.2 ms on PostgreSQL+Redis (most of it
the login-session lookup every request does) and 1.4 ms on SQLite; a poll after a change =
200 with ~170 B per badge, median 10.7 ms / 2.2 ms.

The alternative, the htmx SSE extension with a streaming endpoint on Redis pub/sub, holds a
gunicorn sync worker per open screen for as long as it is open: with the default 2 sync
workers on 2 cores, two open checkouts would starve every other request. SSE would need
``--worker-class gthread --threads N`` sized to the number of open screens (or gevent) and
keeps a Redis connection per screen; polling keeps the stock gunicorn command and works with
any number of processes, since the state is in Redis/the database, not in a process.
"""

from __future__ import annotations

import hashlib
import time

from redis.exceptions import RedisError
from sqlalchemy import select

from webapp.catalog.events import stock_version_key
from webapp.catalog.models import Product
from webapp.core.ids import parse_id
from webapp.core.jobs import get_redis
from webapp.core.tenancy import require_tenant_id
from webapp.extensions import db

MAX_IDS = 200


def parse_ids(raw: str | None) -> list[int]:
    """``"3,1,x,3"`` -> ``[1, 3]``: digits only, deduplicated, at most MAX_IDS."""
    ids = {parse_id(part) for part in (raw or "").split(",")} - {None}
    return sorted(ids)[:MAX_IDS]


def _redis_version(tenant_id: int) -> str | None:
    client = get_redis()
    if client is None:
        return None
    key = stock_version_key(tenant_id)
    try:
        value = client.get(key)
        if value is None:
            # A fresh (or flushed) Redis: start from a value never used before, so an old
            # ETag can never match quantities that changed while the counter was missing.
            client.set(key, time.time_ns(), nx=True)
            value = client.get(key)
    except RedisError:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)


def _db_version(ids: list[int]) -> str:
    rows = db.session.execute(
        select(Product.id, Product.version).where(Product.id.in_(ids)).order_by(Product.id)
    )
    return ";".join(f"{row.id}:{row.version}" for row in rows)


def stock_etag(ids: list[int]) -> str:
    """The ETag of the badges for ``ids`` in the current tenant (read BEFORE the data)."""
    tenant_id = require_tenant_id()
    version = _redis_version(tenant_id)
    basis = f"r{version}" if version is not None else f"d{_db_version(ids)}"
    digest = hashlib.blake2b(
        f"{tenant_id}|{','.join(map(str, ids))}|{basis}".encode(), digest_size=10
    )
    return digest.hexdigest()
