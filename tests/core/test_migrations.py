"""The migrations build exactly the schema the models describe, and upgrade old data."""

from decimal import Decimal

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from webapp.extensions import db


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ; run 'flask db migrate': {diff}"


# One sale, as an embedded demo made before 0013 holds it: the later migrations rebuild
# tables that others point at (orders, customers) and must keep every row and reference.
SALE_AT_0012 = [
    "INSERT INTO tenants (id, name, created_at) VALUES (1, 'Loja', '2026-01-05 10:00:00')",
    "INSERT INTO users (id, tenant_id, email, name, role, password_hash, active, token_version,"
    " created_at, updated_at) VALUES (1, 1, 'ana@loja.com', 'Ana', 'admin', 'x', true, 0,"
    " '2026-01-05 10:00:00', '2026-01-05 10:00:00')",
    "INSERT INTO customers (id, tenant_id, name, document, document_type, active,"
    " marketing_consent, created_at, updated_at) VALUES (1, 1, 'João Sá', '52998224725', 'cpf',"
    " true, false, '2026-01-05 10:00:00', '2026-01-05 10:00:00')",
    "INSERT INTO addresses (id, tenant_id, customer_id, kind, street, number, district, city,"
    " state, zip, is_default, created_at, updated_at) VALUES (1, 1, 1, 'shipping', 'Rua A', '1',"
    " 'Centro', 'Recife', 'PE', '50000000', true, '2026-01-05 10:00:00', '2026-01-05 10:00:00')",
    "INSERT INTO orders (id, tenant_id, customer_id, shipping_address_id, shipping_address_text,"
    " seller_id, status, payment_method, subtotal, tax_total, total, wallet_amount, amount_due,"
    " cost_total, idempotency_key, request_fingerprint, created_at, version) VALUES (1, 1, 1, 1,"
    " 'Rua A, 1', 1, 'created', 'pix', 20.00, 0, 20.00, 5.00, 15.00, 10, 'k1', 'f1',"
    " '2026-01-05 10:00:00', 1)",
    "INSERT INTO order_lines (id, tenant_id, order_id, sku, product_name, unit_price, cost_price,"
    " tax_rate, tax_amount, qty, line_total) VALUES (1, 1, 1, 'CAF-1', 'Café', 20.00, 10, 0, 0,"
    " 1, 20.00)",
    "INSERT INTO order_status_changes (id, tenant_id, order_id, to_status, created_at)"
    " VALUES (1, 1, 1, 'created', '2026-01-05 10:00:00')",
]


def test_a_database_with_sales_upgrades_to_the_latest_schema(tmp_path):
    from flask_migrate import upgrade
    from sqlalchemy import text

    from tests.conftest import (
        ON_POSTGRES,
        TEST_DATABASE_URL,
        _create_postgres_database,
        settings_for_tests,
    )
    from webapp import create_app

    if ON_POSTGRES:
        url, drop = _create_postgres_database(TEST_DATABASE_URL)
    else:
        url, drop = f"sqlite:///{tmp_path / 'old.db'}", lambda: None
    app = create_app(settings_for_tests(url, None))
    try:
        with app.app_context():
            upgrade(revision="0012_products_hot_stock")
            with db.engine.begin() as conn:
                for statement in SALE_AT_0012:
                    conn.execute(text(statement))
            upgrade()
            with db.engine.connect() as conn:
                rows = conn.execute(
                    text(
                        "SELECT o.amount_due, l.sku, s.to_status, c.name_folded FROM orders o"
                        " JOIN order_lines l ON l.order_id = o.id"
                        " JOIN order_status_changes s ON s.order_id = o.id"
                        " JOIN customers c ON c.id = o.customer_id"
                    )
                ).all()
            assert [(Decimal(str(r[0])), *r[1:]) for r in rows] == [
                (Decimal("15.00"), "CAF-1", "created", "joao sa")
            ]
    finally:
        with app.app_context():
            db.engine.dispose()
        drop()
