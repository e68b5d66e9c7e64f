"""orders: the amount_due check compares centavos (SQLite keeps NUMERIC as a double)

Revision ID: 0013_orders_amount_due_check
Revises: 0012_products_hot_stock
Create Date: 2026-12-01

``amount_due = total - wallet_amount`` refused a R$ 19,90 sale paying R$ 0,01 with balance
on the embedded default: SQLite computed 19.9 - 0.01 = 19.889999... and the INSERT failed
with a database error. Both sides are now rounded to centavos, which is exact (and changes
nothing) on PostgreSQL's NUMERIC.
"""

from alembic import op

revision = "0013_orders_amount_due_check"
down_revision = "0012_products_hot_stock"
branch_labels = None
depends_on = None

NAME = "ck_orders_amount_due_is_total_minus_wallet"


def upgrade():
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_="check")
        batch_op.create_check_constraint(
            op.f(NAME), "round(amount_due, 2) = round(total - wallet_amount, 2)"
        )


def downgrade():
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_="check")
        batch_op.create_check_constraint(op.f(NAME), "amount_due = total - wallet_amount")
