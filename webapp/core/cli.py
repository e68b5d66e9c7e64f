"""Command-line errors and option types that speak Portuguese.

click frames its own errors in English ("Error: ...", "Invalid value for ..."). Vitrine's
commands raise these instead, so a person reads one language.
"""

from __future__ import annotations

import functools

import click
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError


class CommandError(click.ClickException):
    """Printed as ``Erro: <message>``, exit status 1."""

    def show(self, file=None) -> None:
        click.echo(f"Erro: {self.format_message()}", err=True, file=file)


class BadOption(CommandError):
    """A refused option value, ``Erro: --customers: ...``; exit status 2, as click's own."""

    exit_code = 2

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")


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
            option = param.opts[0] if param is not None else "valor"
            raise BadOption(option, f"informe um número inteiro de 0 a {limit}.")
        return number


def needs_database(command):
    """For a command that reads or writes the database: one that is out of reach or has no
    schema yet (``flask db upgrade`` not run) is told in Portuguese, not as a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DBAPIError as exc:
            problem = _database_problem()
            if problem is None:
                raise
            raise problem from exc

    return wrapper


def _database_problem() -> CommandError | None:
    from webapp.extensions import db

    try:
        with db.engine.connect() as connection:
            migrated = inspect(connection).has_table("alembic_version")
    except DBAPIError:
        return CommandError(
            "Não foi possível conectar ao banco de DATABASE_URL;"
            " confira o endereço e se o servidor está no ar."
        )
    if not migrated:
        return CommandError(
            "O banco ainda não tem as tabelas do Vitrine: rode flask db upgrade antes."
        )
    return None
