"""Load generator: runs in its own process (see :class:`LoadGenerator`), never in the server's.

Two modes:

* **open loop** (fixed arrival rate): request *i* is due at ``start + i / rate`` whatever
  happened to the earlier ones, and its latency is measured from that due time, not from
  when it was actually sent. A server that stalls therefore collects the waiting time of
  every request that should have gone out during the stall (no "coordinated omission", the
  flaw of closed-loop tools that wait for a reply before sending the next request).
* **closed loop** (max throughput): ``concurrency`` threads send back to back for the whole
  window; requests/s is the capacity figure used for ratios and for "half of max load".

HTTP goes through one urllib3 pool with keep-alive; a thread pool sends the requests.
"""

from __future__ import annotations

import importlib
import multiprocessing
import signal
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

REQUEST_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class RequestSpec:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    # A fresh Idempotency-Key per request (checkout): a repeated key would be a replay.
    fresh_idempotency_key: bool = False
    # Successful requests are counted per tag (e.g. the product sold) for after-run checks.
    tag: str | None = None


@dataclass(frozen=True)
class HttpPlan:
    base_url: str
    requests: list[RequestSpec]
    ok_statuses: tuple[int, ...]
    duration_s: float
    mode: str  # "open" or "closed"
    rate: float = 0.0  # open loop: requests per second
    concurrency: int = 8  # closed loop: threads; open loop: sender threads
    warmup_s: float = 0.0


@dataclass(frozen=True)
class SqlPlan:
    """Closed loop over a plain-SQL function ``module:function(conn, **params)``."""

    dsn: str
    function: str
    params: list[dict[str, Any]]
    duration_s: float
    concurrency: int
    warmup_s: float = 0.0


@dataclass
class LoadResult:
    latencies_ms: list[float]
    errors: int
    elapsed_s: float
    statuses: dict[str, int]
    tags: dict[str, int]
    not_available: str | None = None  # set when the measured thing does not exist yet


def schedule_offsets(rate: float, duration_s: float) -> list[float]:
    """Due times (seconds from start) of an open-loop run: evenly spaced at ``1 / rate``."""
    if rate <= 0 or duration_s <= 0:
        raise ValueError("rate and duration must be positive")
    count = max(1, round(rate * duration_s))
    return [i / rate for i in range(count)]


def open_loop_latency_ms(due_at: float, finished_at: float) -> float:
    """Latency counted from the due time, so time spent queued behind a stall is included."""
    return (finished_at - due_at) * 1000.0


class _Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors = 0
        self.statuses: Counter[str] = Counter()
        self.tags: Counter[str] = Counter()
        self.last_finish = 0.0

    def add(self, latency_ms: float, status: str, ok: bool, tag: str | None, t: float) -> None:
        with self.lock:
            self.latencies.append(latency_ms)
            self.statuses[status] += 1
            self.last_finish = max(self.last_finish, t)
            if not ok:
                self.errors += 1
            elif tag is not None:
                self.tags[tag] += 1

    def result(self, elapsed_s: float) -> LoadResult:
        return LoadResult(
            self.latencies, self.errors, elapsed_s, dict(self.statuses), dict(self.tags)
        )


def _sender(plan: HttpPlan) -> Callable[[RequestSpec], tuple[str, bool]]:
    import urllib3

    pool = urllib3.connection_from_url(plan.base_url, maxsize=plan.concurrency, block=True)
    timeout = urllib3.Timeout(total=REQUEST_TIMEOUT_S)

    def send(spec: RequestSpec) -> tuple[str, bool]:
        headers = dict(spec.headers)
        if spec.fresh_idempotency_key:
            headers["Idempotency-Key"] = uuid.uuid4().hex
        try:
            response = pool.urlopen(
                spec.method,
                spec.path,
                body=spec.body,
                headers=headers,
                redirect=False,
                retries=False,
                timeout=timeout,
            )
        except Exception as exc:  # a refused or timed-out request is an error, not a crash
            return f"exc:{type(exc).__name__}", False
        return str(response.status), response.status in plan.ok_statuses

    return send


