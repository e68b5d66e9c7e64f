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
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from sqlalchemy import select, text

from bench.standalone import (
    add_database_url_argument,
    demo_admin_client,
    migrated_app,
    percentiles,
    print_percentiles,
    psycopg_url,
)


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
    add_database_url_argument(parser, "vitrine_bench")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    app, url = migrated_app(args.database_url)
    from webapp.core.context import tenant_context
    from webapp.core.domain import DomainError
    from webapp.customers import services
    from webapp.customers.models import Customer
    from webapp.demo import seed_demo
    from webapp.extensions import db

    with app.app_context():
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
    with psycopg.connect(psycopg_url(url)) as conn:
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

    client = demo_admin_client(app)

    def http(document: str) -> None:
        response = client.get(f"/api/v1/customers/by-document/{document}")
        assert response.status_code in (200, 404, 422), response.status_code

    for name, fn in [("service lookup_by_document", service), ("HTTP GET /by-document", http)]:
        timed(fn, documents[:200])
        results[name] = timed(fn, documents)

    print_percentiles(results, width=30)
    p95_http = percentiles(results["HTTP GET /by-document"])[1]
    print(
        f"\ngoal p95 < 20 ms: {'met' if p95_http < 20 else 'NOT met'} ({p95_http:.2f} ms over HTTP)"
    )


if __name__ == "__main__":
    main()
