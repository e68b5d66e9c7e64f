"""Page-or-partial rendering and out-of-band helpers for htmx."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, make_response, redirect, render_template, request, url_for


def wants_partial() -> bool:
    """An htmx request that is not a history restore (which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def piece_of(endpoint: str, keep_args: tuple[str, ...] = (), **values: Any) -> Callable:
    """For a route that draws one piece of a page (a tab, a list's next rows): opened
    outside htmx (a new tab, a bookmark, a reload) it sends the browser to the page that
    holds the piece, instead of showing the piece bare. The view still runs first, so
    another tenant's record is a 404 either way. ``keep_args``: query arguments the page
    understands too (a search term, a filter)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(**kwargs: Any):
            response = view(**kwargs)
            if wants_partial():
                return response
            kept = {name: request.args[name] for name in keep_args if name in request.args}
            return redirect(url_for(endpoint, **kwargs, **values, **kept))

        return wrapped

    return decorate


def render(page: str, partial: str, status: int = 200, **context: Any) -> Response:
    """Render the full ``page`` or only its ``partial`` for htmx, varying on HX-Request."""
    template = partial if wants_partial() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def render_partials(*templates: tuple[str, dict[str, Any]], status: int = 200) -> Response:
    """Concatenate several partials (main swap first, then ``hx-swap-oob`` fragments)."""
    html = "".join(render_template(name, **ctx) for name, ctx in templates)
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response


def trigger(response: Response, event: str, detail: Any = None) -> Response:
    """Add an ``HX-Trigger`` event, keeping any already set on the response."""
    existing = response.headers.get("HX-Trigger")
    events: dict[str, Any] = json.loads(existing) if existing else {}
    events[event] = detail if detail is not None else True
    response.headers["HX-Trigger"] = json.dumps(events)
    return response


def redirect_after_post(url: str) -> Response:
    """Where a successful form post goes next.

    A plain or boosted form gets a redirect: the browser (or htmx, for a boosted form)
    follows it and shows the new page; htmx swaps it in and pushes its URL with no full
    reload, so the page is usable at once. A form that swaps a fragment of the page gets
    ``HX-Redirect`` instead, a full navigation: the next page must not land inside it.
    """
    htmx = getattr(request, "htmx", None)
    if not htmx or htmx.boosted:
        return redirect(url)
    response = make_response("", 204)
    response.headers["HX-Redirect"] = url
    return response
