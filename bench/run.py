"""Vitrine benchmark harness (issue #9): ``python -m bench.run --help``.

Creates its own PostgreSQL database, seeds it with ``flask seed-demo``, starts gunicorn and
one RQ worker, drives every scenario from a separate load-generator process, prints a table
and the goals, writes bench/results/<date>.md, and always stops everything it started.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

if __package__ in (None, ""):  # run as a script: bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stack
from bench.client import BenchClient
from bench.goals import Measurement, RunFigures, evaluate, goals_line
from bench.loadgen import HttpPlan, LoadGenerator, LoadResult, RequestSpec, SqlPlan
from bench.report import RunInfo, render, results_path, table
from bench.scenarios import BASELINE, SAMPLE_SIZE, SCENARIOS, Scenario, build_requests
from bench.stats import Summary, summarize

RESULTS_DIR = Path(__file__).resolve().parent / "results"
CHECKOUT = "checkout"
DRAIN = "cashback drain"
LOOKUP = "customer lookup by CPF"
NAME_SEARCH = "customer search by name"
COLD_SAMPLES = 10


@dataclass(frozen=True)
class Scale:
    customers: int
    products: int
    order_lines: int
    duration_s: float
    warmup_s: float
    drain_jobs: int
    # The CPF-lookup goal is stated at 1,000,000 customers: after the other scenarios the
    # tenant is topped up to this many and the lookup is measured again (0: no second run).
    lookup_customers: int = 0

    @property
    def label(self) -> str:
        lookup = (
            f" ({self.lookup_customers:,} for the CPF lookup)"
            if self.lookup_customers > self.customers
            else ""
        )
        return (
            f"{self.customers:,} customers{lookup}, {self.products:,} products, "
            f"{self.order_lines:,} order lines"
        )


PRESETS = {
    "default": Scale(
        200_000, 20_000, 1_000_000, duration_s=20, warmup_s=2, drain_jobs=10_000,
        lookup_customers=1_000_000,
    ),
    "quick": Scale(2_000, 300, 10_000, duration_s=1.5, warmup_s=0.3, drain_jobs=200),
}  # fmt: skip


def parse_scale(value: str) -> Scale:
    """A preset name or ``CUSTOMERS,PRODUCTS,ORDER_LINES`` (full-run durations)."""
    if value in PRESETS:
        return PRESETS[value]
    try:
        customers, products, lines = (int(x.replace("_", "")) for x in value.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"--scale: {', '.join(PRESETS)} or CUSTOMERS,PRODUCTS,ORDER_LINES"
        ) from exc
    return Scale(customers, products, lines, 20, 2, 10_000)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    cores = os.cpu_count() or 1
    p = argparse.ArgumentParser(prog="bench.run", description=__doc__)
    p.add_argument(
        "--scale",
        type=parse_scale,
        default="default",
        help="default (200k customers, 20k products, 1M order lines), quick, "
        "or CUSTOMERS,PRODUCTS,ORDER_LINES",
    )
    p.add_argument("--workers", type=int, default=2 * cores, help="gunicorn workers (2 x cores)")
    p.add_argument("--duration", type=float, help="seconds per measurement (scale's default)")
    p.add_argument(
        "--rate",
        type=float,
        default=20.0,
        help="fixed arrival rate (req/s) for scenarios without their own",
    )
    p.add_argument(
        "--concurrency", type=int, help="closed-loop threads for max throughput (2 x workers)"
    )
    p.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help=f"PostgreSQL server; the harness creates and drops {stack.DB_NAME}",
    )
    p.add_argument(
        "--keep-db",
        action="store_true",
        help="keep the seeded database and reuse it next time at the same scale",
    )
    p.add_argument(
        "--only",
        action="append",
        default=[],
        help="run only scenarios whose name contains this text (repeatable)",
    )
    p.add_argument(
        "--drain-jobs", type=int, help="orders paid for the cashback drain (scale's default)"
    )
    p.add_argument(
        "--lookup-customers",
        type=int,
        help="customers for the second CPF-lookup run (default: 1,000,000 at the default scale)",
    )
    p.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    args = p.parse_args(argv)
    if isinstance(args.scale, str):
        args.scale = parse_scale(args.scale)
    args.duration = args.duration or args.scale.duration_s
    args.drain_jobs = args.drain_jobs or args.scale.drain_jobs
    if args.lookup_customers is not None:
        args.scale = replace(args.scale, lookup_customers=args.lookup_customers)
    args.concurrency = args.concurrency or 2 * args.workers
    return args


STARTED = time.monotonic()


def echo(line: str = "") -> None:
    print(line, flush=True)


def phase(text: str) -> None:
    echo(f"[{time.monotonic() - STARTED:5.1f} s] {text}")


def resolve_paths(app, scenarios: list[Scenario]) -> dict[str, str | None]:
    """Each scenario's URL template, or None when its route is not in the app (n/a)."""
    from flask import url_for
    from werkzeug.exceptions import MethodNotAllowed, NotFound
    from werkzeug.routing import BuildError, RequestRedirect

    adapter = app.url_map.bind("localhost")
    paths: dict[str, str | None] = {}
    for s in scenarios:
        if s.endpoint:
            if s.endpoint not in app.view_functions:
                paths[s.name] = None
                continue
            with app.test_request_context():
                try:
                    paths[s.name] = url_for(s.endpoint)
                except BuildError as exc:  # a page that needs ids: declare it with a path
                    raise SystemExit(f"{s.name}: {s.endpoint} needs arguments, use path=") from exc
            continue
        try:
            adapter.match(s.route_probe().split("?")[0], method=s.method)
            paths[s.name] = s.path
        except RequestRedirect:  # the route exists with a trailing slash
            path, _, query = s.path.partition("?")
            paths[s.name] = path + "/" + (f"?{query}" if query else "")
        except (NotFound, MethodNotAllowed):
            paths[s.name] = None
    return paths


