"""Real ``flask worker`` processes and a throwaway Redis server for the wallet's failure tests.

The throwaway Redis listens on a free port of its own (no persistence), so killing it and
starting it again is a real outage that loses every queued job, without touching the shared
Redis other work runs against. Every process started here is stopped by the caller's
``finally`` (or the ``real_workers`` / ``throwaway_redis`` fixtures).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue, Worker

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = "/usr/bin/redis-server"


def wait_for(condition: Callable[[], bool], timeout: float, what: str, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayRedis:
    """A redis-server on a free port; ``kill()`` is an outage, ``start()`` brings it back empty."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> ThrowawayRedis:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = Redis.from_url(self.url, socket_connect_timeout=0.2)
        wait_for(lambda: self._pings(client), 10, f"redis-server on port {self.port}", 0.05)
        return self

    @staticmethod
    def _pings(client: Redis) -> bool:
        try:
            return bool(client.ping())
        except Exception:
            return False

    def kill(self) -> None:
        """SIGKILL: no shutdown save, the queued jobs are gone with the process."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def throwaway_redis() -> Iterator[ThrowawayRedis]:
    if not Path(REDIS_SERVER).exists():
        pytest.skip(f"{REDIS_SERVER} not found")
    server = ThrowawayRedis().start()
    try:
        yield server
    finally:
        server.kill()


def start_worker(app, redis_url: str | None = None, **env: str) -> subprocess.Popen:
    """A real ``flask worker`` on the test database and queue (env overrides the app's config)."""
    environment = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_url or app.config["REDIS_URL"],
        "RQ_QUEUE": app.config["RQ_QUEUE"],
        "REDIS_KEY_PREFIX": app.config["REDIS_KEY_PREFIX"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "OUTBOX_RELAY_INTERVAL": "3600",  # tests that want the worker's relay ask for it
        "LOG_LEVEL": "WARNING",
        **env,
    }
    flask = Path(sys.executable).with_name("flask")
    return subprocess.Popen(
        [str(flask), "worker"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_worker(worker: subprocess.Popen) -> None:
    """SIGTERM (RQ's warm shutdown: the current job finishes), SIGKILL if it hangs."""
    if worker.poll() is not None:
        return
    try:
        os.kill(worker.pid, signal.SIGCONT)  # a stopped process cannot act on SIGTERM
    except ProcessLookupError:
        return
    worker.terminate()
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=10)


def workers_ready(redis_url: str, queue_name: str, *processes: subprocess.Popen) -> bool:
    """Whether each of ``processes`` has registered as a worker of the queue.

    Matched by pid: a SIGKILLed worker stays registered until its key expires, so a plain
    count of the queue's workers would include the dead.
    """
    connection = Redis.from_url(redis_url, socket_connect_timeout=0.5)
    try:
        queue = Queue(queue_name, connection=connection)
        live = {worker.pid for worker in Worker.all(connection=connection, queue=queue)}
    except Exception:
        return False
    finally:
        connection.close()
    return {process.pid for process in processes} <= live


@pytest.fixture
def real_workers(app) -> Iterator[Callable[..., subprocess.Popen]]:
    """``real_workers(redis_url=..., **env)`` starts a ``flask worker``; all stop at teardown."""
    started: list[subprocess.Popen] = []

    def factory(redis_url: str | None = None, **env: str) -> subprocess.Popen:
        worker = start_worker(app, redis_url, **env)
        started.append(worker)
        return worker

    try:
        yield factory
    finally:
        for worker in started:
            stop_worker(worker)
