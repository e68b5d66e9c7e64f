"""Throttling of failed sign-ins per account and per IP (Flask-Limiter).

Only failures count: the limits are checked before the view runs (``limiter.test``) and a
hit is recorded afterwards only when the view flagged a failed attempt
(``deduct_when``). Windows slide, so waiting always lets the user in again: there is no
permanent lockout. Storage is Redis when ``REDIS_URL`` is set (shared by every web process),
memory on the embedded default.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, current_app, g, request
from flask_limiter.util import get_remote_address
from limits import parse

from webapp.extensions import limiter

log = logging.getLogger(__name__)

ACCOUNT_SCOPE = "login-account"
THROTTLE_MESSAGE = (
    "Muitas tentativas de acesso sem sucesso. Por segurança, aguarde alguns minutos "
    "e tente de novo."
)


def init_throttling(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("LOGIN_THROTTLE_ACCOUNT", "5 per 5 minutes")
    app.config.setdefault("LOGIN_THROTTLE_IP", "30 per 5 minutes")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    if redis_url:
        app.config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS",
            {"key_prefix": f"{app.config['REDIS_KEY_PREFIX']}:limits", "socket_timeout": 2},
        )
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # A Redis outage must not take sign-in down: fall back to per-process counters.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    limiter.init_app(app)


def record_failed_login() -> None:
    """Called by a sign-in view when the credentials were wrong."""
    g.login_failed = True


def forget_failed_logins() -> None:
    """Called by a sign-in view when the credentials were right: the account starts afresh.

    Otherwise four typos, a sign-in and one more typo later would lock the owner out. Only
    the account's counter goes: the IP's keeps counting, so an attacker cannot clear it by
    signing in to an account of their own between guesses.
    """
    limit = parse(current_app.config["LOGIN_THROTTLE_ACCOUNT"])
    try:
        limiter.limiter.clear(limit, _account_key(), ACCOUNT_SCOPE)
    except Exception:  # as the limiter itself: a Redis outage must not fail the sign-in
        log.exception("could not clear the failed sign-ins of an account")


def _failed(_response) -> bool:
    return bool(g.get("login_failed"))


def _account_key() -> str:
    if request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    else:
        email = request.form.get("email")
    email = email.strip().lower()[:254] if isinstance(email, str) else ""
    return f"account:{email or '-'}"


def _ip_key() -> str:
    return f"ip:{get_remote_address() or '-'}"


def throttle_failed_logins(on_breach: Callable | None = None) -> Callable:
    """Decorator for a sign-in view: per-account and per-IP limits on failed attempts.

    The limits are shared (one scope each) by every sign-in view, so failures on /login
    and on /api/v1/auth/token add up instead of giving an attacker two budgets.
    """
    limits = (
        (_account_key, "LOGIN_THROTTLE_ACCOUNT", ACCOUNT_SCOPE),
        (_ip_key, "LOGIN_THROTTLE_IP", "login-ip"),
    )

    def decorator(view):
        for key_func, setting, scope in limits:
            view = limiter.shared_limit(
                lambda setting=setting: current_app.config[setting],
                scope=scope,
                key_func=key_func,
                methods=["POST"],
                deduct_when=_failed,
                error_message=THROTTLE_MESSAGE,
                on_breach=on_breach,
            )(view)
        return view

    return decorator
