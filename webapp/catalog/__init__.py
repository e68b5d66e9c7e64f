"""Catalog and stock: products, categories, stock movements (kardex)."""

from flask import Blueprint

from webapp.audit.labels import register_labels

bp = Blueprint("catalog", __name__)

register_labels(
    "products",
    "Produto",
    fields={
        "sku": "SKU",
        "ean": "EAN",
        "category_id": "Categoria (id)",
        "cost_price": "Custo",
        "sale_price": "Preço de venda",
        "min_price": "Preço mínimo",
        "max_price": "Preço máximo",
        "tax_rate": "Alíquota",
        "stock_qty": "Estoque",
        "low_stock_threshold": "Alerta de estoque baixo",
        "version": "Versão",
    },
    formats={"sku": "text", "ean": "text", "version": "text"},
)
register_labels(
    "stock_movements",
    "Movimentação de estoque",
    fields={
        "product_id": "Produto (id)",
        "kind": "Tipo",
        "qty": "Quantidade",
        "before_qty": "Antes",
        "after_qty": "Depois",
        "actor_id": "Usuário (id)",
        "order_id": "Pedido",
    },
    values={
        "kind": {
            "in": "Entrada",
            "out": "Saída",
            "sale": "Venda",
            "cancel_return": "Devolução (cancelamento)",
            "adjust": "Ajuste",
        }
    },
    formats={"qty": "text", "before_qty": "text", "after_qty": "text"},
)

from webapp.catalog import routes, routes_io, routes_stock  # noqa: E402, F401  views on bp
