"""Domain errors of the wallet (API codes from SPEC 8)."""

from __future__ import annotations

from decimal import Decimal

from webapp.core.domain import Conflict
from webapp.core.money import format_brl, to_api


class InsufficientBalance(Conflict):
    code = "insufficient_balance"
    default_message = "Saldo insuficiente na carteira."

    def __init__(self, available: Decimal, requested: Decimal, field: str | None = None) -> None:
        super().__init__(
            f"Saldo insuficiente na carteira: disponível {format_brl(available)}",
            field=field,
            details={"available": to_api(available), "requested": to_api(requested)},
        )
        self.available = available


class IdempotencyConflict(Conflict):
    default_message = (
        "Esta chave de idempotência já foi usada para uma operação diferente na carteira."
    )


class UnbalancedTransaction(ValueError):
    """The legs of a ledger transaction do not sum to zero (a bug, never user input)."""
