"""Helpers for bulk loads (demo and benchmark seeds)."""

from __future__ import annotations

from sqlalchemy import text

from webapp.extensions import db


def vacuum_analyze(*tables: str) -> None:
    """Make freshly bulk-loaded tables as fast to read as settled ones (PostgreSQL).

    ANALYZE gives the planner statistics (without them it plans for empty tables and may
    scan); VACUUM sets the visibility map, without which every index-only scan of the
    reports still visits the heap, and moves the pending entries of GIN indexes (the
    product search) into the index proper. Autovacuum would get there eventually; a
    benchmark or a demo that starts right after the seed must not wait for it. VACUUM
    cannot run inside a transaction, hence the autocommit connection. SQLite needs nothing.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in tables:
            conn.execute(text(f"VACUUM ANALYZE {table}"))
