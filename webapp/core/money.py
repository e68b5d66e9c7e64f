"""Money rules in one place: Decimal, centavos, one rounding mode, pt-BR display."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
# Brazilian retail and tax practice round half up ("arredondamento comercial").
ROUNDING = ROUND_HALF_UP
ZERO = Decimal("0.00")


class InvalidMoney(ValueError):
    """Raised when a value cannot be read as an amount of money."""


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUNDING)


def parse_money(raw: str | int | Decimal | None) -> Decimal:
    """Read ``1234.56``, ``1.234,56`` or ``R$ 1.234,56`` into a Decimal in centavos."""
    if raw is None:
        raise InvalidMoney("valor vazio")
    if isinstance(raw, float):
        raise InvalidMoney("valor monetário não pode ser float")
    if isinstance(raw, Decimal | int):
        value = Decimal(raw)
    else:
        text = raw.strip().replace("R$", "").replace(" ", "").replace("\u00a0", "")
        if not text:
            raise InvalidMoney("valor vazio")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise InvalidMoney(f"valor inválido: {raw!r}") from exc
    if not value.is_finite():
        raise InvalidMoney(f"valor inválido: {raw!r}")
    return quantize(value)


def format_brl(value: Decimal | None) -> str:
    """``Decimal('1234.5')`` -> ``'R$ 1.234,50'``; negative amounts keep their sign."""
    if value is None:
        return ""
    amount = quantize(Decimal(value))
    sign = "-" if amount < 0 else ""
    integer, cents = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(integer):,}".replace(",", ".")
    return f"{sign}R$ {grouped},{cents}"


def to_api(value: Decimal | None) -> str | None:
    """Money in the JSON API: a string with two decimal places."""
    return None if value is None else f"{quantize(Decimal(value)):.2f}"