def run_open_loop(plan: HttpPlan) -> LoadResult:
    send = _sender(plan)
    _warm_up(plan, send)
    recorder = _Recorder()
    offsets = schedule_offsets(plan.rate, plan.duration_s)

    def one(spec: RequestSpec, due_at: float) -> None:
        status, ok = send(spec)
        now = time.perf_counter()
        recorder.add(open_loop_latency_ms(due_at, now), status, ok, spec.tag, now)

    start = time.perf_counter() + 0.05
    with ThreadPoolExecutor(max_workers=plan.concurrency) as pool:
        for i, offset in enumerate(offsets):
            due_at = start + offset
            delay = due_at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, plan.requests[i % len(plan.requests)], due_at)
    # A server that cannot keep up stretches the window, so requests/s drops below the rate.
    elapsed = max(plan.duration_s, recorder.last_finish - start)
    return recorder.result(elapsed)


def run_closed_loop(plan: HttpPlan) -> LoadResult:
    send = _sender(plan)
    _warm_up(plan, send)
    recorder = _Recorder()
    counter = iter(range(10**12))
    counter_lock = threading.Lock()
    end = time.perf_counter() + plan.duration_s

    def loop() -> None:
        while (began := time.perf_counter()) < end:
            with counter_lock:
                spec = plan.requests[next(counter) % len(plan.requests)]
            status, ok = send(spec)
            now = time.perf_counter()
            recorder.add((now - began) * 1000.0, status, ok, spec.tag, now)

    _run_threads(loop, plan.concurrency)
    return recorder.result(plan.duration_s)


def _warm_up(plan: HttpPlan, send: Callable[[RequestSpec], tuple[str, bool]]) -> None:
    """Open the keep-alive connections and warm caches; nothing here is recorded."""
    end = time.perf_counter() + plan.warmup_s
    i = 0
    while time.perf_counter() < end:
        send(plan.requests[i % len(plan.requests)])
        i += 1


def run_sql_closed_loop(plan: SqlPlan) -> LoadResult:
    import psycopg

    module_name, func_name = plan.function.split(":")
    function = getattr(importlib.import_module(module_name), func_name)
    recorder = _Recorder()
    counter = iter(range(10**12))
    counter_lock = threading.Lock()
    missing: list[str] = []
    start = time.perf_counter()
    end = start + plan.warmup_s + plan.duration_s
    measure_from = start + plan.warmup_s

    def loop() -> None:
        with psycopg.connect(plan.dsn) as conn:
            while (began := time.perf_counter()) < end and not missing:
                with counter_lock:
                    params = plan.params[next(counter) % len(plan.params)]
                try:
                    function(conn, **params)
                    status, ok = "ok", True
                except NotImplementedError as exc:
                    missing.append(str(exc))
                    return
                except Exception as exc:
                    conn.rollback()
                    status, ok = f"exc:{type(exc).__name__}", False
                now = time.perf_counter()
                if began >= measure_from:
                    recorder.add((now - began) * 1000.0, status, ok, None, now)

    _run_threads(loop, plan.concurrency)
    result = recorder.result(plan.duration_s)
    result.not_available = missing[0] if missing else None
    return result


def _run_threads(target: Callable[[], None], count: int) -> None:
    threads = [threading.Thread(target=target, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def execute(plan: HttpPlan | SqlPlan) -> LoadResult:
    """Entry point in the load-generator process."""
    if isinstance(plan, SqlPlan):
        return run_sql_closed_loop(plan)
    if plan.mode == "open":
        return run_open_loop(plan)
    return run_closed_loop(plan)


def _leave_interrupts_to_the_harness() -> None:
    # Ctrl-C reaches the whole foreground group; the harness stops the plan and cleans up.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class LoadGenerator:
    """A separate process that runs plans, so the harness's own work never skews timings."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._executor = ProcessPoolExecutor(
            max_workers=1, mp_context=context, initializer=_leave_interrupts_to_the_harness
        )

    def run(self, plan: HttpPlan | SqlPlan) -> LoadResult:
        return self._executor.submit(execute, plan).result()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
