"""The Flask CLI (SPEC 9): bad arguments are refused in Portuguese before anything runs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from webapp.config import PROJECT_ROOT
from webapp.core.tenancy import Tenant
from webapp.extensions import db


def tenants(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Tenant))


def run_flask(*args: str, timeout: int = 60, **settings: str) -> subprocess.CompletedProcess:
    """``flask ARGS`` in a process of its own, as a person runs it: this environment without
    SECRET_KEY and DATABASE_URL, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    env |= {"FLASK_APP": "wsgi.py", **settings}
    return subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def sqlite_settings(tmp_path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "SECRET_KEY": "cli-test"}


@pytest.mark.parametrize(
    ("option", "value", "limit"),
    [
        ("--customers", "99999999999999999999", "10.000.000"),
        ("--orders", "10000001", "10.000.000"),
        ("--products", "-5", "1.000.000"),
        ("--products", "muitos", "1.000.000"),
    ],
)
def test_seed_demo_refuses_counts_out_of_range_and_seeds_nothing(app, option, value, limit):
    result = app.test_cli_runner().invoke(args=["seed-demo", option, value])
    assert result.exit_code == 2
    assert f"Erro: {option}: informe um número inteiro de 0 a {limit}." in result.output
    assert tenants(app) == 0


def test_tenant_create_without_options_names_what_is_missing(app):
    result = app.test_cli_runner().invoke(args=["tenant", "create"])
    assert result.exit_code == 1
    assert result.output.strip() == "Erro: Informe o nome da empresa."
    assert tenants(app) == 0


def test_tenant_create_reports_a_bad_email_in_portuguese(app):
    args = ["tenant", "create", "--name", "Loja", "--admin-email", "sem-arroba"]
    result = app.test_cli_runner().invoke(args=[*args, "--admin-password", "senha-boa-123"])
    assert result.exit_code == 1
    assert "Erro: Informe um e-mail válido." in result.output
    assert tenants(app) == 0


def test_tenant_create_refuses_a_name_longer_than_the_column(app):
    # PostgreSQL would raise a DataError; SQLite would store all of it.
    args = ["tenant", "create", "--name", "L" * 121, "--admin-email", "dona@loja.com.br"]
    result = app.test_cli_runner().invoke(args=[*args, "--admin-password", "senha-boa-123"])
    assert result.exit_code == 1
    assert result.output.strip() == "Erro: O nome da empresa pode ter no máximo 120 caracteres."
    assert tenants(app) == 0


def test_tenant_create_creates_the_company_and_its_admin(app):
    args = ["tenant", "create", "--name", "Loja Nova", "--admin-email", "dona@lojanova.com.br"]
    result = app.test_cli_runner().invoke(args=[*args, "--admin-password", "senha-boa-123"])
    assert result.exit_code == 0, result.output
    assert "Empresa 'Loja Nova' criada" in result.output
    assert tenants(app) == 1


def test_commands_start_without_library_chatter(tmp_path):
    result = run_flask("--help", **sqlite_settings(tmp_path))
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: ") and result.stderr == ""


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"DATABASE_URL": "sqlite:///{db}"},
            "Erro: SECRET_KEY não configurada. Com DATABASE_URL definida, todos os processos"
            " precisam da mesma chave; gere uma com: python3 -c"
            " 'import secrets; print(secrets.token_urlsafe(48))'",
        ),
        (
            {"DATABASE_URL": "sqlite:///{db}", "SECRET_KEY": "x", "OUTBOX_RELAY_INTERVAL": "10s"},
            "Erro: OUTBOX_RELAY_INTERVAL precisa ser um número inteiro (recebido '10s').",
        ),
        (
            {"DATABASE_URL": "sqlite:///{db}", "SECRET_KEY": "x", "TIMEZONE": "Brasil/SP"},
            "Erro: TIMEZONE precisa ser um fuso IANA, como America/Sao_Paulo"
            " (recebido 'Brasil/SP').",
        ),
        (
            {"DATABASE_URL": "sqlite:///{db}", "SECRET_KEY": "x", "LOG_LEVEL": "verbose"},
            "Erro: LOG_LEVEL precisa ser DEBUG, INFO, WARNING, ERROR ou CRITICAL"
            " (recebido 'verbose').",
        ),
        (
            {"DATABASE_URL": "sqlite:///{db}", "SECRET_KEY": "x", "PASSWORD_HASH_PROFILE": "LOW"},
            "Erro: PASSWORD_HASH_PROFILE precisa ser um perfil do argon2-cffi:"
            " CHEAPEST, PRE_21_2, RFC_9106_HIGH_MEMORY ou RFC_9106_LOW_MEMORY (recebido 'LOW').",
        ),
    ],
)
def test_a_bad_setting_is_told_in_portuguese_without_a_traceback(tmp_path, settings, message):
    result = run_flask(
        "db", "upgrade", **{k: v.format(db=tmp_path / "cli.db") for k, v in settings.items()}
    )
    assert result.returncode == 1
    assert result.stderr.strip() == message
    assert not (tmp_path / "cli.db").exists()


def test_an_empty_setting_means_its_default(monkeypatch):
    # `RQ_QUEUE=` left empty in .env must not make a queue named "" that no worker listens to.
    from webapp.config import Config

    monkeypatch.setenv("SECRET_KEY", "x")
    for name in ("RQ_QUEUE", "REDIS_KEY_PREFIX", "TIMEZONE", "OUTBOX_RELAY_INTERVAL"):
        monkeypatch.setenv(name, "")
    config = Config()
    assert (config.RQ_QUEUE, config.REDIS_KEY_PREFIX) == ("vitrine", "vitrine")
    assert (config.TIMEZONE, config.OUTBOX_RELAY_INTERVAL) == ("America/Sao_Paulo", 10)


def test_worker_says_when_redis_is_out_of_reach(tmp_path):
    result = run_flask(
        "worker",
        "--burst",
        **sqlite_settings(tmp_path),
        REDIS_URL="redis://127.0.0.1:1/0",  # nothing listens on port 1
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Erro: Não foi possível conectar ao Redis de REDIS_URL;"
        " confira o endereço e se o servidor está no ar."
    )


def test_db_upgrade_on_sqlite_prints_no_library_warnings(tmp_path):
    # `make run` starts with it: its output is the first thing a new user reads.
    result = run_flask("db", "upgrade", timeout=120, **sqlite_settings(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr


@pytest.mark.parametrize(
    ("url", "args", "message"),
    [
        (
            "sqlite:///{tmp}/vazio.db",
            ["seed-demo"],
            "Erro: O banco ainda não tem as tabelas do Vitrine: rode flask db upgrade antes.",
        ),
        (
            "sqlite:///{tmp}/vazio.db",
            ["ledger", "check"],
            "Erro: O banco ainda não tem as tabelas do Vitrine: rode flask db upgrade antes.",
        ),
        (
            "postgresql://postgres@127.0.0.1:1/vitrine",  # nothing listens on port 1
            ["tenant", "create", "--name", "Loja", "--admin-email", "a@loja.com.br"],
            "Erro: Não foi possível conectar ao banco de DATABASE_URL;"
            " confira o endereço e se o servidor está no ar.",
        ),
    ],
)
def test_commands_say_when_the_database_is_not_ready(tmp_path, url, args, message):
    extra = ["--admin-password", "senha-boa-123"] if args[0] == "tenant" else []
    result = run_flask(*args, *extra, DATABASE_URL=url.format(tmp=tmp_path), SECRET_KEY="cli-test")
    assert result.returncode == 1
    assert result.stderr.strip() == message
