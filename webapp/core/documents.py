"""Brazilian and retail document numbers: normalisation and check-digit validation.

Check digits come from python-stdnum (maintained, well tested), so each rule lives in one
place and forms, the API and CSV imports agree on what is valid.
"""

from __future__ import annotations

from stdnum import ean as _ean
from stdnum.exceptions import ValidationError as _StdnumError


def only_digits(raw: str | None) -> str:
    return "".join(ch for ch in (raw or "") if ch.isdigit())


def normalize_ean(raw: str | None) -> str | None:
    """Strip spaces, dots and dashes; an empty value means "no EAN" (None)."""
    text = (raw or "").strip()
    if not text:
        return None
    return "".join(ch for ch in text if ch not in " .-")


def is_valid_ean13(value: str | None) -> bool:
    """True for a 13-digit EAN/GTIN-13 whose check digit matches."""
    if not value or len(value) != 13 or not value.isdigit():
        return False
    try:
        _ean.validate(value)
    except _StdnumError:
        return False
    return True


def ean13_error(raw: str | None) -> str | None:
    """A pt-BR message saying what is wrong with ``raw`` as an EAN-13, or None if it is fine."""
    value = normalize_ean(raw)
    if value is None:
        return None
    if not value.isdigit():
        return "O EAN deve conter apenas números."
    if len(value) != 13:
        return f"O EAN-13 deve ter 13 dígitos (informados: {len(value)})."
    if not is_valid_ean13(value):
        return "EAN-13 inválido: o dígito verificador não confere."
    return None


def ean13_check_digit(first12: str) -> str:
    """The check digit that completes a 12-digit GTIN-13 body (used by demo data)."""
    return _ean.calc_check_digit(first12)
