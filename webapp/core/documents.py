"""Brazilian identifiers: CPF/CNPJ, CEP, phone numbers, UF codes and EAN-13.

Every ``parse_*`` accepts the value masked or not, returns it as digits only and raises
:class:`InvalidDocument` (a ValueError carrying a pt-BR message) when it is not valid; every
``format_*`` turns stored digits back into the mask people read. An EAN is optional, so
:func:`ean13_error` answers the message (or None) for the product rules to collect. Check
digits come from python-stdnum (maintained, well tested) rather than hand-rolled arithmetic.
"""

from __future__ import annotations

import re

from stdnum import ean
from stdnum.br import cnpj, cpf
from stdnum.exceptions import ValidationError as StdnumError

UFS: tuple[str, ...] = (
    "AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA",
    "PB", "PE", "PI", "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO",
)  # fmt: skip

# Area codes (DDD) in use, per Anatel's national numbering plan.
DDDS: frozenset[str] = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "21",
        "22",
        "24",
        "27",
        "28",
        "31",
        "32",
        "33",
        "34",
        "35",
        "37",
        "38",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "47",
        "48",
        "49",
        "51",
        "53",
        "54",
        "55",
        "61",
        "62",
        "63",
        "64",
        "65",
        "66",
        "67",
        "68",
        "69",
        "71",
        "73",
        "74",
        "75",
        "77",
        "79",
        "81",
        "82",
        "83",
        "84",
        "85",
        "86",
        "87",
        "88",
        "89",
        "91",
        "92",
        "93",
        "94",
        "95",
        "96",
        "97",
        "98",
        "99",
    ]
)

_NON_DIGITS = re.compile(r"\D+")
# What a person may type around the digits of a document, CEP or phone.
_MASK_CHARS = re.compile(r"^[\d\s.\-/()+]*$")


class InvalidDocument(ValueError):
    """A value that is not a valid identifier; ``str(exc)`` is the pt-BR message."""


def only_digits(value: str | None) -> str:
    return _NON_DIGITS.sub("", value or "")


def looks_numeric(value: str | None) -> bool:
    """True when ``value`` is digits plus mask punctuation (a CPF, CEP or phone being typed)."""
    text = (value or "").strip()
    return bool(text) and bool(_MASK_CHARS.match(text)) and any(c.isdigit() for c in text)


# --- CPF / CNPJ -------------------------------------------------------------------------


def document_type(digits: str) -> str | None:
    return {11: "cpf", 14: "cnpj"}.get(len(digits))


def parse_document(value: str | None) -> tuple[str, str]:
    """``(digits, "cpf" | "cnpj")`` for a valid CPF or CNPJ, masked or not."""
    text = (value or "").strip()
    if not text:
        raise InvalidDocument("Informe o CPF ou CNPJ.")
    if not _MASK_CHARS.match(text):
        raise InvalidDocument("CPF/CNPJ deve conter apenas números.")
    digits = only_digits(text)
    kind = document_type(digits)
    if kind is None:
        raise InvalidDocument("CPF tem 11 dígitos e CNPJ tem 14.")
    validator = cpf if kind == "cpf" else cnpj
    try:
        validator.validate(digits)
        if len(set(digits)) == 1:  # 111.111.111-11 passes the arithmetic but is never issued
            raise StdnumError()
    except StdnumError as exc:
        raise InvalidDocument(f"{kind.upper()} inválido: confira os dígitos.") from exc
    return digits, kind


def format_document(digits: str | None) -> str:
    """``123.456.789-09`` / ``12.345.678/0001-95``; anything else is returned as given."""
    value = digits or ""
    if len(value) == 11 and value.isdigit():
        return cpf.format(value)
    if len(value) == 14 and value.isdigit():
        return cnpj.format(value)
    return value


