"""Report use cases: read-only, scoped to a tenant and (for sellers) to their own orders.

Routes, the API and the export jobs call these with an explicit :class:`Scope` and
:class:`Period`; nothing here reads the request.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from webapp.core.domain import ValidationFailed
from webapp.reports import abc, figures, queries
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


def summary(scope: Scope, period: Period) -> Summary:
    return queries.summary(scope, period.start, period.end)


def dashboard(scope: Scope, period: Period) -> tuple[Summary, list[Kpi]]:
    """The period's figures and the KPI cards compared with the previous period."""
    current = summary(scope, period)
    previous = queries.summary(scope, period.previous_start, period.previous_end)
    return current, dashboard_kpis(current, previous)


def _utc_offset_hours(period: Period, timezone: str) -> int:
    offset = period.start.astimezone(ZoneInfo(timezone)).utcoffset()
    return int(offset.total_seconds() // 3600) if offset else 0


def chart(name: str, scope: Scope, period: Period, timezone: str) -> dict:
    """One dashboard figure by name (day, category, payment); unknown names are a 404 upstream."""
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
    return queries.sellers(scope, period.start, period.end, top)


def vip_customers(scope: Scope, period: Period, top: int) -> list[queries.CustomerRow]:
    return queries.vip_customers(scope, period.start, period.end, top)


def recency_days(last_purchase: datetime, today, timezone: str) -> int:
    """Whole local days since the last purchase (0 = bought today)."""
    return (today - last_purchase.astimezone(ZoneInfo(timezone)).date()).days


def abc_curve(
    scope: Scope, period: Period, settings: abc.AbcSettings = abc.AbcSettings()
) -> list[abc.AbcRow]:
    rows = queries.product_sales(scope, period.start, period.end)
    return abc.build_curve(rows, period.days, settings)


def now_utc() -> datetime:
    return datetime.now(UTC)


def pareto_figure(curve: list[abc.AbcRow]) -> dict:
    return figures.pareto(curve)
