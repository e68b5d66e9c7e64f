"""ABC classification rules and days of cover (pure functions, no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from webapp.core.domain import ValidationFailed
from webapp.reports.abc import AbcSettings, build_curve, class_totals, filter_curve, parse_settings
from webapp.reports.queries import ProductSales


def sale(sku, revenue, units=1, stock=10, category="X"):
    return ProductSales(1, sku, sku, category, Decimal(revenue), units, stock)


def classes(rows):
    return [row.abc_class for row in build_curve(rows, 30)]


def test_product_ending_exactly_on_80_percent_is_a_and_the_next_is_b():
    rows = [sale("a", "50"), sale("b", "30"), sale("c", "15"), sale("d", "5")]
    curve = build_curve(rows, 30)
    assert [r.cumulative_share for r in curve] == [
        Decimal("0.5"),
        Decimal("0.8"),
        Decimal("0.95"),
        Decimal("1"),
    ]
    # a: before 0%, b: before 50% (ends on 80%), c: before 80% -> B (ends on 95%),
    # d: before 95% -> C
    assert [r.abc_class for r in curve] == ["A", "A", "B", "C"]


def test_the_product_that_crosses_80_percent_is_a():
    # cumulative: 60%, 85% (crosses 80 -> A), 97% (crosses 95 -> B), 100% -> C
    assert classes([sale("a", "60"), sale("b", "25"), sale("c", "12"), sale("d", "3")]) == [
        "A",
        "A",
        "B",
        "C",
    ]


def test_a_single_dominant_product_is_a():
    assert classes([sale("a", "90"), sale("b", "10")]) == ["A", "B"]


def test_days_of_cover_and_flags():
    rows = [
        sale("zero-stock", "10", units=30, stock=0),  # cover 0 -> rupture
        sale("short", "10", units=30, stock=5),  # 1/day -> 5 days < 7 -> rupture
        sale("fine", "10", units=30, stock=30),  # 30 days
        sale("heavy", "10", units=3, stock=100),  # 0.1/day -> 1000 days -> excess
    ]
    curve = {r.sku: r for r in build_curve(rows, 30)}
    assert curve["zero-stock"].days_of_cover == Decimal("0.0") and curve["zero-stock"].rupture_risk
    assert curve["short"].days_of_cover == Decimal("5.0") and curve["short"].rupture_risk
    assert curve["fine"].avg_daily_units == Decimal(1)
    assert not curve["fine"].rupture_risk and not curve["fine"].excess
    assert curve["heavy"].days_of_cover == Decimal("1000.0") and curve["heavy"].excess
    longer_lead = {r.sku: r for r in build_curve(rows, 30, AbcSettings(lead_time_days=31))}
    assert longer_lead["fine"].rupture_risk and not longer_lead["fine"].excess
    lower_limit = {r.sku: r for r in build_curve(rows, 30, AbcSettings(excess_days=29))}
    assert lower_limit["fine"].excess and not lower_limit["fine"].rupture_risk


def test_deleted_product_has_no_stock_flags():
    row = ProductSales(None, "OLD", "Antigo", "X", Decimal("10"), 5, None)
    (curve,) = build_curve([row], 30)
    assert curve.days_of_cover == Decimal("0.0")
    assert not curve.rupture_risk and not curve.excess


def test_filters_keep_the_class_from_the_whole_curve_and_totals_add_up():
    rows = [
        sale("a", "60", category="Bebidas"),
        sale("b", "25"),
        sale("c", "15", category="Bebidas"),
    ]
    curve = build_curve(rows, 30)
    assert [r.sku for r in filter_curve(curve, "B")] == ["c"]
    assert [r.sku for r in filter_curve(curve, None, "Bebidas")] == ["a", "c"]
    totals = class_totals(curve)
    assert totals["A"]["products"] == 2 and totals["A"]["revenue"] == Decimal("85")
    assert sum(t["share"] for t in totals.values()) == 1


def test_no_sales_means_empty_curve():
    assert build_curve([], 30) == []


@pytest.mark.parametrize(
    ("lead", "excess"), [("0", None), ("abc", None), (None, "99999"), ("-3", "")]
)
def test_settings_out_of_bounds_are_refused(lead, excess):
    with pytest.raises(ValidationFailed):
        parse_settings(lead, excess)


def test_settings_defaults():
    assert parse_settings(None, "") == AbcSettings(7, 90)
    assert parse_settings("14", "120") == AbcSettings(14, 120)
