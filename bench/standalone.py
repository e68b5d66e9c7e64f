"""Helpers shared by the standalone benchmark scripts (customers_lookup, reports_bench)."""

from __future__ import annotations

import argparse
import os
import statistics

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def ensure_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database if it does not exist yet."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """(p50, p95, mean) by nearest rank."""
    ordered = sorted(samples)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return p(0.50), p(0.95), statistics.fmean(ordered)


def add_database_url_argument(parser: argparse.ArgumentParser, database: str) -> None:
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", f"postgresql://postgres@127.0.0.1:5432/{database}"
        ),
    )


def migrated_app(database_url: str):
    """The app on its own PostgreSQL database (created if missing), migrated to the latest
    schema; background jobs run in-process. Returns (app, the normalized URL)."""
    from webapp.config import normalize_database_url

    url = normalize_database_url(database_url)
    ensure_database(url)
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production-0123456789")
    from flask_migrate import upgrade

    from webapp import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "JOBS_INLINE": True, "REDIS_URL": None})
    with app.app_context():
        upgrade()
    return app, url


def psycopg_url(url: str) -> str:
    """The SQLAlchemy URL as plain psycopg takes it, for the bare-SQL floor."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def demo_admin_client(app):
    """A test client that sends the demo admin's API token on every request."""
    from webapp.demo import DEMO_ADMIN, DEMO_PASSWORD

    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"email": DEMO_ADMIN, "password": DEMO_PASSWORD})
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token.get_json()['access_token']}"
    return client


def print_percentiles(results: dict[str, list[float]], width: int) -> None:
    print(f"\n{'measure':<{width}}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    for name, samples in results.items():
        p50, p95, mean = percentiles(samples)
        print(f"{name:<{width}}{p50:>10.2f}{p95:>10.2f}{mean:>10.2f}")
