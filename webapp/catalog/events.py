"""Live "stock changed" notifications for open screens (checkout badges).

Published on Redis channel ``stock:<tenant_id>`` AFTER the move commits (see
``UnitOfWork.after_commit``), so a listener never sees a quantity that was rolled back.
Without Redis (embedded default) this is a no-op: pages refresh their badges through the
``HX-Trigger: stock-changed`` header and the ``catalog.stock_badges`` endpoint instead.
"""

from __future__ import annotations

import json
import logging

from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def channel_for(tenant_id: int) -> str:
    return f"stock:{tenant_id}"


def stock_version_key(tenant_id: int) -> str:
    """Per-tenant counter bumped with every publish: live-stock polls answer 304 while it holds."""
    from flask import current_app

    return f"{current_app.config.get('REDIS_KEY_PREFIX', 'vitrine')}:stock-version:{tenant_id}"


def publish_stock_changed(tenant_id: int, moved: list[tuple[int, int, int]]) -> bool:
    """Bump the tenant's stock version once and PUBLISH each new quantity (one round trip).

    ``moved`` holds ``(product_id, stock_qty, version)`` per product a transaction moved.
    Returns False when there is no Redis or it is down.
    """
    from webapp.core.jobs import get_redis

    client = get_redis()
    if client is None or not moved:
        return False
    try:
        pipe = client.pipeline(transaction=False)
        pipe.incr(stock_version_key(tenant_id))
        for product_id, qty, version in moved:
            message = {"product_id": product_id, "stock_qty": qty, "version": version}
            pipe.publish(channel_for(tenant_id), json.dumps(message))
        pipe.execute()
    except RedisError as exc:  # live badges are a nicety; the stock itself is committed
        log.warning("stock-changed publish failed: %s", exc)
        return False
    return True
