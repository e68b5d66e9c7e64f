"""orders: the amount_due check compares centavos (SQLite keeps NUMERIC as a double)

Revision ID: 0013_orders_amount_due_check
Revises: 0012_products_hot_stock
Create Date: 2026-12-01

``amount_due = total - wallet_amount`` refused a R$ 19,90 sale paying R$ 0,01 with balance
on the embedded default: SQLite computed 19.9 - 0.01 = 19.889999... and the INSERT failed
with a database error. Both sides are now rounded to centavos, which is exact (and changes
nothing) on PostgreSQL's NUMERIC.
"""

from contextlib import contextmanager

from alembic import op

revision = "0013_orders_amount_due_check"
down_revision = "0012_products_hot_stock"
branch_labels = None
depends_on = None

NAME = "ck_orders_amount_due_is_total_minus_wallet"


def upgrade():
    _replace_check("round(amount_due, 2) = round(total - wallet_amount, 2)")


def downgrade():
    _replace_check("amount_due = total - wallet_amount")


def _replace_check(condition: str) -> None:
    with _sqlite_foreign_keys_off(), op.batch_alter_table("orders") as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_="check")
        batch_op.create_check_constraint(op.f(NAME), condition)


@contextmanager
def _sqlite_foreign_keys_off():
    """SQLite rebuilds the table to change a CHECK: copy, DROP, rename. With foreign keys
    enforced, dropping orders while its lines and status changes point at it fails (every
    embedded database with a sale did), so enforcement is paused around the rebuild and the
    references are verified afterwards. PRAGMA foreign_keys is ignored inside a transaction:
    the work so far is committed first, and again before enforcement comes back (a pooled
    connection must never stay without it). Same as 0006 and 0015: migrations import nothing
    of each other.
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
