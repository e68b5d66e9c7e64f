"""Access rules for views: everything needs a signed-in user unless marked ``@public``.

The guard runs before every request (see :func:`install_access_guard`), so a new route is
protected by default; ``@roles_required`` narrows it to roles. Web routes and API resources
use the same decorators.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user

from webapp.identity.models import Role

F = TypeVar("F", bound=Callable)


def public(view: F) -> F:
    """Mark a view as reachable without signing in."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Allow only users whose role is one of ``roles`` (403 otherwise)."""
    allowed = {Role(r) for r in roles}

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_roles = allowed  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


admin_required = roles_required(Role.ADMIN)


def mark_public_endpoint(app: Flask, endpoint: str) -> None:
    """Make a view registered by a library (not decorated by us) public."""
    app.extensions.setdefault("public_endpoints", {"static"}).add(endpoint)


def is_public_endpoint(app: Flask, endpoint: str | None) -> bool:
    if endpoint is None:
        return True  # no route matched: let the 404/405 handler answer
    if endpoint in app.extensions.get("public_endpoints", {"static"}):
        return True
    view = app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)  # MethodView-based API resources
    return bool(getattr(view, "is_public", False) or getattr(view_class, "is_public", False))


def install_access_guard(app: Flask) -> None:
    @app.before_request
    def _require_login():
        if is_public_endpoint(app, request.endpoint):
            return None
        if not current_user.is_authenticated:
            return app.login_manager.unauthorized()
        return None
