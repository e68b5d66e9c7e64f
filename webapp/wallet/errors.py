"""Domain errors of the wallet (API codes from SPEC 8)."""

from __future__ import annotations

from decimal import Decimal

from webapp.core.domain import Conflict, ValidationFailed
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


class BalanceLimitExceeded(ValidationFailed):
    """A posting would take an account past what NUMERIC(14,2) holds (a DB overflow, a 500)."""

    def __init__(self, limit: Decimal, field: str = "amount") -> None:
        super().__init__(
            f"O saldo passaria do limite de {format_brl(limit)}: lance um valor menor.",
            field=field,
        )


class IdempotencyConflict(Conflict):
    default_message = (
        "Esta chave de idempotência já foi usada para uma operação diferente na carteira."
    )


class UnbalancedTransaction(ValueError):
    """The legs of a ledger transaction do not sum to zero (a bug, never user input)."""
