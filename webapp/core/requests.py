"""Per-request plumbing: request id, tenant and actor context, CSRF for non-API writes."""

from __future__ import annotations

import re
import uuid

from flask import Flask, g, request
from flask_login import current_user

from webapp.core.context import current_actor_id, current_request_id, current_tenant_id
from webapp.extensions import csrf
from webapp.identity.decorators import install_access_guard, is_public_endpoint

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _csrf_exempt(app: Flask) -> bool:
    """Bearer-token API calls, and the public API endpoints that issue tokens from a body.

    Browsers never attach either automatically, so neither can be forged cross-site.
    """
    from webapp.core.errors import is_api_request
    from webapp.identity.auth import bearer_token

    if bearer_token():
        return True
    if not is_api_request():
        return False
    # An API call with no signed-in session is anonymous: the access guard answers 401
    # (or the endpoint is public), so there is no cookie-borne authority to forge.
    return is_public_endpoint(app, request.endpoint) or not current_user.is_authenticated


def install_request_hooks(app: Flask) -> None:
    @app.before_request
    def _assign_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        current_request_id.set(g.request_id)

    @app.before_request
    def _check_csrf():
        if request.method in _UNSAFE_METHODS and not _csrf_exempt(app):
            csrf.protect()

    install_access_guard(app)

    @app.before_request
    def _bind_user_context():
        if current_user.is_authenticated:
            current_tenant_id.set(current_user.tenant_id)
            current_actor_id.set(current_user.id)

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.teardown_request
    def _clear_context(_exc):
        # Threads are reused across requests; never let one request's tenant leak into another.
        current_tenant_id.set(None)
        current_actor_id.set(None)
        current_request_id.set(None)
