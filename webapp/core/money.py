"""Money rules in one place: Decimal, centavos, one rounding mode, pt-BR display."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# Brazilian retail and tax practice round half up ("arredondamento comercial").
ROUNDING = ROUND_HALF_UP
ZERO = Decimal("0.00")
# The largest amount a money column holds: they are all NUMERIC(14,2).
MAX_MONEY = Decimal("999999999999.99")


class InvalidMoney(ValueError):
    """Raised when a value cannot be read as an amount of money."""


class TooManyDecimals(InvalidMoney):
    """An amount typed with a fraction of a centavo (10,555): refused, never rounded."""

    message = "Use no máximo duas casas decimais (centavos)."


class AmbiguousThousands(TooManyDecimals):
    """ "1.000" or "12.500": thousands dots with no centavos, which read as three decimals."""

    # One text for a person ("1.000" meant a thousand) and an API client ("10.555").
    message = (
        "Use no máximo duas casas decimais (centavos); para mil reais, escreva 1.000,00 ou 1000."
    )


class MoneyTooLarge(InvalidMoney):
    """An amount no column holds (they are NUMERIC(14,2), under a trillion)."""

    message = "Valor grande demais."


# Past this, rounding to centavos would overflow Decimal's 28 significant digits.
_LARGEST_READ = Decimal("1e15")


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUNDING)


# What a person types for an amount once "R$", spaces and thousands dots are gone: no
# exponent ("1e3"), no NaN or Infinity, no hex; the centavos are checked separately.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_THOUSANDS_ONLY = re.compile(r"[+-]?\d{1,3}(\.\d{3})+")


def parse_money(raw: str | int | Decimal | None) -> Decimal:
    """Read ``1234.56``, ``1.234,56`` or ``R$ 1.234,56`` into a Decimal in centavos.

    More than two decimal places is refused, not rounded: "10,555" is a typo to correct,
    and "1.234" (a thousand or one real and change?) is ambiguous.
    """
    if raw is None:
        raise InvalidMoney("valor vazio")
    if isinstance(raw, float | bool):
        raise InvalidMoney("valor monetário não pode ser float nem booleano")
    if isinstance(raw, Decimal | int):
        value = Decimal(raw)
    else:
        text = raw.strip().replace("R$", "").replace(" ", "").replace("\u00a0", "")
        if not text:
            raise InvalidMoney("valor vazio")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif _THOUSANDS_ONLY.fullmatch(text):  # never a valid amount: 3 decimals or 2 dots
            raise AmbiguousThousands(f"milhar sem centavos: {raw!r}")
        if not _PLAIN_NUMBER.fullmatch(text):
            raise InvalidMoney(f"valor inválido: {raw!r}")
        value = Decimal(text)
    if not value.is_finite():
        raise InvalidMoney(f"valor inválido: {raw!r}")
    if abs(value) >= _LARGEST_READ:
        raise MoneyTooLarge(f"valor grande demais: {raw!r}")
    if value != value.quantize(CENT):
        raise TooManyDecimals(f"mais de duas casas decimais: {raw!r}")
    return quantize(value)


def format_brl(value: Decimal | None) -> str:
    """``Decimal('1234.5')`` -> ``'R$ 1.234,50'``; negative amounts keep their sign."""
    if value is None:
        return ""
    amount = format_number(quantize(Decimal(value)), 2)
    return f"-R$ {amount[1:]}" if amount.startswith("-") else f"R$ {amount}"


def format_number(value: Decimal | int | None, places: int = 2) -> str:
    """A number as pt-BR shows it: ``43197.3`` -> ``'43.197,3'`` (``places`` decimals)."""
    if value is None:
        return ""
    grouped = f"{Decimal(value):,.{places}f}"  # "43,197.3"
    return grouped.translate(str.maketrans(",.", ".,"))


def format_decimal_comma(value: Decimal | None) -> str:
    """``Decimal('1234.5')`` -> ``'1234,50'``: what a person types back into a field or a
    CSV cell (no thousands dots, which ``parse_money`` would read as ambiguous); None -> ''."""
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def to_api(value: Decimal | None) -> str | None:
    """Money in the JSON API: a string with two decimal places."""
    return None if value is None else f"{quantize(Decimal(value)):.2f}"
