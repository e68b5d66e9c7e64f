"""On PostgreSQL a stock move is a HOT update: it rewrites the row in place, touching no index.

That holds while no index covers a column a stock move writes, and pages keep free room.
An index on stock_qty (or version, updated_at) would make every sale write an entry into
every index of the table, the GIN search index included (migration 0012 explains).
"""

from __future__ import annotations

from sqlalchemy import text

from tests.conftest import in_tenant, requires_postgres
from webapp.extensions import db

pytestmark = requires_postgres
WRITTEN_BY_A_STOCK_MOVE = {"stock_qty", "version", "updated_at"}


def test_no_index_covers_what_a_stock_move_writes(app):
    with in_tenant(app):
        indexes = db.session.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'products'")
        ).all()
    assert indexes
    for name, definition in indexes:
        touched = {column for column in WRITTEN_BY_A_STOCK_MOVE if column in definition}
        assert not touched, f"{name} covers {touched}: stock moves would not be HOT updates"


def test_product_pages_keep_room_for_in_place_updates(app):
    with in_tenant(app):
        options = db.session.scalar(
            text("SELECT reloptions FROM pg_class WHERE relname = 'products'")
        )
    assert "fillfactor=85" in (options or [])
