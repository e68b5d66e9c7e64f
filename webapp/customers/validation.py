"""Turn raw customer/address input (form or JSON) into clean column values, or field errors.

Used by the services, so the web forms, the API and any job share one set of rules; the forms'
inline validators call the same ``documents`` parsers for instant feedback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from email_validator import EmailNotValidError, validate_email

from webapp.core import documents
from webapp.core.domain import ValidationFailed
from webapp.core.text import control_characters_message, has_control_characters
from webapp.customers.models import ADDRESS_KINDS

_LENGTHS = {
    "name": 150,
    "street": 200,
    "number": 20,
    "complement": 100,
    "district": 100,
    "city": 100,
}


def _text(value: Any, label: str, field: str, required: bool = True) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    if not text:
        if required:
            raise documents.InvalidDocument(f"Informe {label}.")
        return None
    if len(text) > _LENGTHS[field]:
        raise documents.InvalidDocument(f"Use no máximo {_LENGTHS[field]} caracteres.")
    if has_control_characters(text):
        raise documents.InvalidDocument(control_characters_message())
    return text


def clean_email(value: Any) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise documents.InvalidDocument("Informe um e-mail válido.") from exc


def clean_phone(value: Any) -> str | None:
    return documents.parse_phone(str(value)) if str(value or "").strip() else None


def clean_birth_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = _parse_date(value.strip())
        except ValueError as exc:
            raise documents.InvalidDocument("Data inválida: use dd/mm/aaaa.") from exc
    if not isinstance(value, date):
        raise documents.InvalidDocument("Data inválida: use dd/mm/aaaa.")
    if value > date.today():
        raise documents.InvalidDocument("A data de nascimento não pode estar no futuro.")
    if value.year < 1900:
        raise documents.InvalidDocument("Data de nascimento muito antiga.")
    return value


def _parse_date(text: str) -> date:
    if "/" in text:  # dd/mm/aaaa as people type it
        day, month, year = text.split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text)


def clean_kind(value: Any) -> str:
    if value not in ADDRESS_KINDS:
        raise documents.InvalidDocument("Tipo de endereço inválido: escolha cobrança ou entrega.")
    return value


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "sim", "y", "yes")
    return bool(value)


CUSTOMER_CLEANERS: dict[str, Callable[[Any], Any]] = {
    "name": lambda v: _text(v, "o nome", "name"),
    "document": lambda v: documents.parse_document(v)[0],
    "email": clean_email,
    "phone": clean_phone,
    "birth_date": clean_birth_date,
    "active": _flag,
    "marketing_consent": _flag,
}

ADDRESS_CLEANERS: dict[str, Callable[[Any], Any]] = {
    "kind": clean_kind,
    "street": lambda v: _text(v, "a rua", "street"),
    "number": lambda v: _text(v, "o número (ou s/n)", "number"),
    "complement": lambda v: _text(v, "", "complement", required=False),
    "district": lambda v: _text(v, "o bairro", "district"),
    "city": lambda v: _text(v, "a cidade", "city"),
    "state": documents.parse_uf,
    "zip": documents.parse_cep,
    "is_default": _flag,
}


def _clean(data: Mapping[str, Any], cleaners: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, cleaner in cleaners.items():
        if field not in data:
            continue
        try:
            values[field] = cleaner(data[field])
        except documents.InvalidDocument as exc:
            errors[field] = str(exc)
    if errors:
        raise ValidationFailed(fields=errors)
    return values


def clean_customer(data: Mapping[str, Any]) -> dict[str, Any]:
    """Clean values for the customer fields present in ``data`` (all errors at once)."""
    values = _clean(data, CUSTOMER_CLEANERS)
    if "document" in values:
        values["document_type"] = documents.document_type(values["document"])
    return values


def clean_address(data: Mapping[str, Any]) -> dict[str, Any]:
    """Clean values for the address fields present in ``data`` (all errors at once)."""
    return _clean(data, ADDRESS_CLEANERS)
