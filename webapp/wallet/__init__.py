"""Wallet, cashback and the double-entry ledger (SPEC 5).

Services: webapp.wallet.services; statement/CSV: webapp.wallet.queries; invariants and the
``flask ledger check`` command: webapp.wallet.checks / webapp.wallet.cli. Screens and API
endpoints arrive with customers and sales.
"""

from webapp.audit.labels import register_labels
from webapp.wallet.models import TRANSACTION_LABELS

register_labels(
    "ledger_transactions",
    "Transação da carteira",
    fields={
        "kind": "Tipo",
        "description": "Descrição",
        "amount": "Valor",
        "customer_id": "Cliente (id)",
        "order_id": "Pedido (id)",
        "actor_id": "Feito por (id)",
        "idempotency_key": "Chave de idempotência",
    },
    values={"kind": {kind.value: label for kind, label in TRANSACTION_LABELS.items()}},
    formats={"amount": "money", "description": "text", "idempotency_key": "text"},
)
register_labels(
    "category_cashback_rates",
    "Cashback por categoria",
    fields={"category_id": "Categoria (id)", "rate": "Cashback (%)"},
    formats={"rate": "percent"},
)
