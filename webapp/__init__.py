"""Vitrine: back-office for Brazilian retail with a built-in wallet."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from webapp.config import PROJECT_ROOT, Config


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.from_object(Config())
    from webapp.core.ids import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.config.update(overrides or {})
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    # Alembic logs each of its plugins at INFO when it loads: seven lines before the output
    # of every `flask` command.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if proxies := app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    from webapp.identity import passwords

    passwords.configure(app.config["PASSWORD_HASH_PROFILE"])
    _init_extensions(app)
    _register_blueprints(app)

    from webapp.core.errors import register_error_handlers
    from webapp.core.requests import install_request_hooks
    from webapp.core.templating import install_template_helpers
    from webapp.identity.security import install_security_headers

    install_request_hooks(app)
    install_security_headers(app)
    register_error_handlers(app)
    install_template_helpers(app)
    _register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from webapp.extensions import csrf, db, htmx, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)

    import webapp.models  # noqa: F401  every model, so metadata and migrations see them all
    from webapp.identity.auth import configure_login
    from webapp.identity.throttle import init_throttling

    configure_login(login_manager)
    init_throttling(app)


def _register_blueprints(app: Flask) -> None:
    from webapp.api import init_api
    from webapp.audit import bp as audit_bp
    from webapp.identity import bp as identity_bp
    from webapp.main import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(identity_bp)
    app.register_blueprint(audit_bp)
    from webapp.catalog import bp as catalog_bp

    app.register_blueprint(catalog_bp)

    from webapp.customers import bp as customers_bp

    app.register_blueprint(customers_bp)
    from webapp.wallet.routes import bp as wallet_bp

    app.register_blueprint(wallet_bp)

    from webapp.sales import bp as sales_bp

    app.register_blueprint(sales_bp)
    from webapp.reports import bp as reports_bp

    app.register_blueprint(reports_bp)
    init_api(app)
    if app.config.get("BENCH_ENDPOINTS"):
        from webapp.bench_routes import bp as bench_bp

        app.register_blueprint(bench_bp)


def _register_cli(app: Flask) -> None:
    from webapp.cli import seed_demo_command, tenant_cli
    from webapp.core.jobs import worker_command

    app.cli.add_command(tenant_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(worker_command)

    from webapp.wallet.cli import ledger_cli

    app.cli.add_command(ledger_cli)


# PostgreSQL's default random_page_cost (4) prices a disk seek; a back office's working set
# lives in RAM or on SSD, where a random read costs about a sequential one. With the
# default the planner reads a whole 20,000-product catalog rather than 400 rows through the
# search index (5 ms instead of 0.7 ms per search, and again for the page count).
POSTGRESQL_SETTINGS = {"random_page_cost": "1.1"}


@event.listens_for(Engine, "connect")
def _postgresql_settings(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.startswith("psycopg"):
        from webapp.core.pg_cursor import LazyDescriptionCursor

        dbapi_connection.cursor_factory = LazyDescriptionCursor
        with dbapi_connection.cursor() as cursor:
            for name, value in POSTGRESQL_SETTINGS.items():
                cursor.execute(f"SET {name} = {value}")
        dbapi_connection.commit()  # a SET inside a rolled-back transaction would be undone


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite only: enforce foreign keys, let readers and one writer overlap, wait on locks.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
