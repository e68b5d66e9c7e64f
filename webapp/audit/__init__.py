"""Audit screens: global history, per-record history partial, error log (admins only)."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")

from webapp.audit import routes  # noqa: E402,F401
