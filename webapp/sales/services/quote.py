"""Quote: the checkout screen's preview of a cart, recomputed on the server on every change.

A pure read (never writes, never locks): the same pricing rules as checkout, plus what the
screen needs to warn before confirming (available stock, per-line problems, the balance
that can be used and the cashback the sale would earn).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from webapp.core.ids import is_id
from webapp.core.money import ZERO, InvalidMoney
from webapp.sales.services.cart import (
    CheckoutItem,
    PricedLine,
    item_field,
    load_products,
    parse_unit_price,
    price_items,
    recorded_payment_method,
    totals,
    wallet_payment_problem,
)
from webapp.wallet import services as wallet
from webapp.wallet.tasks import order_cashback


@dataclass(frozen=True)
class QuoteLine:
    index: int
    product_id: int
    qty: Any
    sku: str | None
    name: str | None
    unit_price: Decimal | None
    line_total: Decimal
    tax_amount: Decimal
    available: int | None  # stock on hand now; None when the product is unknown
    problem: str | None


@dataclass(frozen=True)
class Quote:
    lines: list[QuoteLine]
    problems: dict[str, str] = field(default_factory=dict)
    subtotal: Decimal = ZERO
    tax_total: Decimal = ZERO
    total: Decimal = ZERO
    balance: Decimal = ZERO  # the customer's wallet balance (0 without a customer)
    wallet_amount: Decimal = ZERO  # requested amount clamped to balance and total
    amount_due: Decimal = ZERO
    cashback_estimate: Decimal = ZERO
    payment_problem: str | None = None  # the payment method can't pay this order as it is
    payment_method: str | None = None  # the one the order would be recorded with

    @property
    def ok(self) -> bool:
        return not self.problems and not self.payment_problem and bool(self.lines)


def quote(
    *,
    customer_id: int | None,
    items: Sequence[CheckoutItem],
    wallet_amount: Decimal | None = ZERO,
    payment_method: str | None = None,
) -> Quote:
    items = list(items or [])
    products = load_products(items)
    priced, problems = price_items(items, products)
    _flag_stock(items, priced, problems)
    total, tax_total = totals(priced)
    balance = wallet.balance(customer_id) if is_id(customer_id) else ZERO
    used = _clamp(wallet_amount, balance, total)
    due = total - used
    return Quote(
        lines=[
            _line(i, item, line, products, problems)
            for i, (item, line) in enumerate(zip(items, priced, strict=True))
        ],
        problems=problems,
        subtotal=total,
        tax_total=tax_total,
        total=total,
        balance=balance,
        wallet_amount=used,
        amount_due=due,
        cashback_estimate=order_cashback(
            [(line.product.category_id, line.line_total) for line in priced if line], due
        ),
        payment_problem=wallet_payment_problem(payment_method, used, balance, total),
        payment_method=recorded_payment_method(payment_method, used, total),
    )


def _flag_stock(items, priced: list[PricedLine | None], problems: dict[str, str]) -> None:
    """Flag lines whose product (summed over the cart) exceeds the stock on hand."""
    wanted: dict[int, int] = {}
    for line in priced:
        if line is not None:
            wanted[line.product.id] = wanted.get(line.product.id, 0) + line.qty
    for index, line in enumerate(priced):
        key = item_field(index)
        if line is None or key in problems:
            continue
        if wanted[line.product.id] > line.product.stock_qty:
            problems[key] = (
                f"Estoque insuficiente do produto {line.product.sku}: "
                f"disponível {line.product.stock_qty}."
            )


def _clamp(raw: Any, balance: Decimal, total: Decimal) -> Decimal:
    try:
        requested = parse_unit_price(raw)
    except InvalidMoney:
        return ZERO
    if requested is None or requested <= ZERO:
        return ZERO
    return min(requested, balance, total)


def _line(index, item: CheckoutItem, line: PricedLine | None, products, problems) -> QuoteLine:
    product = products.get(item.product_id) if is_id(item.product_id) else None
    return QuoteLine(
        index=index,
        product_id=item.product_id,
        qty=item.qty,
        sku=product.sku if product else None,
        name=product.name if product else None,
        unit_price=line.unit_price if line else (product.sale_price if product else None),
        line_total=line.line_total if line else ZERO,
        tax_amount=line.tax_amount if line else ZERO,
        available=product.stock_qty if product else None,
        problem=problems.get(item_field(index)),
    )
