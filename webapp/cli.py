"""Flask CLI commands (SPEC 9): tenants and demo data. ``flask worker`` lives in core.jobs."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from webapp.core.domain import DomainError
from webapp.demo import DEMO_LOGINS, database_is_empty, seed_demo
from webapp.identity import services as identity


class Count(click.ParamType):
    """A whole number from 0 to ``maximum``. Unbounded, a typo (an extra zero or ten) would
    start a load that never ends."""

    name = "N"

    def __init__(self, maximum: int) -> None:
        self.maximum = maximum

    def convert(self, value, param, ctx) -> int:
        text = str(value).strip()
        number = int(text) if text.isascii() and text.isdigit() else None
        if number is None or number > self.maximum:
            limit = f"{self.maximum:,}".replace(",", ".")
            self.fail(f"informe um número inteiro de 0 a {limit}.", param, ctx)
        return number


# The benchmark's largest load is 1,000,000 customers and 416,667 orders.
MAX_SEED_CUSTOMERS = 10_000_000
MAX_SEED_PRODUCTS = 1_000_000
MAX_SEED_ORDERS = 10_000_000


@click.group("tenant")
def tenant_cli() -> None:
    """Empresas (tenants)."""


@tenant_cli.command("create")
@click.option("--name", required=True, help="Nome da empresa.")
@click.option("--admin-email", required=True)
@click.option("--admin-password", required=True)
@click.option("--admin-name", default="Administrador", show_default=True)
@with_appcontext
def create_tenant(name: str, admin_email: str, admin_password: str, admin_name: str) -> None:
    """Create a tenant and its first admin."""
    try:
        admin = identity.create_tenant(name, admin_email, admin_password, admin_name)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
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
def seed_demo_command(if_empty: bool, customers: int | None, products: int, orders: int) -> None:
    """Realistic pt-BR demo data; prints the demo logins."""
    if if_empty and not database_is_empty():
        click.echo("Banco já tem dados; demo não recriada.")
    else:
        seed_demo(echo=click.echo, customers=customers, products=products, orders=orders)
    click.echo("Logins de demonstração:")
    for role, email, password in DEMO_LOGINS:
        click.echo(f"  {role:<13} {email} / {password}")
