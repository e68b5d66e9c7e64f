"""Benchmark: checkout lookup of a customer by CPF with N customers on PostgreSQL.

Not a timed test: run it by hand and read the figures.

    .venv/bin/python bench/customers_lookup.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/vitrine_bench --customers 1000000

The database is created, migrated and seeded (``flask seed-demo --customers N`` logic) when
needed. Then, over the same random sample of existing CPFs, it measures in one run:

* baseline: the bare ``SELECT ... WHERE tenant_id = %s AND document = %s`` through psycopg;
* service:  ``customers.services.lookup_by_document`` (ORM, tenant scoping, validation);
* http:     ``GET /api/v1/customers/by-document/{cpf}`` through the Flask test client
            (auth, JSON, addresses): everything the API does except the network.

Goal: p95 of the lookup under 20 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from bench.standalone import ensure_database, percentiles


def timed(fn, documents: list[str]) -> list[float]:
    samples = []
    for document in documents:
        start = time.perf_counter()
        fn(document)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/vitrine_bench"
        ),
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    from webapp.config import normalize_database_url

    url = normalize_database_url(args.database_url)
    ensure_database(url)
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production-0123456789")
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.core.context import tenant_context
    from webapp.core.domain import DomainError
    from webapp.customers import services
    from webapp.customers.models import Customer
    from webapp.demo import DEMO_ADMIN, DEMO_PASSWORD, seed_demo
    from webapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "JOBS_INLINE": True, "REDIS_URL": None})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        tenant_id = seed_demo(echo=print, customers=args.customers)
        print(f"seed: {time.perf_counter() - started:.1f} s")
        db.session.execute(text("ANALYZE customers"))
        db.session.commit()
        with tenant_context(tenant_id):
            total = db.session.scalar(select(db.func.count()).select_from(Customer))
            rng = random.Random(args.seed)
            # a random sample of existing CPFs, plus 10% unknown ones (a 404 is a lookup too)
            db.session.execute(text("SELECT setseed(:s)"), {"s": args.seed / 1000})
            known = int(args.lookups * 0.9)
            documents = list(
                db.session.scalars(
                    select(Customer.document).order_by(db.func.random()).limit(known)
                )
            )
        documents += [f"{rng.randrange(10**11):011d}" for _ in range(args.lookups - len(documents))]
        rng.shuffle(documents)
        db.session.remove()

    print(f"customers in tenant: {total:,}; lookups: {len(documents):,}")
    raw_url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(raw_url) as conn:
        sql = (
            "SELECT id, name, document, active FROM customers"
            " WHERE tenant_id = %s AND document = %s"
        )

        def baseline(document: str) -> None:
            conn.execute(sql, (tenant_id, document)).fetchone()

        timed(baseline, documents[:200])  # warm-up (plan cache, buffers)
        results = {"baseline (psycopg SELECT)": timed(baseline, documents)}

    def service(document: str) -> None:
        with app.app_context(), tenant_context(tenant_id):
            with contextlib.suppress(DomainError):  # unknown CPFs are part of the sample
                services.lookup_by_document(document)
            db.session.remove()

    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"email": DEMO_ADMIN, "password": DEMO_PASSWORD})
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token.get_json()['access_token']}"

    def http(document: str) -> None:
        response = client.get(f"/api/v1/customers/by-document/{document}")
        assert response.status_code in (200, 404, 422), response.status_code

    for name, fn in [("service lookup_by_document", service), ("HTTP GET /by-document", http)]:
        timed(fn, documents[:200])
        results[name] = timed(fn, documents)

    print(f"\n{'measure':<30}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    for name, samples in results.items():
        p50, p95, mean = percentiles(samples)
        print(f"{name:<30}{p50:>10.2f}{p95:>10.2f}{mean:>10.2f}")
    p95_http = percentiles(results["HTTP GET /by-document"])[1]
    print(
        f"\ngoal p95 < 20 ms: {'met' if p95_http < 20 else 'NOT met'} ({p95_http:.2f} ms over HTTP)"
    )


if __name__ == "__main__":
    main()
