"""Figures are built from query rows by pure functions (no database, no Flask)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from webapp.reports import figures
from webapp.reports.abc import build_curve
from webapp.reports.kpis import Kpi, percent_change
from webapp.reports.queries import ProductSales


def test_revenue_per_day_fills_missing_days_with_zero():
    days = [date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 3)]
    fig = figures.revenue_per_day(
        [("2025-03-01", Decimal("100.00")), ("2025-03-03", Decimal("5.50"))], days
    )
    (trace,) = fig["data"]
    assert trace["type"] == "bar"
    assert trace["x"] == ["2025-03-01", "2025-03-02", "2025-03-03"]
    assert trace["y"] == [100.0, 0.0, 5.5]
    assert fig["layout"]["separators"] == ",."
    json.dumps(fig)  # serialisable as is


def test_revenue_by_category_biggest_on_top_and_tail_grouped():
    rows = [(f"Cat {n}", Decimal(100 - n)) for n in range(15)]
    fig = figures.revenue_by_category(rows)
    trace = fig["data"][0]
    assert trace["orientation"] == "h"
    assert trace["y"][-1] == "Cat 0"  # plotly's top bar is the last one
    assert trace["y"][0] == "Outras"
    assert trace["x"][0] == float(sum(Decimal(100 - n) for n in range(12, 15)))


def test_payment_mix_is_a_donut_with_portuguese_labels():
    fig = figures.payment_mix([("pix", Decimal("380.00"), 2), ("card", Decimal("105.00"), 1)])
    trace = fig["data"][0]
    assert trace["type"] == "pie" and trace["hole"] > 0
    assert trace["labels"] == ["Pix", "Cartão"]
    assert trace["values"] == [380.0, 105.0]
    assert trace["customdata"] == [2, 1]


def test_pareto_has_revenue_bars_and_cumulative_line_on_second_axis():
    rows = [
        ProductSales(n, f"S{n}", f"P{n}", "X", Decimal(v), 1, 1) for n, v in enumerate([60, 25, 15])
    ]
    fig = figures.pareto(build_curve(rows, 30))
    bars, line = fig["data"]
    assert bars["type"] == "bar" and bars["y"] == [60.0, 25.0, 15.0]
    assert line["yaxis"] == "y2" and line["y"] == [60.0, 85.0, 100.0]
    assert fig["layout"]["yaxis2"]["overlaying"] == "y"


def test_percent_change_and_tone():
    assert percent_change(Decimal("585"), Decimal("50")) == Decimal("1070.0")
    assert percent_change(Decimal("40"), Decimal("50")) == Decimal("-20.0")
    assert percent_change(Decimal("10"), Decimal("0")) is None
    # a negative margin (sold under cost) that turns positive went up, not down
    assert percent_change(Decimal("50"), Decimal("-100")) == Decimal("150.0")
    assert percent_change(Decimal("-150"), Decimal("-100")) == Decimal("-50.0")
    assert Kpi("gross_margin", "M", Decimal("50"), Decimal("-100")).tone == "up-good"
    assert Kpi("r", "R", Decimal("2"), Decimal("1")).tone == "up-good"
    assert Kpi("x", "X", Decimal("2"), Decimal("1"), good_when_up=False).tone == "up-bad"
    assert Kpi("x", "X", Decimal("1"), Decimal("2"), good_when_up=False).tone == "down-good"
    assert Kpi("x", "X", Decimal("1"), Decimal("0")).tone == "flat"
