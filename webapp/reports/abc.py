"""ABC curve (SPEC 7): classes, days of cover and stock flags from per-product sales.

Pure functions over the rows :func:`webapp.reports.queries.product_sales` aggregates in the
database, so the rules are tested without a database and shares stay exact Decimals.

Class boundary (decided and tested): a product's class is set by the cumulative share of the
products ranked BEFORE it. A while that share is below 80%, B while below 95%, C after. So
class A is the smallest set of top products that reaches 80% of revenue: the product whose
cumulative share crosses 80% is A, and a product ending exactly on 80% is A while the next
one is B. (A lone product with 90% of revenue is A, as anyone reading the curve expects.)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from webapp.core.domain import ValidationFailed

A_LIMIT = Decimal("0.80")
B_LIMIT = Decimal("0.95")
DEFAULT_LEAD_TIME = 7
DEFAULT_EXCESS_DAYS = 90
LEAD_TIME_RANGE = (1, 365)
EXCESS_RANGE = (1, 3650)
CLASSES = ("A", "B", "C")


@dataclass(frozen=True)
class AbcSettings:
    lead_time_days: int = DEFAULT_LEAD_TIME
    excess_days: int = DEFAULT_EXCESS_DAYS


@dataclass(frozen=True)
class AbcRow:
    product_id: int | None
    sku: str
    name: str
    category: str
    revenue: Decimal
    units: int
    stock_qty: int | None
    share: Decimal  # fraction 0..1
    cumulative_share: Decimal
    abc_class: str
    avg_daily_units: Decimal
    days_of_cover: Decimal | None  # None: no sales, cover is infinite
    rupture_risk: bool
    excess: bool


def parse_settings(lead_time: str | None, excess: str | None) -> AbcSettings:
    """Query parameters -> settings; out-of-range or non-numbers are a pt-BR 422."""
    return AbcSettings(
        _bounded(lead_time, DEFAULT_LEAD_TIME, LEAD_TIME_RANGE, "lead_time", "Prazo de reposição"),
        _bounded(excess, DEFAULT_EXCESS_DAYS, EXCESS_RANGE, "excess_days", "Limite de excesso"),
    )


def _bounded(raw: str | None, default: int, bounds: tuple[int, int], field: str, label: str) -> int:
    if raw is None or str(raw).strip() == "":
        return default
    low, high = bounds
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ValidationFailed(f"{label} deve ser um número de {low} a {high} dias.", field=field)
    return value


def class_for(cumulative_before: Decimal) -> str:
    if cumulative_before < A_LIMIT:
        return "A"
    if cumulative_before < B_LIMIT:
        return "B"
    return "C"


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole) if whole else Decimal(0)


def days_of_cover(stock: int | None, units: int, days: int) -> tuple[Decimal, Decimal | None]:
    """(average daily units, days of cover); cover is None when nothing sold."""
    avg = (Decimal(units) / Decimal(days)) if days else Decimal(0)
    if not units:
        return avg, None
    cover = Decimal(stock or 0) / avg
    return avg, cover.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def build_curve(rows, period_days: int, settings: AbcSettings = AbcSettings()) -> list[AbcRow]:
    """Rows (biggest revenue first) -> ABC rows with shares, classes, cover and flags."""
    total = sum((row.revenue for row in rows), Decimal(0))
    running = Decimal(0)
    curve = []
    for row in rows:
        before = _ratio(running, total)
        running += row.revenue
        avg, cover = days_of_cover(row.stock_qty, row.units, period_days)
        tracked = row.stock_qty is not None  # a deleted product has no stock to judge
        curve.append(
            AbcRow(
                product_id=row.product_id,
                sku=row.sku,
                name=row.name,
                category=row.category,
                revenue=row.revenue,
                units=row.units,
                stock_qty=row.stock_qty,
                share=_ratio(row.revenue, total),
                cumulative_share=_ratio(running, total),
                abc_class=class_for(before),
                avg_daily_units=avg,
                days_of_cover=cover,
                rupture_risk=tracked and cover is not None and cover < settings.lead_time_days,
                excess=tracked and cover is not None and cover > settings.excess_days,
            )
        )
    return curve


def class_totals(curve: list[AbcRow]) -> dict[str, dict]:
    """Per class: number of products, revenue and share (the summary above the table)."""
    totals = {c: {"products": 0, "revenue": Decimal("0.00"), "share": Decimal(0)} for c in CLASSES}
    for row in curve:
        bucket = totals[row.abc_class]
        bucket["products"] += 1
        bucket["revenue"] += row.revenue
        bucket["share"] += row.share
    return totals


def filter_curve(
    curve: list[AbcRow], abc_class: str | None = None, category: str | None = None
) -> list[AbcRow]:
    """Filtering happens after classifying: a product keeps its class within the whole curve."""
    return [
        row
        for row in curve
        if (not abc_class or row.abc_class == abc_class)
        and (not category or row.category == category)
    ]


def percent(fraction: Decimal, places: str = "0.1") -> Decimal:
    return (fraction * 100).quantize(Decimal(places), rounding=ROUND_HALF_UP)
