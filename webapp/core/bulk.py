"""Helpers for bulk loads (demo and benchmark seeds)."""

from __future__ import annotations

from sqlalchemy import text

from webapp.extensions import db


def analyze(*tables: str) -> None:
    """Fresh planner statistics after a bulk load, or PostgreSQL guesses (and may scan).

    Autovacuum would get there eventually; a benchmark or a demo that starts right after the
    seed must not meet plans made for empty tables. SQLite needs nothing.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(text(f"ANALYZE {table}"))
    db.session.commit()
