"""BI: financial dashboard, rankings, ABC curve and report exports (SPEC 7)."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from webapp.reports import routes, routes_exports  # noqa: E402,F401
