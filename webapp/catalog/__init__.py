"""Catalog and stock: products, categories, stock movements (kardex)."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)

from webapp.catalog import routes, routes_io, routes_stock  # noqa: E402, F401  views on bp
