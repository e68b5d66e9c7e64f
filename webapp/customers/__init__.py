"""Customers (CRM): people and companies identified by CPF/CNPJ, with their addresses."""

from flask import Blueprint

bp = Blueprint("customers", __name__, url_prefix="/customers")

from webapp.customers import routes  # noqa: E402,F401
