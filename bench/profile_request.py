"""Where one request's time goes: ``python -m bench.profile_request PATH [options]``.

Runs the app in-process (Flask test client, production settings) against a database the
harness kept (``make bench BENCH_ARGS=--keep-db``), signs in as the demo admin, repeats one
request and prints milliseconds per request, SQL statements per request and the functions
that cost the most (cProfile). A tool for finding hot spots, not a benchmark: the figures
that count come from ``bench.run``.

    python -m bench.profile_request /orders --auth session
    python -m bench.profile_request /api/v1/products?q=cafe --auth token
    python -m bench.profile_request /api/v1/orders --method POST --auth token \\
        --json '{"customer_id": 1, ...}' --fresh-key
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
import uuid
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stack

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench.profile_request", description=__doc__)
    p.add_argument("path")
    p.add_argument("--method", default="GET")
    p.add_argument("--auth", choices=["none", "session", "token"], default="session")
    p.add_argument("--json", help="JSON body")
    p.add_argument("--fresh-key", action="store_true", help="new Idempotency-Key per request")
    p.add_argument("-n", type=int, default=200, help="requests (after 20 warm-up ones)")
    p.add_argument("--top", type=int, default=25, help="functions shown")
    p.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumulative)")
    p.add_argument("--sql", action="store_true", help="print the SQL of one request and stop")
    p.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    return p.parse_args(argv)


def signed_in_client(app, auth: str):
    from webapp.demo import DEMO_ADMIN, DEMO_PASSWORD

    client = app.test_client()
    headers: dict[str, str] = {}
    if auth == "session":
        page = client.get("/login").get_data(as_text=True)
        token = CSRF_INPUT.search(page).group(1)
        form = {"csrf_token": token, "email": DEMO_ADMIN, "password": DEMO_PASSWORD}
        assert client.post("/login", data=form).status_code == 302, "sign-in failed"
    elif auth == "token":
        body = {"email": DEMO_ADMIN, "password": DEMO_PASSWORD}
        answer = client.post("/api/v1/auth/token", json=body)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        headers["Authorization"] = f"Bearer {answer.json['access_token']}"
    return client, headers


class StatementCounter:
    def __init__(self, engine, echo: bool = False) -> None:
        from sqlalchemy import event

        self.count = 0
        self.echo = echo
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, *_args) -> None:
        self.count += 1
        if self.echo:
            print(f"-- {self.count}\n{statement}\n")


def main(argv=None) -> int:
    args = parse_args(argv)
    _admin_url, db_url = stack.database_urls(args.database_url)
    os.environ.update(stack.app_environment(db_url))
    from webapp import create_app
    from webapp.extensions import db

    app = create_app()
    client, headers = signed_in_client(app, args.auth)

    def one() -> int:
        extra = {"Idempotency-Key": uuid.uuid4().hex} if args.fresh_key else {}
        kwargs = {"headers": {**headers, **extra}}
        if args.json:
            kwargs["data"] = args.json
            kwargs["content_type"] = "application/json"
        return client.open(args.path, method=args.method, **kwargs).status_code

    statuses = {one() for _ in range(20)}
    with app.app_context():
        counter = StatementCounter(db.engine, echo=args.sql)
    if args.sql:
        print(f"status {one()}")
        return 0
    started = time.perf_counter()
    for _ in range(args.n):
        statuses.add(one())
    plain_ms = 1000 * (time.perf_counter() - started) / args.n
    statements = counter.count / args.n
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.n):
        one()
    profiler.disable()
    print(
        f"{args.method} {args.path}: {plain_ms:.2f} ms/request (one client, no profiler), "
        f"{statements:.1f} SQL statements/request, statuses {sorted(statuses)}"
    )
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
