"""``flask ledger check``: the ledger's invariants, checked from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from webapp.core.cli import needs_database
from webapp.extensions import db
from webapp.wallet.checks import check_ledger


@click.group("ledger")
def ledger_cli() -> None:
    """Razão da carteira (ledger)."""


@ledger_cli.command("check")
@with_appcontext
@needs_database
def check_command() -> None:
    """Confere todos os invariantes do razão em todas as empresas; sai com 1 se algum falhar."""
    report = check_ledger(db.engine)
    click.echo(report.render())
    if not report.ok:
        sys.exit(1)
