"""Sales: checkout, orders (line snapshots), the status workflow (SPEC 4).

Services: webapp.sales.services (checkout, quote, transition, queries); errors:
webapp.sales.errors. Screens live in webapp.sales.routes; the API in webapp.api.orders.
"""

from flask import Blueprint

from webapp.audit.labels import register_labels

bp = Blueprint("sales", __name__)

register_labels(
    "orders",
    "Pedido",
    fields={
        "customer_id": "Cliente (id)",
        "shipping_address_id": "Endereço de entrega (id)",
        "shipping_address_text": "Endereço de entrega",
        "seller_id": "Vendedor (id)",
        "status": "Situação",
        "payment_method": "Forma de pagamento",
        "subtotal": "Subtotal",
        "tax_total": "Impostos",
        "total": "Total",
        "wallet_amount": "Pago com saldo",
        "amount_due": "A pagar",
        "idempotency_key": "Chave de idempotência",
        "request_fingerprint": "Impressão do pedido",
        "tracking_code": "Código de rastreio",
        "paid_at": "Pago em",
        "shipped_at": "Enviado em",
        "delivered_at": "Entregue em",
        "cancelled_at": "Cancelado em",
        "cost_total": "Custo total",
        "version": "Versão",
    },
    values={
        "status": {
            "created": "Criado",
            "paid": "Pago",
            "shipped": "Enviado",
            "delivered": "Entregue",
            "cancelled": "Cancelado",
        },
        "payment_method": {
            "pix": "Pix",
            "card": "Cartão",
            "boleto": "Boleto",
            "cash": "Dinheiro",
            "wallet": "Saldo da carteira",
        },
    },
    formats={"tracking_code": "text", "version": "text", "idempotency_key": "text"},
)

# Screens (sales-ui): imported after bp exists so the route modules can register on it.
from webapp.sales import routes  # noqa: E402,F401
