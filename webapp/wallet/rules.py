"""Cashback rule: a pure function of the order's numbers and the tenant's settings."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from webapp.core.money import ZERO, quantize

DEFAULT_CASHBACK_RATE = Decimal("5")  # percent (SPEC 5)
HUNDRED = Decimal("100")


def _check_rate(rate: Decimal) -> Decimal:
    rate = Decimal(rate)
    if not (ZERO <= rate <= HUNDRED):
        raise ValueError(f"cashback rate must be between 0 and 100, got {rate}")
    return rate


def cashback_for(
    amount_paid_with_money: Decimal,
    rate: Decimal = DEFAULT_CASHBACK_RATE,
    *,
    order_total: Decimal | None = None,
    category_totals: Mapping[str, Decimal] | None = None,
    category_overrides: Mapping[str, Decimal] | None = None,
    min_order: Decimal | None = None,
) -> Decimal:
    """Cashback earned by an order, rounded to centavos once, at the end.

    ``rate`` and overrides are percentages. Only the part paid with money earns cashback
    (SPEC 5): with an order total of R$ 100 of which R$ 40 came from the wallet, each
    category's share earns on 60% of its value. ``category_totals`` maps category -> sum of
    the order's line totals in it; categories without an override use ``rate``. An order
    whose total is below ``min_order`` earns nothing.
    """
    money = Decimal(amount_paid_with_money)
    total = Decimal(order_total) if order_total is not None else money
    rate = _check_rate(rate)
    if money <= ZERO or total <= ZERO:
        return ZERO
    if money > total:
        raise ValueError("amount paid with money cannot exceed the order total")
    if min_order is not None and total < Decimal(min_order):
        return ZERO
    if not category_totals:
        return quantize(money * rate / HUNDRED)
    overrides = {name: _check_rate(value) for name, value in (category_overrides or {}).items()}
    earned = sum(
        (
            Decimal(value) * overrides.get(category, rate) / HUNDRED
            for category, value in category_totals.items()
        ),
        ZERO,
    )
    # One division, last: earned x money is exact, and so is the quotient whenever it is a
    # whole number of half centavos. Taking the share money / total first rounded it to 28
    # digits, and 5% of R$ 195,70 (R$ 9,785) came out as R$ 9,78499... -> R$ 9,78.
    return quantize(earned * money / total)
