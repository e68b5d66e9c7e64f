"""Settings from the environment.

With no settings at all the app runs on the embedded default: a SQLite file under
``instance/`` and background jobs executed in-process. ``DATABASE_URL`` (PostgreSQL via
psycopg 3) and ``REDIS_URL`` switch to the real services.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from webapp.core.cli import CommandError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


def normalize_database_url(url: str) -> str:
    """Accept the ``postgresql://`` form hosting providers give and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _embedded_secret_key() -> str:
    # The embedded default must keep sessions valid across restarts without any setup,
    # so a random key is generated once and kept in instance/.
    INSTANCE_DIR.mkdir(exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


class ConfigError(CommandError):
    """A setting the app cannot start with. A click error, so every `flask` command prints
    ``Erro: <message>`` and exits 1 instead of a traceback."""


def _int(name: str, default: int) -> int:
    value = (os.environ.get(name) or "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()):
        raise ConfigError(f"{name} precisa ser um número inteiro (recebido {value!r}).")
    return int(value)


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
PASSWORD_HASH_PROFILES = ("CHEAPEST", "PRE_21_2", "RFC_9106_HIGH_MEMORY", "RFC_9106_LOW_MEMORY")


def _one_of(name: str, value: str, choices: tuple[str, ...], what: str = "") -> None:
    if value not in choices:
        listed = ", ".join(choices[:-1]) + f" ou {choices[-1]}"
        raise ConfigError(f"{name} precisa ser {what}{listed} (recebido {os.environ.get(name)!r}).")


def _timezone(name: str, default: str) -> str:
    value = (os.environ.get(name) or "").strip() or default
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"{name} precisa ser um fuso IANA, como {default} (recebido {value!r})."
        ) from exc
    return value


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings read once when the app is created."""

    def __init__(self) -> None:
        env = os.environ
        database_url = env.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'vitrine.db'}"
        self.SQLALCHEMY_DATABASE_URI = normalize_database_url(database_url)
        if not env.get("SECRET_KEY") and env.get("DATABASE_URL"):
            # Several processes on several machines must share one key, or sessions, CSRF
            # tokens and JWTs signed by one process fail on the next.
            raise ConfigError(
                "SECRET_KEY não configurada. Com DATABASE_URL definida, todos os processos"
                " precisam da mesma chave; gere uma com: python3 -c"
                " 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        self.SECRET_KEY = env.get("SECRET_KEY") or _embedded_secret_key()
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.REDIS_URL = env.get("REDIS_URL") or None
        # Without Redis, outbox jobs run in the same process right after commit.
        self.JOBS_INLINE = self.REDIS_URL is None
        self.RQ_QUEUE = env.get("RQ_QUEUE") or "vitrine"
        # Namespace of the app's own Redis keys (rate limits, revoked token ids).
        self.REDIS_KEY_PREFIX = env.get("REDIS_KEY_PREFIX") or "vitrine"
        self.LOGIN_THROTTLE_ACCOUNT = env.get("LOGIN_THROTTLE_ACCOUNT") or "5 per 5 minutes"
        self.LOGIN_THROTTLE_IP = env.get("LOGIN_THROTTLE_IP") or "30 per 5 minutes"
        self.OUTBOX_RELAY_INTERVAL = _int("OUTBOX_RELAY_INTERVAL", 10)
        self.OUTBOX_STALE_AFTER = _int("OUTBOX_STALE_AFTER", 300)
        self.EXPORT_DIR = env.get("EXPORT_DIR") or str(INSTANCE_DIR / "exports")
        # Report export files are downloadable for this long, then deleted (410 Gone).
        self.EXPORT_TTL_HOURS = _int("EXPORT_TTL_HOURS", 24)

        https = _bool("HTTPS", False)
        self.HTTPS = https
        self.PREFERRED_URL_SCHEME = "https" if https else "http"
        self.SESSION_COOKIE_NAME = "vitrine_session"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = https
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = https
        self.REMEMBER_COOKIE_DURATION = timedelta(days=14)
        self.SESSION_LIFETIME = timedelta(hours=_int("SESSION_LIFETIME_HOURS", 12))
        # The largest body anyone sends is a catalog CSV of up to 20 MB (catalog.imports
        # refuses more with its own message) plus its multipart framing. Past this, werkzeug
        # answers 413 before reading the body into memory.
        self.MAX_CONTENT_LENGTH = 21 * 1024 * 1024
        # CSRF is checked by our own before_request so bearer-token API calls can skip it.
        self.WTF_CSRF_CHECK_DEFAULT = False
        self.WTF_CSRF_TIME_LIMIT = None

        self.PASSWORD_HASH_PROFILE = env.get("PASSWORD_HASH_PROFILE") or "RFC_9106_LOW_MEMORY"
        _one_of(
            "PASSWORD_HASH_PROFILE",
            self.PASSWORD_HASH_PROFILE,
            PASSWORD_HASH_PROFILES,
            "um perfil do argon2-cffi: ",
        )
        self.JWT_ACCESS_TTL = timedelta(minutes=_int("JWT_ACCESS_MINUTES", 15))
        self.JWT_REFRESH_TTL = timedelta(days=_int("JWT_REFRESH_DAYS", 7))
        self.TIMEZONE = _timezone("TIMEZONE", "America/Sao_Paulo")
        self.LOG_LEVEL = (env.get("LOG_LEVEL") or "INFO").strip().upper()
        _one_of("LOG_LEVEL", self.LOG_LEVEL, LOG_LEVELS)
        # Number of reverse proxies in front of the app (X-Forwarded-For/-Proto trusted).
        self.TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
        # Benchmark harness only (bench/): adds the public baseline page. Never in production.
        self.BENCH_ENDPOINTS = _bool("BENCH_ENDPOINTS", False)


def settings_for_tests(database_url: str, redis_url: str | None) -> dict:
    """Settings the test suite applies on top of :class:`Config`."""
    return {
        "TESTING": True,
        "PASSWORD_HASH_PROFILE": "CHEAPEST",
        "SECRET_KEY": "test-secret-key-not-for-production-0123456789",
        "SQLALCHEMY_DATABASE_URI": normalize_database_url(database_url),
        "REDIS_URL": redis_url,
        "JOBS_INLINE": redis_url is None,
        "RQ_QUEUE": f"vitrine-test-{os.getpid()}",
        "REDIS_KEY_PREFIX": f"vitrine-test-{os.getpid()}",
    }