def cpf_check_digits(base: str) -> str:
    """The two check digits of a 9-digit CPF base (used to generate valid demo CPFs fast)."""
    first = sum(int(d) * w for d, w in zip(base, range(10, 1, -1), strict=True)) * 10 % 11 % 10
    second = (
        sum(int(d) * w for d, w in zip(base + str(first), range(11, 1, -1), strict=True))
        * 10
        % 11
        % 10
    )
    return f"{first}{second}"


def make_cpf(number: int) -> str:
    """A valid CPF whose first nine digits are ``number`` (0 <= number < 10**9)."""
    base = f"{number:09d}"
    return base + cpf_check_digits(base)


# --- CEP --------------------------------------------------------------------------------


def parse_cep(value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidDocument("Informe o CEP.")
    digits = only_digits(text)
    if not _MASK_CHARS.match(text) or len(digits) != 8:
        raise InvalidDocument("CEP deve ter 8 dígitos.")
    return digits


def format_cep(digits: str | None) -> str:
    value = digits or ""
    return f"{value[:5]}-{value[5:]}" if len(value) == 8 and value.isdigit() else value


# --- Phone ------------------------------------------------------------------------------


def parse_phone(value: str | None) -> str:
    """DDD + number as digits: 10 (landline) or 11 (mobile, starting with 9) digits."""
    text = (value or "").strip()
    if not _MASK_CHARS.match(text):
        raise InvalidDocument("Telefone deve conter apenas números.")
    digits = only_digits(text)
    if len(digits) in (12, 13) and digits.startswith("55"):
        digits = digits[2:]  # +55 country code
    elif len(digits) in (11, 12) and digits.startswith("0"):
        digits = digits[1:]  # 0 trunk prefix before the DDD
    if len(digits) not in (10, 11):
        raise InvalidDocument("Informe o telefone com DDD: (11) 91234-5678 ou (11) 3123-4567.")
    if digits[:2] not in DDDS:
        raise InvalidDocument(f"DDD {digits[:2]} não existe.")
    subscriber = digits[2:]
    if len(subscriber) == 9 and subscriber[0] != "9":
        raise InvalidDocument("Celular deve começar com 9 depois do DDD.")
    if len(subscriber) == 8 and subscriber[0] not in "2345":
        raise InvalidDocument("Telefone fixo deve começar com 2, 3, 4 ou 5 depois do DDD.")
    return digits


def format_phone(digits: str | None) -> str:
    value = digits or ""
    if not value.isdigit():
        return value
    if len(value) == 11:
        return f"({value[:2]}) {value[2:7]}-{value[7:]}"
    if len(value) == 10:
        return f"({value[:2]}) {value[2:6]}-{value[6:]}"
    return value


# --- UF ---------------------------------------------------------------------------------


def parse_uf(value: str | None) -> str:
    code = (value or "").strip().upper()
    if code not in UFS:
        raise InvalidDocument("UF inválida: use a sigla do estado (ex.: SP).")
    return code


# --- EAN-13 -----------------------------------------------------------------------------


def normalize_ean(raw: str | None) -> str | None:
    """Strip spaces, dots and dashes; an empty value means "no EAN" (None)."""
    text = (raw or "").strip()
    if not text:
        return None
    return "".join(ch for ch in text if ch not in " .-")


def ean13_error(raw: str | None) -> str | None:
    """A pt-BR message saying what is wrong with ``raw`` as an EAN-13, or None if it is fine."""
    value = normalize_ean(raw)
    if value is None:
        return None
    if not value.isdigit():
        return "O EAN deve conter apenas números."
    if len(value) != 13:
        return f"O EAN-13 deve ter 13 dígitos (informados: {len(value)})."
    try:
        ean.validate(value)
    except StdnumError:
        return "EAN-13 inválido: o dígito verificador não confere."
    return None


def ean13_check_digit(first12: str) -> str:
    """The check digit that completes a 12-digit GTIN-13 body (used by demo data)."""
    return ean.calc_check_digit(first12)
