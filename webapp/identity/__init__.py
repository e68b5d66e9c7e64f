from flask import Blueprint

bp = Blueprint("identity", __name__)

from webapp.identity import admin_routes, routes  # noqa: E402,F401
