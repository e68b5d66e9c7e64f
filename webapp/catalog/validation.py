"""Product rules in one place: forms, the API and the CSV import all clean data here.

``clean_product`` reads loosely typed input (form strings, JSON strings, CSV cells) and
returns typed values, or raises ``ValidationFailed`` with a pt-BR message per field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from webapp.core.documents import ean13_error, normalize_ean
from webapp.core.domain import ValidationFailed
from webapp.core.money import (
    CENT,
    MAX_MONEY,
    ZERO,
    InvalidMoney,
    MoneyTooLarge,
    TooManyDecimals,
    parse_money,
)
from webapp.core.text import control_characters_message, has_control_characters

SKU_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{0,39}$")
PRICE_FIELDS = ("cost_price", "sale_price", "min_price", "max_price")
EDITABLE_FIELDS = (
    "sku",
    "ean",
    "name",
    "category",
    *PRICE_FIELDS,
    "tax_rate",
    "low_stock_threshold",
    "active",
)
MAX_QTY = 1_000_000_000
TRUE_WORDS = {"1", "true", "t", "yes", "y", "sim", "s", "on", "ativo", "x"}
FALSE_WORDS = {"0", "false", "f", "no", "n", "nao", "não", "off", "inativo", ""}


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, message)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def clean_sku(value: Any) -> str:
    sku = _text(value).upper()
    if not sku:
        raise ValueError("Informe o SKU.")
    if not SKU_PATTERN.match(sku):
        raise ValueError("SKU: até 40 caracteres entre letras, números e . _ / -")
    return sku


def _money(value: Any, label: str, required: bool = True) -> Decimal | None:
    if _text(value) == "":
        if required:
            raise ValueError(f"Informe o {label}.")
        return None
    try:
        amount = parse_money(value if isinstance(value, Decimal | int) else _text(value))
    except MoneyTooLarge:
        raise ValueError(f"O {label} é grande demais.") from None
    except TooManyDecimals as exc:  # a number all the same: "1.000" meant a thousand
        raise ValueError(exc.message) from None
    except InvalidMoney:
        raise ValueError(f"{label.capitalize()} inválido: use por exemplo 1.234,56.") from None
    if amount < 0:
        raise ValueError(f"O {label} não pode ser negativo.")
    if amount > MAX_MONEY:
        raise ValueError(f"O {label} é grande demais.")
    return amount


def _tax_rate(value: Any, default: Decimal) -> Decimal:
    text = _text(value).replace("%", "").strip()
    if text == "":
        return default
    try:
        rate = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError("Alíquota inválida: use por exemplo 18 ou 7,5.") from None
    if not rate.is_finite() or rate < 0 or rate > 100:
        raise ValueError("A alíquota deve estar entre 0 e 100%.")
    if rate != rate.quantize(CENT):
        # Refused, as a price with a fraction of a centavo is: 7,125 would be saved as 7,12.
        raise ValueError("A alíquota aceita no máximo duas casas decimais, como 7,25.")
    return rate.quantize(CENT)


def clean_quantity(value: Any, label: str, *, allow_zero: bool = True, default: int = 0) -> int:
    text = _text(value)
    if text == "":
        return default
    try:
        number = int(text) if not isinstance(value, int) else value
    except ValueError:
        raise ValueError(f"{label} deve ser um número inteiro.") from None
    if isinstance(value, bool) or number < (0 if allow_zero else 1):
        raise ValueError(f"{label} deve ser {'zero ou mais' if allow_zero else 'maior que zero'}.")
    if number > MAX_QTY:
        raise ValueError(f"{label} é grande demais.")
    return number


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = _text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("Use sim/não (ou 1/0).")


def _check(errors: _Errors, field: str, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        errors.add(field, str(exc))
        return None


def _clean_prices(data: Mapping[str, Any], errors: _Errors) -> dict[str, Decimal | None]:
    prices = {
        "cost_price": _check(errors, "cost_price", _money, data.get("cost_price"), "custo"),
        "sale_price": _check(
            errors, "sale_price", _money, data.get("sale_price"), "preço de venda"
        ),
        "min_price": _check(
            errors, "min_price", _money, data.get("min_price"), "preço mínimo", required=False
        ),
        "max_price": _check(
            errors, "max_price", _money, data.get("max_price"), "preço máximo", required=False
        ),
    }
    sale = prices["sale_price"]
    # Blank min/max mean "no negotiation": the price range collapses to the sale price.
    if prices["min_price"] is None and "min_price" not in errors:
        prices["min_price"] = sale
    if prices["max_price"] is None and "max_price" not in errors:
        prices["max_price"] = sale
    low, high = prices["min_price"], prices["max_price"]
    if low is not None and high is not None and low > high:
        errors.add("max_price", "O preço máximo não pode ser menor que o mínimo.")
    elif sale is not None and low is not None and sale < low:
        errors.add("sale_price", "O preço de venda não pode ser menor que o preço mínimo.")
    elif sale is not None and high is not None and sale > high:
        errors.add("sale_price", "O preço de venda não pode ser maior que o preço máximo.")
    return prices


def clean_product(
    data: Mapping[str, Any], *, with_stock: bool = True, default_tax_rate: Decimal = ZERO
) -> dict[str, Any]:
    """Typed product values from loose input, or ``ValidationFailed`` naming every bad field.

    A blank tax rate takes ``default_tax_rate`` (the tenant's "alíquota padrão").
    """
    errors = _Errors()
    cleaned: dict[str, Any] = {"sku": _check(errors, "sku", clean_sku, data.get("sku"))}
    name = _text(data.get("name"))
    if len(name) < 2:
        errors.add("name", "Informe o nome do produto (ao menos 2 caracteres).")
    elif len(name) > 200:
        errors.add("name", "O nome pode ter no máximo 200 caracteres.")
    elif has_control_characters(name):
        errors.add("name", control_characters_message())
    cleaned["name"] = name
    if message := ean13_error(_text(data.get("ean"))):
        errors.add("ean", message)
    cleaned["ean"] = normalize_ean(_text(data.get("ean")))
    category = " ".join(_text(data.get("category")).split())
    if len(category) > 80:
        errors.add("category", "A categoria pode ter no máximo 80 caracteres.")
    elif has_control_characters(category):
        errors.add("category", control_characters_message())
    cleaned["category"] = category or None
    cleaned.update(_clean_prices(data, errors))
    cleaned["tax_rate"] = _check(
        errors, "tax_rate", _tax_rate, data.get("tax_rate"), default_tax_rate
    )
    cleaned["low_stock_threshold"] = _check(
        errors,
        "low_stock_threshold",
        clean_quantity,
        data.get("low_stock_threshold"),
        "O estoque mínimo",
        default=5,
    )
    if with_stock:
        cleaned["stock_qty"] = _check(
            errors, "stock_qty", clean_quantity, data.get("stock_qty"), "O estoque inicial"
        )
    active = data.get("active", True)
    cleaned["active"] = _check(errors, "active", _bool, True if active is None else active)
    if errors:
        raise ValidationFailed(fields=dict(errors))
    return cleaned
