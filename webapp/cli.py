"""Flask CLI commands (SPEC 9): tenants and demo data. ``flask worker`` lives in core.jobs."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from webapp.core.cli import CommandError, Count, needs_database
from webapp.core.domain import DomainError
from webapp.demo import DEMO_LOGINS, database_is_empty, seed_demo
from webapp.identity import services as identity

# The benchmark's largest load is 1,000,000 customers and 416,667 orders.
MAX_SEED_CUSTOMERS = 10_000_000
MAX_SEED_PRODUCTS = 1_000_000
MAX_SEED_ORDERS = 10_000_000


@click.group("tenant")
def tenant_cli() -> None:
    """Empresas (tenants)."""


@tenant_cli.command("create")
# Not required=True: a missing option gets the service's own message, in Portuguese.
@click.option("--name", default="", help="Nome da empresa.")
@click.option("--admin-email", default="", help="E-mail do primeiro administrador.")
@click.option("--admin-password", default="", help="Senha dele (8 caracteres ou mais).")
@click.option("--admin-name", default="Administrador", show_default=True)
@with_appcontext
@needs_database
def create_tenant(name: str, admin_email: str, admin_password: str, admin_name: str) -> None:
    """Cria uma empresa e o seu primeiro administrador."""
    try:
        admin = identity.create_tenant(name, admin_email, admin_password, admin_name)
    except DomainError as exc:
        raise CommandError(exc.message) from exc
    click.echo(f"Empresa {name!r} criada (id {admin.tenant_id}); admin: {admin.email}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Só popula se o banco não tiver nenhuma empresa.")
@click.option(
    "--customers",
    type=Count(MAX_SEED_CUSTOMERS),
    default=None,
    help="Total de clientes (padrão 60).",
)
@click.option("--products", default=300, show_default=True, type=Count(MAX_SEED_PRODUCTS))
@click.option(
    "--orders",
    default=200,
    show_default=True,
    type=Count(MAX_SEED_ORDERS),
    help="Total de pedidos (12 meses de histórico, 1 a 5 itens cada).",
)
@with_appcontext
@needs_database
def seed_demo_command(if_empty: bool, customers: int | None, products: int, orders: int) -> None:
    """Dados de demonstração realistas; mostra os logins de demonstração."""
    if if_empty and not database_is_empty():
        click.echo("Banco já tem dados; demo não recriada.")
    else:
        seed_demo(echo=click.echo, customers=customers, products=products, orders=orders)
    click.echo("Logins de demonstração:")
    for role, email, password in DEMO_LOGINS:
        click.echo(f"  {role:<13} {email} / {password}")
