"""Domain errors raised by services and turned into responses at the edges.

Each carries the API error code and HTTP status of the API contract, a pt-BR message for
people, and optional per-field messages so forms can show them next to the right input.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "conflict"
    status = 409
    default_message = "A operação não pôde ser concluída."

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        fields: dict[str, str] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.fields = dict(fields or {})
        if field:
            self.fields.setdefault(field, self.message)
        self.details = dict(details or {})
        super().__init__(self.message)

    def api_details(self) -> dict[str, Any]:
        """The API's details: ``fields`` maps each field to a list of messages, the shape
        schema validation gives too, so a client reads every 422 the same way."""
        details = dict(self.details)
        if self.fields:
            details.setdefault("fields", {name: [text] for name, text in self.fields.items()})
        return details


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422
    default_message = "Dados inválidos. Confira os campos destacados."


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = "Registro não encontrado."


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403
    default_message = "Você não tem permissão para esta ação."


class Conflict(DomainError):
    code = "conflict"
    status = 409


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 401
    default_message = "E-mail ou senha incorretos."
