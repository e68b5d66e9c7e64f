"""Report figures cached in Redis until the data under them changes.

A report over a year of a busy shop aggregates a million order lines (0.1 to 0.5 s of
database time); the same figures are asked for again and again by every admin who opens the
dashboard. Each cached value is keyed by the tenant's change counters of every table the
reports read (``webapp.core.changes``): the first view after a sale, a payment, a stock move
or a rename recomputes, every other view reads the stored result. So a cached figure is
exact, never "a few minutes old"; the TTL only bounds the damage of a counter bump lost to a
Redis outage.

One request computes a missing value while concurrent requests for the same key wait for it
(bounded), so twenty admins opening a cold dashboard cost one computation, not twenty. Each
process also keeps the last values it read in memory under the same exact keys (the counters
are read from Redis on every call), so a big figure (an ABC curve of thousands of products)
is unpickled once per process and data version, not on every view.
Without Redis (the embedded default) nothing is cached. Values are pickled: the cache holds
only what this code stored, in a Redis trusted like the database itself.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar

from flask import current_app
from redis.exceptions import RedisError

from webapp.core import changes
from webapp.core.jobs import get_redis

log = logging.getLogger(__name__)

T = TypeVar("T")

# Every table a report reads, directly or through a join (names, stock, categories).
SOURCE_TABLES = (
    "orders",
    "order_lines",
    "ledger_transactions",
    "products",
    "categories",
    "customers",
    "users",
)
TTL_SECONDS = 600
COMPUTE_LOCK_SECONDS = 30
WAIT_FOR_OTHER_SECONDS = 10.0
POLL_SECONDS = 0.02
MEMORY_ENTRIES = 32  # per process; a big ABC curve is a few MB
# Bump when a cached value's type changes shape: old entries are then never read.
FORMAT = 1
_MISS = object()


def cached(name: str, tenant_id: int, key_parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``'s result for these arguments, computed at most once per data version.

    The value is shared by every caller (and kept in this process): never mutate it.
    """
    versions = changes.versions(tenant_id, SOURCE_TABLES)
    if versions is None:  # no Redis, or it is down
        return compute()
    redis = get_redis()
    key = _key(name, tenant_id, key_parts, versions)
    value = _memory.get(key)
    if value is _MISS:
        value = _shared(redis, key, compute)
        _memory.put(key, value)
    return value


def _shared(redis, key: str, compute: Callable[[], T]) -> T:
    try:
        value = _load(redis, key)
        if value is not _MISS:
            return value
        if redis.set(f"{key}:computing", 1, nx=True, ex=COMPUTE_LOCK_SECONDS):
            return _compute_and_store(redis, key, compute)
        value = _wait_for_other(redis, key)
    except RedisError as exc:
        log.warning("report cache unavailable: %s", exc)
        return compute()
    return compute() if value is _MISS else value


class _Recent:
    """The last few values this process read, by exact key (thread-safe, bounded)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.values: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            if key not in self.values:
                return _MISS
            self.values.move_to_end(key)
            return self.values[key]

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            self.values[key] = value
            self.values.move_to_end(key)
            while len(self.values) > self.size:
                self.values.popitem(last=False)


_memory = _Recent(size=MEMORY_ENTRIES)


def _key(name: str, tenant_id: int, key_parts: tuple[Any, ...], versions: tuple) -> str:
    digest = hashlib.sha1(repr((key_parts, versions)).encode(), usedforsecurity=False)
    prefix = current_app.config["REDIS_KEY_PREFIX"]
    return f"{prefix}:reports:{FORMAT}:{tenant_id}:{name}:{digest.hexdigest()}"


def _load(redis, key: str) -> Any:
    blob = redis.get(key)
    if blob is None:
        return _MISS
    try:
        return pickle.loads(blob)
    except Exception:  # written by another version of the code: recompute
        return _MISS


def _compute_and_store(redis, key: str, compute: Callable[[], T]) -> T:
    try:
        value = compute()
    except BaseException:
        _forget_lock(redis, key)
        raise
    try:
        redis.set(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), ex=TTL_SECONDS)
    except RedisError as exc:  # the figure is right; only the next view pays for it again
        log.warning("report not cached: %s", exc)
    _forget_lock(redis, key)
    return value


def _forget_lock(redis, key: str) -> None:
    with suppress(RedisError):  # otherwise it expires by itself
        redis.delete(f"{key}:computing")


def _wait_for_other(redis, key: str) -> Any:
    deadline = time.monotonic() + WAIT_FOR_OTHER_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        value = _load(redis, key)
        if value is not _MISS or not redis.exists(f"{key}:computing"):
            return value
    return _MISS
