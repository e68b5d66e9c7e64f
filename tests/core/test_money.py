from decimal import Decimal

import pytest

from webapp.core.money import (
    InvalidMoney,
    TooManyDecimals,
    format_brl,
    format_decimal_comma,
    format_number,
    parse_money,
    to_api,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("R$ 10,5", "10.50"),
        ("99.99", "99.99"),
        (7, "7.00"),
    ],
)
def test_parse_money(raw, expected):
    assert parse_money(raw) == Decimal(expected)


@pytest.mark.parametrize(
    "raw", ["", "abc", "NaN", "Infinity", "1e3", "0x10", "1,2,3", 1.5, True, None]
)
def test_parse_money_refuses_garbage(raw):
    with pytest.raises(InvalidMoney):
        parse_money(raw)


@pytest.mark.parametrize("raw", ["0,005", "10.555", "1.234", Decimal("2.001")])
def test_a_fraction_of_a_centavo_is_refused_not_rounded(raw):
    with pytest.raises(TooManyDecimals):
        parse_money(raw)


@pytest.mark.parametrize("raw", ["1.000", "R$ 12.500", "10.555", "1.234.567"])
def test_thousands_dots_without_centavos_say_how_to_write_them(raw):
    """A person typing a thousand as "1.000" is told how to write it, not about decimals."""
    with pytest.raises(TooManyDecimals) as refused:
        parse_money(raw)
    assert refused.value.message == (
        "Use no máximo duas casas decimais (centavos); para mil reais, escreva 1.000,00 ou 1000."
    )
    with pytest.raises(TooManyDecimals) as fraction:
        parse_money("1234.567")  # no thousands grouping: a fraction of a centavo
    assert fraction.value.message == "Use no máximo duas casas decimais (centavos)."


def test_format_brl():
    assert format_brl(Decimal("1234567.8")) == "R$ 1.234.567,80"
    assert format_brl(Decimal("-3.456")) == "-R$ 3,46"
    assert format_brl(Decimal("0")) == "R$ 0,00"


def test_format_number_groups_thousands_the_brazilian_way():
    assert format_number(Decimal("43197.3"), 1) == "43.197,3"  # an ABC row's days of cover
    assert format_number(Decimal("18"), 2) == "18,00"
    assert format_number(Decimal("-1234567.891"), 2) == "-1.234.567,89"
    assert format_number(None) == ""
    assert to_api(Decimal("5")) == "5.00"


def test_format_decimal_comma_reads_back_as_the_same_amount():
    assert format_decimal_comma(Decimal("1234.5")) == "1234,50"  # no thousands dot to misread
    assert parse_money(format_decimal_comma(Decimal("1234.5"))) == Decimal("1234.50")
    assert format_decimal_comma(None) == ""
