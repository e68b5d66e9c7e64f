"""Domain errors of sales (API codes from SPEC 8, pt-BR messages)."""

from __future__ import annotations

from webapp.core.domain import Conflict


class IdempotencyKeyReused(Conflict):
    """The checkout key was already used for a different cart (409 conflict)."""

    default_message = (
        "Esta chave de idempotência já foi usada em outro pedido com dados diferentes. "
        "Recarregue a tela de venda e confirme de novo."
    )


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = "Esta mudança de situação não é permitida."