def route_exists(app, path: str, method: str = "GET") -> bool:
    try:
        app.url_map.bind("localhost").match(path, method=method)
        return True
    except Exception:
        return False


class Bench:
    """One run: measurements in order, baselines interleaved."""

    def __init__(self, args, app, base_url, client, loadgen, db_url) -> None:
        self.args = args
        self.app = app
        self.base_url = base_url
        self.client = client
        self.loadgen = loadgen
        self.db_url = db_url
        self.figures = RunFigures()
        self.baseline_requests = build_requests(BASELINE, client, BASELINE.path)
        self._requests: dict[str, list] = {}

    def _plan(self, scenario: Scenario, requests, mode: str, rate: float = 0.0) -> HttpPlan:
        threads = self.args.concurrency if mode == "closed" else min(256, max(16, math.ceil(rate)))
        return HttpPlan(
            base_url=self.base_url,
            requests=requests,
            ok_statuses=scenario.ok,
            duration_s=self.args.duration,
            mode=mode,
            rate=rate,
            concurrency=threads,
            warmup_s=self.args.scale.warmup_s,
        )

    def record(self, name, mode, rate, result: LoadResult, ratio=None, ratio_to=None) -> Summary:
        summary = summarize(result.latencies_ms, result.errors, result.elapsed_s)
        self.figures.measurements.append(Measurement(name, mode, rate, summary, ratio, ratio_to))
        note = ""
        if result.errors:
            note = f"  statuses {result.statuses}"
        p95 = "-" if summary.p95_ms is None else f"{summary.p95_ms:.1f}"
        line = f"{name:<28} {mode:<9} {summary.rps:8.1f} req/s  p95 {p95} ms"
        echo(f"  {line}  errors {summary.errors}{note}")
        return summary

    def baseline_max(self) -> Summary:
        plan = self._plan(BASELINE, self.baseline_requests, "closed")
        return self.record(BASELINE.name, "max", None, self.loadgen.run(plan))

    def requests_for(self, scenario: Scenario, path: str):
        """The scenario's requests, built once (samples may do setup work, e.g. stock)."""
        if scenario.name not in self._requests:
            self._requests[scenario.name] = build_requests(scenario, self.client, path)
        return self._requests[scenario.name]

    def run_again(self, scenario: Scenario, path: str) -> dict[str, int]:
        """The scenario once more, its samples fetched again (the data grew since)."""
        self._requests.pop(scenario.name, None)
        return self.run_scenario(scenario, path)

    def run_scenario(self, scenario: Scenario, path: str) -> dict[str, int]:
        """All measurements of one scenario; returns successful requests per tag."""
        requests = self.requests_for(scenario, path)
        tags: dict[str, int] = {}
        max_rps = None
        rate = scenario.rate or self.args.rate
        if scenario.name == CHECKOUT:  # the goal's fixed rate first, then the ceiling
            tags = _merge(tags, self._open(scenario, requests, "rate", rate))
        if scenario.measure_max:
            max_rps, max_tags = self._max(scenario, requests)
            tags = _merge(tags, max_tags)
        if scenario.at_half_max and max_rps:
            self._open(scenario, requests, "half max", round(max_rps / 2, 1))
        elif scenario.name != CHECKOUT:
            self._open(scenario, requests, "rate", rate)
        if scenario.cold:
            self._cold(scenario, requests)
        return tags

    def _cold(self, scenario: Scenario, requests) -> None:
        """Serial requests, each right after the tenant's data changed: what the first view
        after a sale costs, when the report cache must recompute (the `rate` row above is
        what every later view of the same data costs)."""
        from webapp.core import changes
        from webapp.core.context import tenant_context

        tenant_id = self.client.identity()[1]
        latencies, errors = [], 0
        started = time.perf_counter()
        for i in range(COLD_SAMPLES):
            spec = requests[i % len(requests)]
            with self.app.app_context(), tenant_context(tenant_id):
                changes.publish(["orders"])  # what a paid order does after its commit
            sent = time.perf_counter()
            response = self.client.request(spec.method, spec.path, headers=spec.headers)
            latencies.append(1000 * (time.perf_counter() - sent))
            errors += response.status not in scenario.ok
        elapsed = time.perf_counter() - started
        self.record(scenario.name, "cold", None, LoadResult(latencies, errors, elapsed, {}, {}))

    def _open(self, scenario, requests, mode, rate) -> dict[str, int]:
        result = self.loadgen.run(self._plan(scenario, requests, "open", rate))
        self.record(scenario.name, mode, rate, result)
        return result.tags

    def _max(self, scenario, requests) -> tuple[float, dict[str, int]]:
        """Capacity, as a ratio to its baseline measured just before AND just after it: on a
        shared machine the speed drifts between two windows of a few seconds (the fortunes
        page has measured 470 then 610 req/s back to back), and the mean of a bracket
        cancels a steady drift where a single baseline carries all of it into the ratio."""
        if scenario.name == CHECKOUT:
            ceiling, ratio_to = (lambda: self.sql_ceiling(requests)), "plain SQL"
        else:
            ceiling, ratio_to = (lambda: self.baseline_max().rps), "fortunes"
        before = ceiling()
        result = self.loadgen.run(self._plan(scenario, requests, "closed"))
        rps = self.record(scenario.name, "max", None, result).rps
        measurement = self.figures.measurements[-1]  # its ratio is known after the bracket
        after = ceiling()
        if before and after:
            measurement.ratio, measurement.ratio_to = rps / ((before + after) / 2), ratio_to
        return rps, result.tags

    def sql_ceiling(self, requests) -> float | None:
        seller_id, tenant_id = self.client.identity()
        params = [
            {**_checkout_params(r.body), "tenant_id": tenant_id, "seller_id": seller_id}
            for r in requests
        ]
        a = self.args
        function = "bench.plain_sql:plain_sql_checkout"
        plan = SqlPlan(self.db_url, function, params, a.duration, a.concurrency, a.scale.warmup_s)
        result = self.loadgen.run(plan)
        if result.not_available:
            self.figures.absent["checkout as plain SQL (ceiling)"] = result.not_available
            echo(f"  checkout as plain SQL      {result.not_available}")
            return None
        return self.record("checkout as plain SQL", "max", None, result).rps


