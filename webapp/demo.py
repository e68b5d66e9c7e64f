"""Demo data for ``flask seed-demo``: a demo company with its people (later: catalog, sales)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from webapp.core import changes
from webapp.core.context import system_context, tenant_context
from webapp.core.tenancy import Tenant
from webapp.extensions import db
from webapp.identity import services as identity
from webapp.identity.models import Role

DEMO_TENANT = "Loja Demonstração"
DEMO_PASSWORD = "vitrine123"
DEMO_ADMIN = "admin@vitrine.demo"
DEMO_SELLER = "vendedor@vitrine.demo"
DEMO_LOGINS = [
    ("Administrador", DEMO_ADMIN, DEMO_PASSWORD),
    ("Vendedor", DEMO_SELLER, DEMO_PASSWORD),
]


def database_is_empty() -> bool:
    with system_context():
        return not db.session.scalar(select(func.count()).select_from(Tenant))


DEMO_CUSTOMERS = 60


def seed_demo(
    echo: Callable[[str], None] = print,
    customers: int | None = None,
    products: int = 300,
    orders: int = 200,
) -> int:
    """Demo tenant with its people, customers and catalog (idempotent). Returns the tenant id."""
    from webapp.catalog.demo import seed_catalog

    tenant_id = _seed_people(echo)
    _seed_customers(tenant_id, customers, echo)
    seed_catalog(tenant_id, products, echo=echo)
    _seed_orders(tenant_id, orders, echo)
    _seed_wallets(tenant_id, echo)
    with tenant_context(tenant_id):
        # The bulk loads commit outside any unit of work: cached reports must recompute.
        changes.publish(db.metadata.tables)
    return tenant_id


def _seed_orders(tenant_id: int, orders: int, echo: Callable[[str], None]) -> None:
    from webapp.sales.demo import seed_orders

    with tenant_context(tenant_id):
        seed_orders(tenant_id, orders, echo)


def _seed_customers(tenant_id: int, customers: int | None, echo: Callable[[str], None]) -> None:
    from webapp.customers.demo import seed_customers

    wanted = DEMO_CUSTOMERS if customers is None else customers
    with tenant_context(tenant_id):
        added = seed_customers(tenant_id, wanted, echo)
    echo(f"Clientes de demonstração: {added} novos (meta {wanted}).")


def _seed_wallets(tenant_id: int, echo: Callable[[str], None]) -> None:
    from webapp.wallet.demo import seed_wallets

    with tenant_context(tenant_id):
        seed_wallets(echo)


def _seed_people(echo: Callable[[str], None]) -> int:
    existing = identity.find_user_by_email(DEMO_ADMIN)
    if existing is not None:
        echo("Empresa de demonstração já existe.")
        return existing.tenant_id
    admin = identity.create_tenant(DEMO_TENANT, DEMO_ADMIN, DEMO_PASSWORD, "Ana Administradora")
    with tenant_context(admin.tenant_id):
        identity.create_user(admin, DEMO_SELLER, "Vitor Vendedor", Role.SELLER, DEMO_PASSWORD)
    echo(f"Empresa de demonstração criada: {DEMO_TENANT}")
    return admin.tenant_id
