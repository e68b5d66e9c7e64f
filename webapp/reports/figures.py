"""Plotly figures (plain dicts) built from query rows. Pure: no Flask, no database.

Amounts become floats only here, for drawing; every figure shown as text elsewhere stays a
Decimal. Backgrounds are transparent and the font/grid colours are set by static/js/charts.js
from the page theme (data-bs-theme), so one figure works in light and dark mode.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from webapp.sales.models import PAYMENT_LABELS

# Mid-tone colours readable on white and on Bootstrap's dark body (#212529).
PALETTE = [
    "#3b82f6",
    "#10b981",
    "#f59e0b",
    "#ef4444",
    "#8b5cf6",
    "#06b6d4",
    "#ec4899",
    "#84cc16",
]
PARETO_MAX_PRODUCTS = 50
CATEGORY_MAX = 12
MONEY_HOVER = "R$ %{y:,.2f}<extra></extra>"


def _layout(**extra) -> dict:
    layout = {
        "separators": ",.",  # pt-BR: 1.234,56
        "margin": {"l": 56, "r": 16, "t": 8, "b": 40},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "showlegend": False,
        "height": 300,
        "xaxis": {"automargin": True},
        "yaxis": {
            "automargin": True,
            "tickprefix": "R$ ",
            "tickformat": ",.0f",
            "rangemode": "tozero",
        },
    }
    layout.update(extra)
    return layout


def fill_days(rows: list[tuple[str, Decimal]], days: list[date]) -> list[tuple[date, Decimal]]:
    """Every day of the period, 0 where nothing was sold (rows: (ISO day, revenue))."""
    by_day = {str(day)[:10]: value for day, value in rows}
    return [(day, by_day.get(day.isoformat(), Decimal("0.00"))) for day in days]


def revenue_per_day(rows: list[tuple[str, Decimal]], days: list[date]) -> dict:
    series = fill_days(rows, days)
    trace = {
        "type": "bar",
        "x": [day.isoformat() for day, _ in series],
        "y": [float(value) for _, value in series],
        "marker": {"color": PALETTE[0]},
        "hovertemplate": "%{x|%d/%m/%Y}<br>" + MONEY_HOVER,
    }
    xaxis = {"automargin": True, "type": "date", "tickformat": "%d/%m"}
    return {"data": [trace], "layout": _layout(xaxis=xaxis)}


def revenue_by_category(rows: list[tuple[str, Decimal]]) -> dict:
    """Horizontal bars, biggest on top; the tail beyond CATEGORY_MAX is summed as 'Outras'."""
    head = list(rows[:CATEGORY_MAX])
    tail = rows[CATEGORY_MAX:]
    if tail:
        head.append(("Outras", sum((value for _, value in tail), Decimal("0.00"))))
    head.reverse()  # plotly draws the first bar at the bottom
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": [name for name, _ in head],
        "x": [float(value) for _, value in head],
        "marker": {"color": PALETTE[1]},
        "hovertemplate": "%{y}<br>R$ %{x:,.2f}<extra></extra>",
    }
    layout = _layout(
        xaxis={"automargin": True, "tickprefix": "R$ ", "tickformat": ",.0f"},
        yaxis={"automargin": True},
        height=max(220, 40 + 28 * len(head)),
    )
    return {"data": [trace], "layout": layout}


def payment_mix(rows: list[tuple[str, Decimal, int]]) -> dict:
    trace = {
        "type": "pie",
        "hole": 0.55,
        "labels": [PAYMENT_LABELS.get(method, method) for method, _, _ in rows],
        "values": [float(value) for _, value, _ in rows],
        "customdata": [count for _, _, count in rows],
        "marker": {"colors": PALETTE[: len(rows)]},
        "textinfo": "percent",
        "sort": False,
        "hovertemplate": "%{label}<br>R$ %{value:,.2f} · %{customdata} pedido(s)<extra></extra>",
    }
    layout = _layout(showlegend=True, legend={"orientation": "h", "y": -0.1})
    layout.pop("xaxis")
    layout.pop("yaxis")
    return {"data": [trace], "layout": layout}


def pareto(curve) -> dict:
    """Bars = revenue per product, line = cumulative % on a secondary axis (top products)."""
    top = curve[:PARETO_MAX_PRODUCTS]
    labels = [row.sku for row in top]
    colors = {"A": PALETTE[1], "B": PALETTE[2], "C": PALETTE[3]}
    bars = {
        "type": "bar",
        "x": labels,
        "y": [float(row.revenue) for row in top],
        "marker": {"color": [colors[row.abc_class] for row in top]},
        "customdata": [row.name for row in top],
        "hovertemplate": "%{x} · %{customdata}<br>" + MONEY_HOVER,
        "name": "Faturamento",
    }
    line = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": labels,
        "y": [float(row.cumulative_share * 100) for row in top],
        "yaxis": "y2",
        "line": {"color": PALETTE[0], "width": 2},
        "marker": {"size": 5},
        "hovertemplate": "%{x}<br>%{y:.1f}% acumulado<extra></extra>",
        "name": "% acumulado",
    }
    layout = _layout(
        xaxis={"automargin": True, "type": "category", "tickangle": -45},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [0, 105],
            "ticksuffix": "%",
            "showgrid": False,
        },
        shapes=[_threshold(80), _threshold(95)],
        height=340,
        margin={"l": 56, "r": 48, "t": 8, "b": 64},  # room for the % axis on the right
    )
    return {"data": [bars, line], "layout": layout}


def _threshold(percent: int) -> dict:
    return {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": "y2",
        "y0": percent,
        "y1": percent,
        "line": {"color": "#9ca3af", "width": 1, "dash": "dot"},
    }
