"""Cart input and money rules shared by checkout (writes) and quote (pure read).

Everything here is a pure function of its arguments or a plain read: the checkout
re-validates with these inside its unit of work, the screen previews with them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select

from webapp.catalog.models import Product
from webapp.core.ids import is_id
from webapp.core.money import ZERO, InvalidMoney, format_brl, parse_money, quantize
from webapp.extensions import db

MAX_LINES = 200
MAX_QTY = 100_000
# Far above any real sale, far below NUMERIC(14,2): no overflow ever reaches the database.
MAX_AMOUNT = Decimal("1000000000.00")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class CheckoutItem:
    product_id: int
    qty: int
    unit_price: Decimal | None = None  # None -> the product's sale_price


@dataclass(frozen=True)
class PricedLine:
    """One cart line priced on the server (amounts rounded to centavos per line)."""

    product: Product
    qty: int
    unit_price: Decimal
    line_total: Decimal
    tax_amount: Decimal


def item_field(index: int) -> str:
    return f"items.{index}"


def line_amounts(qty: int, unit_price: Decimal, tax_rate: Decimal) -> tuple[Decimal, Decimal]:
    """(line_total, tax_amount): prices include taxes, the tax is the informative share."""
    line_total = quantize(unit_price * qty)
    return line_total, quantize(line_total * Decimal(tax_rate) / HUNDRED)


def qty_problem(qty: Any) -> str | None:
    if isinstance(qty, bool) or not isinstance(qty, int):
        return "Informe uma quantidade inteira."
    if qty <= 0:
        return "A quantidade deve ser maior que zero."
    if qty > MAX_QTY:
        return f"A quantidade máxima por item é {MAX_QTY}."
    return None


def parse_unit_price(raw: Any) -> Decimal | None:
    """The negotiated price as Decimal, None when not given; InvalidMoney if unreadable."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, float):
        raise InvalidMoney("float")
    value = parse_money(raw)
    if abs(value) > MAX_AMOUNT:
        raise InvalidMoney(str(raw))
    return value


def price_problem(product: Product, unit_price: Decimal) -> str | None:
    if unit_price < product.min_price:
        return f"Preço abaixo do mínimo permitido ({format_brl(product.min_price)})."
    if unit_price > product.max_price:
        return f"Preço acima do máximo permitido ({format_brl(product.max_price)})."
    return None


def recorded_payment_method(payment_method: Any, wallet_amount: Decimal, total: Decimal) -> Any:
    """The method an order is recorded with: the balance paying it all makes it "wallet",
    whatever method was picked for a remainder there is not (the payment mix counts it so)."""
    return "wallet" if ZERO < wallet_amount == total else payment_method


def wallet_payment_problem(
    payment_method: Any, wallet_amount: Decimal, balance: Decimal, total: Decimal
) -> str | None:
    """Paying with "Carteira" means the balance pays the whole order: why it can't, if so."""
    if payment_method != "wallet" or wallet_amount == total:
        return None
    if balance < total:
        return (
            f"O saldo da carteira ({format_brl(balance)}) não cobre o total "
            f"({format_brl(total)}): escolha outra forma de pagamento para o restante."
        )
    return f"Para pagar só com saldo, use o total do pedido ({format_brl(total)})."


# Built once, run with parameters (see core.tenancy._scoped): every cart change runs it.
_PRODUCTS_BY_ID = select(Product).where(Product.id.in_(bindparam("ids", expanding=True)))


def load_products(items: Sequence[CheckoutItem]) -> dict[int, Product]:
    """The tenant's products named in the cart, in one query (foreign ids simply miss)."""
    ids = {item.product_id for item in items if is_id(item.product_id)}
    if not ids:
        return {}
    products = db.session.scalars(_PRODUCTS_BY_ID, {"ids": sorted(ids)})
    return {product.id: product for product in products}


def price_items(
    items: Sequence[CheckoutItem], products: dict[int, Product]
) -> tuple[list[PricedLine | None], dict[str, str]]:
    """Price every line; returns (lines, problems keyed "items.<i>"). Bad lines are None."""
    lines: list[PricedLine | None] = []
    problems: dict[str, str] = {}
    for index, item in enumerate(items):
        line, problem = _price_item(item, products)
        lines.append(line)
        if problem:
            problems[item_field(index)] = problem
    return lines, problems


def _price_item(
    item: CheckoutItem, products: dict[int, Product]
) -> tuple[PricedLine | None, str | None]:
    product = products.get(item.product_id) if is_id(item.product_id) else None
    if product is None:
        return None, "Produto não encontrado."
    if not product.active:
        return None, f"O produto {product.sku} está inativo e não pode ser vendido."
    if problem := qty_problem(item.qty):
        return None, problem
    try:
        unit_price = parse_unit_price(item.unit_price)
    except InvalidMoney:
        return None, "Informe um preço em reais, como 10,50."
    unit_price = product.sale_price if unit_price is None else unit_price
    line_total, tax_amount = line_amounts(item.qty, unit_price, product.tax_rate)
    line = PricedLine(product, item.qty, unit_price, line_total, tax_amount)
    return line, price_problem(product, unit_price)


def totals(lines: Sequence[PricedLine | None]) -> tuple[Decimal, Decimal]:
    """(total, tax_total) of the lines that could be priced."""
    priced = [line for line in lines if line is not None]
    return (
        sum((line.line_total for line in priced), ZERO),
        sum((line.tax_amount for line in priced), ZERO),
    )


def fingerprint(
    *,
    customer_id: Any,
    shipping_address_id: Any,
    items: Sequence[CheckoutItem],
    payment_method: Any,
    wallet_amount: Any,
) -> str:
    """sha256 of the normalized request: same key + same cart -> same order."""
    payload = {
        "customer_id": customer_id,
        "shipping_address_id": shipping_address_id,
        "items": [[item.product_id, item.qty, _price_text(item.unit_price)] for item in items],
        "payment_method": payment_method,
        "wallet_amount": _price_text(wallet_amount),
    }
    raw = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def _price_text(value: Any) -> str | None:
    try:
        parsed = parse_unit_price(value)
    except InvalidMoney:
        return repr(value)
    return None if parsed is None else str(parsed)
