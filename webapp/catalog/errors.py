"""Domain errors of the catalog (codes of the API contract, pt-BR messages)."""

from __future__ import annotations

from webapp.core.domain import Conflict


class SkuTaken(Conflict):
    code = "sku_taken"
    default_message = "Já existe um produto com este SKU."


class VersionConflict(Conflict):
    """The record changed since the caller read it; ``details['current']`` holds it now."""

    code = "version_conflict"
    default_message = (
        "Este produto foi alterado por outra pessoa. Confira os valores atuais e tente de novo."
    )


class InsufficientStock(Conflict):
    code = "insufficient_stock"
    default_message = "Estoque insuficiente."

    def __init__(self, available: int, product_id: int, sku: str | None = None) -> None:
        label = f" do produto {sku}" if sku else ""
        super().__init__(
            f"Estoque insuficiente{label}: disponível {available}.",
            field="qty",
            details={"available": available, "product_id": product_id},
        )
        self.available = available
        self.product_id = product_id
