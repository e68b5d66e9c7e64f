"""Report use cases: read-only, scoped to a tenant and (for sellers) to their own orders.

Routes, the API and the export jobs call these with an explicit :class:`Scope` and
:class:`Period`; nothing here reads the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from zoneinfo import ZoneInfo

from webapp.core.domain import ValidationFailed
from webapp.reports import abc, cache, figures, queries
from webapp.reports.kpis import Kpi, dashboard_kpis
from webapp.reports.periods import Period
from webapp.reports.queries import Scope, Summary

DEFAULT_TOP = 10
MAX_TOP = 100


def scope_for(user) -> Scope:
    """Admins see the whole tenant; a seller only the orders they sold."""
    return Scope(user.tenant_id, None if user.is_admin else user.id)


def parse_top(raw: str | int | None) -> int:
    if raw is None or str(raw).strip() == "":
        return DEFAULT_TOP
    try:
        top = int(str(raw).strip())
    except ValueError:
        top = 0
    if not 1 <= top <= MAX_TOP:
        raise ValidationFailed(f"Informe um número de 1 a {MAX_TOP}.", field="top")
    return top


def _cached(name: str, scope: Scope, start: datetime, end: datetime, *extra, compute):
    """A figure of ``scope`` over [start, end), cached until the data under it changes."""
    key = (scope.seller_id, start, end, *extra)
    return cache.cached(name, scope.tenant_id, key, compute)


def _summary(scope: Scope, start: datetime, end: datetime) -> Summary:
    compute = partial(queries.summary, scope, start, end)
    return _cached("summary", scope, start, end, compute=compute)


def summary(scope: Scope, period: Period) -> Summary:
    return _summary(scope, period.start, period.end)


def dashboard(scope: Scope, period: Period) -> tuple[Summary, list[Kpi]]:
    """The period's figures and the KPI cards compared with the previous period."""
    current = summary(scope, period)
    previous = _summary(scope, period.previous_start, period.previous_end)
    return current, dashboard_kpis(current, previous)


def _utc_offset_hours(period: Period, timezone: str) -> int:
    offset = period.start.astimezone(ZoneInfo(timezone)).utcoffset()
    return int(offset.total_seconds() // 3600) if offset else 0


def chart(name: str, scope: Scope, period: Period, timezone: str) -> dict:
    """One dashboard figure by name (day, category, payment); unknown names are a 404 upstream."""
    compute = partial(_figure, name, scope, period, timezone)
    return _cached(f"chart:{name}", scope, period.start, period.end, timezone, compute=compute)


def _figure(name: str, scope: Scope, period: Period, timezone: str) -> dict:
    if name == "day":
        rows = queries.revenue_by_day(
            scope, period.start, period.end, _utc_offset_hours(period, timezone), timezone
        )
        return figures.revenue_per_day(rows, period.day_list())
    if name == "category":
        return figures.revenue_by_category(
            queries.revenue_by_category(scope, period.start, period.end)
        )
    if name == "payment":
        return figures.payment_mix(queries.payment_mix(scope, period.start, period.end))
    raise KeyError(name)


CHARTS = {
    "day": "Faturamento por dia",
    "category": "Faturamento por categoria",
    "payment": "Formas de pagamento",
}


def seller_ranking(scope: Scope, period: Period, top: int) -> list[queries.SellerRow]:
    start, end = period.start, period.end
    compute = partial(queries.sellers, scope, start, end, top)
    return _cached("sellers", scope, start, end, top, compute=compute)


def vip_customers(scope: Scope, period: Period, top: int) -> list[queries.CustomerRow]:
    start, end = period.start, period.end
    compute = partial(queries.vip_customers, scope, start, end, top)
    return _cached("vip-customers", scope, start, end, top, compute=compute)


def recency_days(last_purchase: datetime, today, timezone: str) -> int:
    """Whole local days since the last purchase (0 = bought today)."""
    return (today - last_purchase.astimezone(ZoneInfo(timezone)).date()).days


@dataclass(frozen=True)
class AbcReport:
    """The ABC page's whole computation, cached as one value (thousands of products)."""

    curve: list[abc.AbcRow]
    totals: dict[str, dict]
    categories: list[str]
    figure: dict


def abc_report(
    scope: Scope, period: Period, settings: abc.AbcSettings = abc.AbcSettings()
) -> AbcReport:
    """The curve with its class totals, category list and Pareto figure."""
    compute = partial(_abc_report, scope, period, settings)
    return _cached("abc", scope, period.start, period.end, settings, compute=compute)


def _abc_report(scope: Scope, period: Period, settings: abc.AbcSettings) -> AbcReport:
    rows = queries.product_sales(scope, period.start, period.end)
    curve = abc.build_curve(rows, period.days, settings)
    categories = sorted({row.category for row in curve})
    return AbcReport(curve, abc.class_totals(curve), categories, figures.pareto(curve))


def abc_curve(
    scope: Scope, period: Period, settings: abc.AbcSettings = abc.AbcSettings()
) -> list[abc.AbcRow]:
    return abc_report(scope, period, settings).curve


def now_utc() -> datetime:
    return datetime.now(UTC)
