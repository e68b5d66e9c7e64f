"""Baseline page for the benchmark harness (bench/), registered only when BENCH_ENDPOINTS=1.

The "fortunes" shape of public web framework benchmarks: one trivial query, one row added in
memory, a sort, a small escaped template. It measures what any page pays for the stack itself
(routing, request hooks, session, one database round trip, Jinja), so real pages can be
reported as a ratio of it. Public on purpose, so it must never be enabled in production.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import text

from webapp.extensions import db
from webapp.identity.decorators import public

bp = Blueprint("bench", __name__, url_prefix="/bench")

ADDED_AT_REQUEST_TIME = (0, "Uma linha acrescentada durante a requisição.")


@bp.route("/fortunes")
@public
def fortunes():
    rows = db.session.execute(text("SELECT id, name FROM tenants ORDER BY id LIMIT 12")).all()
    items = sorted([*((r.id, r.name) for r in rows), ADDED_AT_REQUEST_TIME], key=lambda r: r[1])
    return render_template("bench/fortunes.html", items=items)
