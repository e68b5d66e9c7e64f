"""Report screens: dashboard (+ lazy chart fragments), rankings and ABC curve.

Every page takes the period from the URL (?period=30d or ?from=...&to=...) so a view can be
shared; a bad period answers 422 with the message next to the filter.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, render_template, request
from flask_login import current_user

from webapp.core.domain import ValidationFailed
from webapp.core.htmx import render
from webapp.core.pagination import Page, clamp
from webapp.reports import abc, bp, services
from webapp.reports.periods import PRESETS, Period, local_today, resolve_period

ABC_PER_PAGE = 50


@dataclass
class Filter:
    period: Period
    error: str | None
    status: int


def _timezone() -> str:
    return current_app.config["TIMEZONE"]


def period_from(args) -> Period:
    """The period named by URL arguments or posted fields (period / from / to)."""
    return resolve_period(
        args.get("period"), args.get("from"), args.get("to"), local_today(_timezone()), _timezone()
    )


def read_filter() -> Filter:
    """The URL's period, or the default one plus the error when the URL's is invalid."""
    try:
        return Filter(period_from(request.args), None, 200)
    except ValidationFailed as exc:
        today = local_today(_timezone())
        return Filter(resolve_period(None, None, None, today, _timezone()), exc.message, 422)


def _page(template: str, partial: str, f: Filter, field_errors: dict | None = None, **context):
    """A report page. ``field_errors`` are the report's own settings that were refused (the
    default is shown in their place); the period's error comes in ``f``."""
    field_errors = field_errors or {}
    return render(
        template,
        partial,
        status=422 if field_errors else f.status,
        period=f.period,
        period_error=f.error,
        field_errors=field_errors,
        presets=PRESETS,
        **context,
    )


@bp.route("")
def dashboard():
    f = read_filter()
    current, kpis = services.dashboard(services.scope_for(current_user), f.period)
    return _page(
        "reports/dashboard.html",
        "reports/_dashboard_body.html",
        f,
        summary=current,
        kpis=kpis,
        charts=services.CHARTS,
    )


@bp.route("/charts/<name>")
def chart(name: str):
    """A lazily loaded chart: a div whose data-figure holds the Plotly figure as JSON."""
    if name not in services.CHARTS:
        abort(404)
    f = read_filter()
    figure = services.chart(name, services.scope_for(current_user), f.period, _timezone())
    return render_template(
        "reports/_chart.html", name=name, figure=figure, title=services.CHARTS[name]
    )


@bp.route("/rankings")
def rankings():
    f = read_filter()
    top, field_errors = services.DEFAULT_TOP, {}
    try:
        top = services.parse_top(request.args.get("top"))
    except ValidationFailed as exc:
        field_errors = exc.fields
    scope = services.scope_for(current_user)
    return _page(
        "reports/rankings.html",
        "reports/_rankings_body.html",
        f,
        field_errors,
        top=top,
        sellers=services.seller_ranking(scope, f.period, top),
        customers=services.vip_customers(scope, f.period, top),
        today=local_today(_timezone()),
        recency=lambda row: services.recency_days(
            row.last_purchase, local_today(_timezone()), _timezone()
        ),
    )


@bp.route("/abc", endpoint="abc")
def abc_curve():
    f = read_filter()
    settings, field_errors = abc.AbcSettings(), {}
    try:
        settings = abc.parse_settings(
            request.args.get("lead_time"), request.args.get("excess_days")
        )
    except ValidationFailed as exc:
        field_errors = exc.fields
    abc_class = request.args.get("class") if request.args.get("class") in abc.CLASSES else ""
    category = request.args.get("category", "").strip()
    report = services.abc_report(services.scope_for(current_user), f.period, settings)
    rows = abc.filter_curve(report.curve, abc_class, category)
    number, per_page = clamp(request.args.get("page"), ABC_PER_PAGE, ABC_PER_PAGE)
    start = (number - 1) * per_page
    page = Page(rows[start : start + per_page], number, per_page, len(rows))
    return _page(
        "reports/abc.html",
        "reports/_abc_body.html",
        f,
        field_errors,
        curve=report.curve,
        table=page,
        settings=settings,
        abc_class=abc_class,
        category=category,
        categories=report.categories,
        totals=report.totals,
        figure=report.figure,
        percent=abc.percent,
    )