def _checkout_params(body: bytes | None) -> dict:
    import json

    data = json.loads(body or b"{}")
    return {
        "customer_id": data["customer_id"],
        "shipping_address_id": data["shipping_address_id"],
        "items": [[item["product_id"], item["qty"]] for item in data["items"]],
    }


def _merge(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {k: a.get(k, 0) + b.get(k, 0) for k in a.keys() | b.keys()}


def units_per_product(tags: dict[str, int]) -> dict[int, int]:
    """Checkout tags ("12,40,77" = one unit of each, per success) -> units per product."""
    units: dict[int, int] = {}
    for tag, successes in tags.items():
        for pid in tag.split(","):
            units[int(pid)] = units.get(int(pid), 0) + successes
    return units


def stock_of(db_url: str, tenant_id: int, product_ids) -> dict[int, int]:
    import psycopg

    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "SELECT id, stock_qty FROM products WHERE tenant_id = %s AND id = ANY(%s)",
            (tenant_id, list(product_ids)),
        ).fetchall()
    return dict(rows)


def last_order_id(db_url: str) -> int:
    import psycopg

    with psycopg.connect(db_url) as conn:
        return conn.execute("SELECT coalesce(max(id), 0) FROM orders").fetchone()[0]


def ordered_since(db_url: str, tenant_id: int, order_id: int) -> dict[int, int]:
    """Units per product in the order lines of orders placed after ``order_id`` (HTTP and
    plain SQL alike: both are real orders that took stock)."""
    import psycopg

    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "SELECT l.product_id, sum(l.qty) FROM order_lines l JOIN orders o ON o.id = l.order_id"
            " WHERE o.tenant_id = %s AND o.id > %s GROUP BY l.product_id",
            (tenant_id, order_id),
        ).fetchall()
    return {pid: int(n) for pid, n in rows}


