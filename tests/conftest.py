"""Test fixtures.

Database: ``TEST_DATABASE_URL`` (a PostgreSQL server URL; a fresh database is created for the
session) or, by default, a SQLite file in a temp dir. The schema is built by the Alembic
migrations, never by ``create_all``. Redis: ``TEST_REDIS_URL`` turns on the real job queue;
without it jobs run in-process (the embedded default).

Every test starts from empty tables. Tests do not hold an app context open while they use
the test client, so each request gets its own session and ``g`` as in production.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from webapp import create_app
from webapp.config import normalize_database_url, settings_for_tests
from webapp.core import jobs
from webapp.core.context import system_context, tenant_context
from webapp.extensions import db
from webapp.identity import services as identity
from webapp.identity.models import Role, User

PASSWORD = "senha-segura-123"

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
ON_POSTGRES = bool(TEST_DATABASE_URL)

requires_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="needs TEST_DATABASE_URL (PostgreSQL)"
)
requires_redis = pytest.mark.skipif(not TEST_REDIS_URL, reason="needs TEST_REDIS_URL (Redis)")


def _create_postgres_database(server_url: str) -> tuple[str, callable]:
    url = make_url(normalize_database_url(server_url))
    name = f"vitrine_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    if ON_POSTGRES:
        url, drop = _create_postgres_database(TEST_DATABASE_URL)
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'vitrine-test.db'}"


@pytest.fixture(scope="session")
def app(database_url) -> Iterator[Flask]:
    from flask_migrate import upgrade

    application = create_app(settings_for_tests(database_url, TEST_REDIS_URL))
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


def explain(statement) -> str:
    """PostgreSQL's plan for a SQLAlchemy statement (values inlined), for plan tests."""
    from sqlalchemy.dialects import postgresql

    sql = statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    # literal_binds doubles % for the driver's paramstyle; text() without params sends it as is
    literal = str(sql).replace("%%", "%")
    return "\n".join(db.session.execute(text(f"EXPLAIN {literal}")).scalars())


def _table_names() -> list[str]:
    return [t.name for t in reversed(db.metadata.sorted_tables)]


@pytest.fixture(autouse=True)
def clean_database(app) -> Iterator[None]:
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(_table_names())} RESTART IDENTITY CASCADE"))
            else:
                for name in _table_names():
                    conn.execute(text(f'DELETE FROM "{name}"'))
        if TEST_REDIS_URL:
            from webapp.core.jobs import get_queue, get_redis

            get_queue().empty()
            # Tenant ids restart with the tables: this process's change counters and cached
            # reports must go too, or a test could read a figure cached by the one before.
            redis = get_redis()
            keys = list(redis.scan_iter(match=f"{app.config['REDIS_KEY_PREFIX']}:*", count=500))
            if keys:
                redis.delete(*keys)
        from webapp.extensions import limiter

        limiter.reset()  # failed-login counters (keys of this test process only)


@contextmanager
def in_tenant(app: Flask, tenant_id: int | None = None) -> Iterator[None]:
    """An app context acting for ``tenant_id`` (or all tenants when None)."""
    with app.app_context():
        scope = tenant_context(tenant_id) if tenant_id else system_context()
        with scope:
            yield
        db.session.remove()


def run_queued_jobs(app) -> None:
    """A real RQ worker in burst mode when Redis is configured; inline jobs already ran."""
    if not TEST_REDIS_URL:
        return
    with app.app_context():
        worker = jobs.AppContextWorker([jobs.get_queue()], connection=jobs.get_redis())
        worker.flask_app = app
        worker.work(burst=True)


@dataclass
class Account:
    id: int
    tenant_id: int
    email: str
    role: Role
    password: str = PASSWORD


@pytest.fixture
def make_tenant(app):
    """Create a tenant with its admin; returns the admin Account."""
    counter = iter(range(1, 10_000))

    def factory(name: str | None = None) -> Account:
        n = next(counter)
        label = name or f"Empresa {uuid.uuid4().hex[:6]}"
        with app.app_context():
            admin = identity.create_tenant(
                label, f"admin{n}-{uuid.uuid4().hex[:6]}@teste.com.br", PASSWORD, "Admin Teste"
            )
            account = Account(admin.id, admin.tenant_id, admin.email, Role.ADMIN)
            db.session.remove()
        return account

    return factory


@pytest.fixture
def make_user(app):
    def factory(tenant_id: int, role: Role = Role.SELLER, email: str | None = None) -> Account:
        email = email or f"user-{uuid.uuid4().hex[:8]}@teste.com.br"
        with in_tenant(app, tenant_id):
            user: User = identity.create_user(None, email, "Usuário Teste", role, PASSWORD)
            account = Account(user.id, tenant_id, user.email, role)
        return account

    return factory


@pytest.fixture
def tenant(make_tenant) -> Account:
    """The default tenant's admin account."""
    return make_tenant("Loja Teste")


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


def csrf_from(client: FlaskClient, path: str = "/login") -> str:
    import re

    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: FlaskClient, account: Account) -> FlaskClient:
    token = csrf_from(client)
    response = client.post(
        "/login", data={"email": account.email, "password": account.password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_from(client, "/")
    return client


@pytest.fixture
def login_as(app, tenant, make_user):
    """``login_as("admin")`` / ``login_as("seller")``: a signed-in test client (CSRF header set)."""

    def factory(role: str = "admin", account: Account | None = None) -> FlaskClient:
        if account is None:
            account = tenant if role == "admin" else make_user(tenant.tenant_id, Role(role))
        return sign_in(app.test_client(), account)

    return factory


def bearer_for(app: Flask, account: Account) -> dict[str, str]:
    client = app.test_client()
    response = client.post(
        "/api/v1/auth/token", json={"email": account.email, "password": account.password}
    )
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


@pytest.fixture
def api_client(app, tenant, make_user):
    """``api_client("seller")``: a test client that sends a bearer token on every request."""

    def factory(role: str = "admin", account: Account | None = None) -> FlaskClient:
        if account is None:
            account = tenant if role == "admin" else make_user(tenant.tenant_id, Role(role))
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = bearer_for(app, account)["Authorization"]
        return client

    return factory
