"""Live stock badges: ``GET /live/stock?ids=`` with ETag/304 (see webapp/sales/live.py)."""

from __future__ import annotations

from flask import make_response, request

from webapp.catalog.queries import products_by_ids
from webapp.core.htmx import render_partials
from webapp.sales import bp, live


@bp.route("/live/stock")
def live_stock():
    ids = live.parse_ids(request.args.get("ids"))
    etag = live.stock_etag(ids)  # before reading the data: a change in between re-renders
    if etag in request.if_none_match:
        response = make_response("", 304)
    else:
        products = products_by_ids(ids)
        response = render_partials(
            *[("catalog/_stock_badge.html", {"product": p, "oob": True}) for p in products]
        )
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-store"  # the page sends If-None-Match itself
    return response
