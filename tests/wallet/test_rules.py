"""Cashback rule: rate on the part paid with money, overrides per category, minimum order."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.core.money import quantize
from webapp.wallet.rules import cashback_for

D = Decimal


def test_default_rate_is_five_percent_rounded_half_up_to_centavos():
    assert cashback_for(D("100.00")) == D("5.00")
    assert cashback_for(D("0.30")) == D("0.02")  # 0.015 -> 0.02 (arredondamento comercial)
    assert cashback_for(D("0.29")) == D("0.01")  # 0.0145 -> 0.01


def test_only_the_part_paid_with_money_earns():
    assert cashback_for(D("60.00"), D("5"), order_total=D("100.00")) == D("3.00")
    assert cashback_for(D("0.00"), D("5"), order_total=D("100.00")) == D("0.00")


def test_minimum_order_value_applies_to_the_order_total():
    assert cashback_for(D("49.99"), D("5"), min_order=D("50.00")) == D("0.00")
    assert cashback_for(D("10.00"), D("5"), order_total=D("50.00"), min_order=D("50")) == D("0.50")


def test_category_overrides_weighted_by_the_money_share():
    got = cashback_for(
        D("50.00"),
        D("5"),
        order_total=D("100.00"),
        category_totals={"Eletrônicos": D("80.00"), "Livros": D("20.00")},
        category_overrides={"Eletrônicos": D("1"), "Livros": D("10")},
    )
    # (80 x 1% + 20 x 10%) x 50% = (0.80 + 2.00) / 2
    assert got == D("1.40")


@pytest.mark.parametrize("rate", [D("-1"), D("100.01")])
def test_rates_outside_0_to_100_are_bugs(rate):
    with pytest.raises(ValueError):
        cashback_for(D("10"), rate)


def test_money_part_cannot_exceed_the_total():
    with pytest.raises(ValueError):
        cashback_for(D("10"), D("5"), order_total=D("5"))


def test_half_a_centavo_rounds_up_when_part_was_paid_with_balance():
    """5% of R$ 195,70 paid with money is R$ 9,785 -> R$ 9,79, whatever the order total.

    Found by comparing with plain arithmetic: the money share (195,70 / 483,30) was taken
    first, rounded to 28 digits, and R$ 9,78499... was then rounded down.
    """
    lines = {"Bebidas": D("483.30")}
    assert cashback_for(D("195.70"), D("5"), order_total=D("483.30"), category_totals=lines) == D(
        "9.79"
    )
    two = {"Bebidas": D("15.52"), "Mercearia": D("50.00")}
    assert cashback_for(D("15.30"), D("5"), order_total=D("65.52"), category_totals=two) == D(
        "0.77"
    )


# Half a centavo is where rounding goes wrong: at 5%, money of 20k + 10 centavos lands on it.
HALF_CENTAVO_AT_5 = st.integers(min_value=0, max_value=250_000).map(lambda k: 20 * k + 10)


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    money_cents=st.one_of(HALF_CENTAVO_AT_5, st.integers(min_value=0, max_value=5_000_000)),
    rate=st.one_of(st.just(D("5")), st.decimals(min_value=0, max_value=100, places=2)),
)
def test_one_rate_for_every_category_is_rate_times_the_money_part(data, money_cents, rate):
    """With no override in play, cashback is exactly quantize(money x rate / 100), however
    the order total is split between money and balance, and between categories."""
    total_cents = data.draw(st.integers(min_value=max(money_cents, 1), max_value=10_000_000))
    first_cents = data.draw(st.integers(min_value=0, max_value=total_cents))
    money, total = D(money_cents) / 100, D(total_cents) / 100
    lines = {"A": D(first_cents) / 100, "B": D(total_cents - first_cents) / 100}
    got = cashback_for(money, rate, order_total=total, category_totals=lines)
    assert got == quantize(money * rate / 100)
