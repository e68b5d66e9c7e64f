from flask import Blueprint

from webapp.audit.labels import register_labels

bp = Blueprint("identity", __name__)

register_labels(
    "tenant_settings",
    "Configurações",
    fields={
        "cashback_rate": "Cashback (% do pedido)",
        "cashback_min_order": "Pedido mínimo para cashback",
        "default_tax_rate": "Alíquota padrão de imposto",
    },
    formats={"cashback_min_order": "money", "default_tax_rate": "percent"},
)

from webapp.identity import admin_routes, routes  # noqa: E402,F401
