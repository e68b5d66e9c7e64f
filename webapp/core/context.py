"""Who is acting, for which tenant, under which request: set at the edges, read by the core.

Request hooks, CLI commands and jobs set these; services receive ``actor`` explicitly and
``unit_of_work(actor)`` publishes it here so the audit listener can read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# A tenant id, ALL_TENANTS for deliberate system-wide work, or None when nothing is set.
ALL_TENANTS = -1

current_tenant_id: ContextVar[int | None] = ContextVar("current_tenant_id", default=None)
current_actor_id: ContextVar[int | None] = ContextVar("current_actor_id", default=None)
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)


@contextmanager
def tenant_context(tenant_id: int) -> Iterator[None]:
    """Run a block (CLI command, job) as if a user of ``tenant_id`` were acting."""
    token = current_tenant_id.set(tenant_id)
    try:
        yield
    finally:
        current_tenant_id.reset(token)


@contextmanager
def system_context() -> Iterator[None]:
    """Run a block that deliberately sees every tenant (relay, maintenance commands)."""
    token = current_tenant_id.set(ALL_TENANTS)
    try:
        yield
    finally:
        current_tenant_id.reset(token)


@contextmanager
def actor_context(actor_id: int | None) -> Iterator[None]:
    token = current_actor_id.set(actor_id)
    try:
        yield
    finally:
        current_actor_id.reset(token)
