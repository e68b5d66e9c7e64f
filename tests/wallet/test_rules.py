"""Cashback rule: rate on the part paid with money, overrides per category, minimum order."""

from decimal import Decimal

import pytest

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
