"""customers, products: name_folded, the search ignores accents and case

Revision ID: 0015_name_folded_search
Revises: 0014_orders_list_indexes
Create Date: 2026-12-02

"acucar" found no "Açúcar refinado" and "joao" no "João": the searches compared lower(name).
Both tables get ``name_folded`` (lowercase, accents removed by NFKD, whitespace collapsed;
webapp.core.text_search.fold), kept by the ORM, and the lower(name) search indexes are
rebuilt on it. No database extension: unaccent is PostgreSQL-only and not immutable, so no
index could use it, and SQLite has nothing alike.

The backfill folds in Python, in batches by id, with a frozen copy of ``fold`` (migrations
never import webapp; tests/core/test_text_search.py keeps the two equal). SQL cannot fold
exactly like Python: translate() knows only the letters it is given, and lower() follows the
database's locale. PostgreSQL writes each batch with one UPDATE ... FROM unnest(); SQLite,
in process, with executemany. The old indexes go first so the backfill does not update them.
On SQLite, NOT NULL rebuilds the table, with foreign keys paused as 0006_sales explains.
At 1,000,000 customers and 20,000 products PostgreSQL took 3 to 5 minutes (a busy 2-core
machine), both tables locked throughout: a quiet hour's job. Every row is rewritten once;
autovacuum reclaims the old versions afterwards.
"""

import unicodedata
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0015_name_folded_search"
down_revision = "0014_orders_list_indexes"
branch_labels = None
depends_on = None

BATCH = 10_000
TABLES = ("customers", "products")
LOWER_NAME = sa.literal_column("lower(name)").label("name_lower")
# table -> (index, column, with tenant_id for short prefixes? else pg_trgm for "contains")
OLD_INDEXES = {
    "customers": [
        ("ix_customers_tenant_name_prefix", LOWER_NAME, True),
        ("ix_customers_name_trgm", LOWER_NAME, False),
    ],
    "products": [("ix_products_name_trgm", LOWER_NAME, False)],
}
NEW_INDEXES = {
    "customers": [
        ("ix_customers_tenant_name_folded_prefix", "name_folded", True),
        ("ix_customers_name_folded_trgm", "name_folded", False),
    ],
    "products": [("ix_products_name_folded_trgm", "name_folded", False)],
}


def fold(text: str) -> str:
    """Frozen copy of webapp.core.text_search.fold as of this revision."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def _create_index(table: str, name: str, column, prefix: bool) -> None:
    key = column if isinstance(column, str) else column.name
    if prefix:  # LIKE 'ab%' under any collation
        op.create_index(
            name, table, ["tenant_id", column], postgresql_ops={key: "text_pattern_ops"}
        )
    else:  # pg_trgm comes from 0003_customers; SQLite gets a plain index
        op.create_index(
            name, table, [column], postgresql_using="gin", postgresql_ops={key: "gin_trgm_ops"}
        )


def upgrade():
    for table in TABLES:
        for name, _column, _prefix in OLD_INDEXES[table]:
            op.drop_index(name, table_name=table)
        op.add_column(table, sa.Column("name_folded", sa.Text(), nullable=True))
        _backfill(table)
        with _sqlite_foreign_keys_off(), op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("name_folded", existing_type=sa.Text(), nullable=False)
        for index in NEW_INDEXES[table]:
            _create_index(table, *index)
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"ANALYZE {table}")  # the planner knows nothing of the new column yet


def downgrade():
    for table in TABLES:
        for name, _column, _prefix in NEW_INDEXES[table]:
            op.drop_index(name, table_name=table)
        with _sqlite_foreign_keys_off(), op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("name_folded")
        for index in OLD_INDEXES[table]:
            _create_index(table, *index)


def _backfill(table: str) -> None:
    bind = op.get_bind()
    read = sa.text(f"SELECT id, name FROM {table} WHERE id > :after ORDER BY id LIMIT :n")
    after = 0
    while rows := bind.execute(read, {"after": after, "n": BATCH}).all():
        _write_folded(bind, table, [(row_id, fold(name)) for row_id, name in rows])
        after = rows[-1][0]


def _write_folded(bind, table: str, folded: list[tuple[int, str]]) -> None:
    if bind.dialect.name == "postgresql":  # one statement per batch, not one per row
        ids, names = zip(*folded, strict=True)
        statement = (
            f"UPDATE {table} SET name_folded = v.folded"
            " FROM unnest(CAST(:ids AS bigint[]), CAST(:names AS text[])) AS v(id, folded)"
            f" WHERE {table}.id = v.id"
        )
        bind.execute(sa.text(statement), {"ids": list(ids), "names": list(names)})
    else:
        statement = f"UPDATE {table} SET name_folded = :folded WHERE id = :id"
        bind.execute(sa.text(statement), [{"id": i, "folded": f} for i, f in folded])


@contextmanager
def _sqlite_foreign_keys_off():
    """SQLite rebuilds the table to change NOT NULL: copy, DROP, rename. With foreign keys
    enforced, dropping customers while addresses and orders point at it fails, so
    enforcement is paused around the rebuild and the references are verified afterwards.
    PRAGMA foreign_keys is ignored inside a transaction: the work so far is committed first,
    and again before enforcement comes back (a pooled connection must never stay without it).
    """
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    raw = bind.connection.driver_connection
    raw.commit()
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        yield
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:5]}")
    finally:
        raw.commit()
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")
        assert bind.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
