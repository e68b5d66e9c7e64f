"""Catalog and stock: products, categories, stock movements (kardex)."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)

from webapp.catalog import routes  # noqa: E402, F401  registers the views on bp
