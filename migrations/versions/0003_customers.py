"""customers and addresses (CRM)

Revision ID: 0003_customers
Revises: 0002_identity
Create Date: 2026-11-22 05:29:49

Search indexes (see webapp/customers/models.py): the unique (tenant_id, document) index uses
text_pattern_ops on PostgreSQL so it serves both the exact checkout lookup and CPF/CNPJ prefix
searches; "name contains" uses a pg_trgm GIN index, whose extension is created here on
PostgreSQL only (SQLite builds a plain index on lower(name) instead).
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_customers"
down_revision = "0002_identity"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")

    op.create_table(
        "customers",
        sa.Column("id", BigId, nullable=False),
        sa.Column("tenant_id", BigId, nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("document", sa.String(length=14), nullable=False),
        sa.Column("document_type", sa.String(length=4), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=11), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "marketing_consent", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        *_timestamps(),
        sa.CheckConstraint(
            "document_type in ('cpf', 'cnpj')", name=op.f("ck_customers_document_type")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_customers_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
    )
    name_lower = sa.literal_column("lower(name)").label("name_lower")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customers_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            "uq_customers_tenant_document",
            ["tenant_id", "document"],
            unique=True,
            postgresql_ops={"document": "text_pattern_ops"},
        )
        batch_op.create_index("ix_customers_tenant_name", ["tenant_id", "name"], unique=False)
        batch_op.create_index(
            "ix_customers_tenant_name_prefix",
            ["tenant_id", name_lower],
            unique=False,
            postgresql_ops={"name_lower": "text_pattern_ops"},
        )
        batch_op.create_index(
            "ix_customers_name_trgm",
            [name_lower],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"name_lower": "gin_trgm_ops"},
        )
        batch_op.create_index(
            "ix_customers_tenant_email",
            ["tenant_id", "email"],
            unique=False,
            postgresql_ops={"email": "text_pattern_ops"},
        )
        batch_op.create_index(
            "ix_customers_tenant_phone",
            ["tenant_id", "phone"],
            unique=False,
            postgresql_ops={"phone": "text_pattern_ops"},
        )

    op.create_table(
        "addresses",
        sa.Column("id", BigId, nullable=False),
        sa.Column("tenant_id", BigId, nullable=False),
        sa.Column("customer_id", BigId, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("complement", sa.String(length=100), nullable=True),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("zip", sa.String(length=8), nullable=False),
        sa.Column("is_default", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("kind in ('billing', 'shipping')", name=op.f("ck_addresses_kind")),
        sa.CheckConstraint("length(state) = 2", name=op.f("ck_addresses_state_length")),
        sa.CheckConstraint("length(zip) = 8", name=op.f("ck_addresses_zip_length")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_addresses_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_addresses_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addresses")),
    )
    with op.batch_alter_table("addresses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_addresses_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_addresses_tenant_id"), ["tenant_id"], unique=False)
        # At most one default address per (customer, kind), whatever the code does.
        batch_op.create_index(
            "uq_addresses_default_per_kind",
            ["customer_id", "kind"],
            unique=True,
            postgresql_where=sa.text("is_default"),
            sqlite_where=sa.text("is_default"),
        )


def downgrade():
    op.drop_table("addresses")
    op.drop_table("customers")
    # pg_trgm stays: other tables may use it and dropping an extension is not ours to do.