def count_oversells(
    before: dict[int, int], after: dict[int, int], ordered: dict[int, int], confirmed: dict
) -> int:
    """Units sold beyond what left the stock, units confirmed (201) without an order line
    behind them, and products driven below zero. Any of them is an oversell."""
    taken = {pid: before[pid] - after.get(pid, 0) for pid in before}
    beyond_stock = sum(max(0, ordered.get(pid, 0) - taken[pid]) for pid in before)
    phantom = sum(max(0, n - ordered.get(pid, 0)) for pid, n in confirmed.items())
    negative = sum(1 for qty in after.values() if qty < 0)
    return beyond_stock + phantom + negative


def _git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=stack.ROOT, capture_output=True, text=True)
    result.check_returncode()
    return result.stdout.strip()


def git_commit() -> str:
    try:
        # The results files are this harness's own output, not a change to what it measures.
        dirty = _git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results")
        return _git("rev-parse", "--short", "HEAD") + (" (uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def seeded_counts(client: BenchClient, app) -> str:
    parts = []
    for label in ("customers", "products", "orders"):
        path = f"/api/v1/{label}"
        if route_exists(app, path):
            parts.append(f"{client.total(path):,} {label}")
    return ", ".join(parts) or "demo company and its users only (no scale options yet)"


def seed(env: dict[str, str], scale: Scale) -> None:
    help_text = stack.flask(env, "seed-demo", "--help")
    options = stack.supported_seed_options(help_text)
    args = stack.seed_arguments(options, scale.customers, scale.products, scale.order_lines)
    phase(f"seeding: flask seed-demo {' '.join(args)}".rstrip())
    stack.flask(env, "seed-demo", *args)


def _raise_interrupt(signum, _frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Explicit, so cleanup also runs when started with SIGINT ignored (a background job).
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGINT, _raise_interrupt)
    admin_url, db_url = stack.database_urls(args.database_url)
    env = stack.app_environment(db_url)
    os.environ.update(env)  # the in-process app (route discovery) reads the same settings
    from webapp import create_app

    app = create_app()
    scenarios = [s for s in SCENARIOS if not args.only or any(o in s.name for o in args.only)]
    paths = resolve_paths(app, [BASELINE, *scenarios])
    if paths[BASELINE.name] is None:
        raise SystemExit("the baseline page is missing: is webapp/bench_routes.py registered?")

    procs = stack.Processes(Path(tempfile.mkdtemp(prefix="vitrine-bench-")))
    loadgen = None
    echo(f"vitrine bench: {args.scale.label}; {os.cpu_count()} cores; {args.workers} workers")
    try:
        reused = stack.prepare_database(admin_url, args.scale.label, args.keep_db)
        phase("database ready; flask db upgrade")
        stack.flask(env, "db", "upgrade")
        if reused:
            phase(f"reusing the seeded database {stack.DB_NAME} (--keep-db)")
        else:
            seed(env, args.scale)
            stack.mark_seeded(admin_url, args.scale.label)
        phase(f"starting gunicorn ({args.workers} workers) and one worker")
        port = stack.free_port()
        base_url = f"http://127.0.0.1:{port}"
        stack.start_web(procs, env, port, args.workers)
        stack.start_worker(procs, env)
        stack.wait_ready(procs, base_url)
        loadgen = LoadGenerator()
        phase("ready; running scenarios")
        figures, seeded = drive(args, app, env, paths, scenarios, base_url, db_url, loadgen, procs)
    finally:
        if loadgen:
            loadgen.close()
        procs.stop_all()
        if not args.keep_db:
            stack.drop_database(admin_url)
        phase("stopped everything" + ("" if args.keep_db else f"; dropped {stack.DB_NAME}"))
    return report(args, figures, seeded)


def drive(args, app, env, paths, scenarios, base_url, db_url, loadgen, procs):
    from webapp.demo import DEMO_ADMIN, DEMO_PASSWORD

    client = BenchClient(base_url)
    client.sign_in(DEMO_ADMIN, DEMO_PASSWORD)
    seeded = seeded_counts(client, app)
    bench = Bench(args, app, base_url, client, loadgen, db_url)
    figures = bench.figures
    if route_exists(app, "/api/v1/customers"):
        figures.customers = client.total("/api/v1/customers")
    echo(f"seeded: {seeded}")
    for scenario in scenarios:
        path = paths[scenario.name]
        if path is None:
            figures.absent[scenario.name] = "n/a: module not present"
            echo(f"  {scenario.name:<28} n/a: module not present")
            continue
        if scenario.name == CHECKOUT:
            figures.oversells = run_checkout(bench, client, scenario, path, db_url)
        else:
            bench.run_scenario(scenario, path)
    lookup = next((s for s in scenarios if s.name == LOOKUP), None)
    if lookup and paths[LOOKUP] and args.scale.lookup_customers > (figures.customers or 0):
        lookup_at_scale(bench, env, args.scale, lookup, paths[LOOKUP])
        name_search = next((s for s in scenarios if s.name == NAME_SEARCH), None)
        if name_search and paths[NAME_SEARCH]:
            bench.run_again(name_search, paths[NAME_SEARCH])  # names drawn from the new table
    if not args.only or any(o in DRAIN for o in args.only):
        figures.drain = drain_if_present(app, client, procs, db_url, args.drain_jobs, figures)
    return figures, seeded


def lookup_at_scale(bench: Bench, env, scale: Scale, scenario: Scenario, path: str) -> None:
    """Top the tenant up to ``scale.lookup_customers`` and measure the CPF lookup again,
    over documents drawn at random from the whole table (not the first page of the API)."""
    import psycopg

    wanted = scale.lookup_customers
    phase(f"CPF lookup at {wanted:,} customers: seeding the missing ones")
    seed(env, replace(scale, customers=wanted))
    with psycopg.connect(bench.db_url) as conn:
        documents = conn.execute(
            "SELECT document FROM customers WHERE tenant_id = %s ORDER BY random() LIMIT %s",
            (bench.client.identity()[1], SAMPLE_SIZE),
        ).fetchall()
    requests = [
        RequestSpec("GET", path.format(document=doc), bench.client.bearer) for (doc,) in documents
    ]
    bench.figures.customers = bench.client.total("/api/v1/customers")
    bench._open(scenario, requests, "rate", scenario.rate or bench.args.rate)


def drain_if_present(app, client, procs, db_url, jobs, figures):
    from bench.drain import REQUIRED_PATHS, run_drain

    methods = {p: "POST" if "transitions" in p else "GET" for p in REQUIRED_PATHS}
    if not all(route_exists(app, path, method) for path, method in methods.items()):
        figures.absent[DRAIN] = "n/a: module not present"
        return None
    return run_drain(app, client, procs, db_url, client.identity()[1], jobs, echo)


def run_checkout(bench: Bench, client: BenchClient, scenario: Scenario, path: str, db_url: str):
    """The checkout scenario plus its oversell check (stock read straight from the database)."""
    tenant_id = client.identity()[1]
    products = {int(pid) for r in bench.requests_for(scenario, path) for pid in r.tag.split(",")}
    before, mark = stock_of(db_url, tenant_id, products), last_order_id(db_url)
    confirmed = units_per_product(bench.run_scenario(scenario, path))
    after = stock_of(db_url, tenant_id, products)
    ordered = ordered_since(db_url, tenant_id, mark)
    oversells = count_oversells(before, after, ordered, confirmed)
    echo(
        f"  oversell check: {sum(ordered.values()):,} units ordered, "
        f"{sum(before[p] - after[p] for p in before):,} left the stock, "
        f"{sum(confirmed.values()):,} confirmed over HTTP; oversells {oversells}"
    )
    return oversells


def report(args, figures: RunFigures, seeded: str) -> int:
    info = RunInfo(
        date=date.today().isoformat(),
        commit=git_commit(),
        cores=os.cpu_count() or 1,
        workers=args.workers,
        scale=args.scale.label,
        duration_s=args.duration,
        rate=args.rate,
        seeded=seeded,
    )
    verdicts = evaluate(figures)
    path = results_path(args.results_dir, info)
    previous = path.read_text() if path.exists() else None
    args.results_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(render(info, figures, verdicts, previous))
    echo()
    for line in table(figures):
        echo(line)
    echo()
    for v in verdicts:
        echo(f"  [{v.status:^7}] {v.goal}: {v.detail}")
    shown = path.relative_to(stack.ROOT) if path.is_relative_to(stack.ROOT) else path
    echo(f"\nresults written to {shown}")
    echo(goals_line(verdicts))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        echo("interrupted: every process stopped, results not written")
        sys.exit(130)
