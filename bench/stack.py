"""The system under test: its database, gunicorn and one RQ worker.

Every process is started in its own process group and stopped with its whole group, from a
``finally``, so a Ctrl-C or a failed scenario never leaves a server behind.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from webapp.config import normalize_database_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DB_NAME = "vitrine_bench"
REDIS_URL = "redis://127.0.0.1:6379/13"
SECRET_KEY = "bench-only-secret-key-0123456789abcdef0123456789"
SEED_OPTIONS = ("customers", "products", "orders", "order-lines")
LINES_PER_ORDER = 2.4  # webapp/sales/demo.py seeds 1-4 lines per order (~2.4 on average)


def database_urls(server_url: str) -> tuple[str, str]:
    """(maintenance URL, bench database URL) in plain ``postgresql://`` form for psycopg."""
    url = make_url(normalize_database_url(server_url)).set(drivername="postgresql")
    return tuple(  # type: ignore[return-value]
        url.set(database=name).render_as_string(hide_password=False)
        for name in ("postgres", DB_NAME)
    )


def prepare_database(admin_url: str, scale_label: str, keep: bool) -> bool:
    """Create the bench database. Returns True when a kept one, seeded at this scale, is reused."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        comment = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (DB_NAME,),
        ).fetchone()
        if keep and comment and comment[0] == scale_label:
            return True
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
    return False


def mark_seeded(admin_url: str, scale_label: str) -> None:
    """Remember the scale on the database itself so --keep-db reuses only a matching seed."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(DB_NAME), sql.Literal(scale_label)
            )
        )


def drop_database(admin_url: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME))
        )


def app_environment(db_url: str, bench_endpoints: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        FLASK_APP="wsgi.py",
        DATABASE_URL=db_url,
        REDIS_URL=REDIS_URL,
        RQ_QUEUE="vitrine-bench",
        SECRET_KEY=SECRET_KEY,
        BENCH_ENDPOINTS="1" if bench_endpoints else "0",
        LOG_LEVEL="WARNING",
        # One bearer token must outlive a long run (the default is 15 minutes).
        JWT_ACCESS_MINUTES="600",
    )
    return env


def flask(env: dict[str, str], *args: str) -> str:
    """Run a flask CLI command; its output is shown only when it fails."""
    result = subprocess.run(
        [str(BIN / "flask"), *args], cwd=ROOT, env=env, text=True, capture_output=True
    )
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise RuntimeError(f"flask {' '.join(args)} failed ({result.returncode})")
    return result.stdout


def supported_seed_options(help_text: str) -> set[str]:
    """Which scale options ``flask seed-demo --help`` offers (modules add them over time)."""
    return {name for name in SEED_OPTIONS if re.search(rf"--{name}\b", help_text)}


def seed_arguments(supported: set[str], customers: int, products: int, lines: int) -> list[str]:
    """seed-demo arguments for the wanted scale, using only the options that exist.

    The scale is given in order lines; when seed-demo only takes ``--orders`` the harness
    asks for ``lines / LINES_PER_ORDER`` orders (and the results show the real counts).
    """
    args: list[str] = []
    if "customers" in supported:
        args += ["--customers", str(customers)]
    if "products" in supported:
        args += ["--products", str(products)]
    if "order-lines" in supported:
        args += ["--order-lines", str(lines)]
    elif "orders" in supported:
        args += ["--orders", str(max(1, round(lines / LINES_PER_ORDER)))]
    return args


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """Child processes, each the leader of its own process group."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.children: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "w")  # noqa: SIM115  closed with the process
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.children[name] = proc
        return proc

    def signal(self, name: str, signum: int) -> None:
        os.killpg(self.children[name].pid, signum)

    def stop_all(self, grace_s: float = 10.0) -> None:
        for proc in self.children.values():
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        for proc in self.children.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait()
        self.children.clear()


def _signal_group(proc: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(proc.pid, signum)
        if signum == signal.SIGTERM:
            os.killpg(proc.pid, signal.SIGCONT)  # a paused group must wake to hear SIGTERM
    except ProcessLookupError:
        pass


def start_web(procs: Processes, env: dict[str, str], port: int, workers: int) -> None:
    argv = [
        str(BIN / "gunicorn"),
        "wsgi:app",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    procs.start("gunicorn", argv, env)


def start_worker(procs: Processes, env: dict[str, str]) -> None:
    procs.start("worker", [str(BIN / "flask"), "worker"], env)


def wait_ready(procs: Processes, base_url: str, timeout_s: float = 60.0) -> None:
    import urllib3

    http = urllib3.PoolManager(retries=False, timeout=2.0)
    deadline = time.monotonic() + timeout_s
    last = "no answer"
    while time.monotonic() < deadline:
        for name, proc in procs.children.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited ({proc.returncode}); see {procs.log_dir}")
        try:
            response = http.request("GET", f"{base_url}/ready")
            if response.status == 200:
                return
            last = response.data.decode()[:200]
        except urllib3.exceptions.HTTPError as exc:
            last = type(exc).__name__
        time.sleep(0.3)
    raise RuntimeError(f"/ready never answered 200 ({last}); see {procs.log_dir}")
