"""Reports API (SPEC 8): summary, ABC curve, rankings, exports. Sellers get their own figures.

Period: ``from``/``to`` (dd/mm/aaaa or aaaa-mm-dd, whole days in America/Sao_Paulo) or
``period`` (today, 7d, 30d, month, last_month); nothing means the last 30 days.
"""

from __future__ import annotations

from flask import current_app, url_for
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from webapp.api.schemas import Money, PaginationSchema
from webapp.core.money import to_api
from webapp.core.pagination import MAX_PAGE
from webapp.reports import abc, exports, services
from webapp.reports.periods import Period, local_today, resolve_period

blp = Blueprint("api_reports", __name__, description="Relatórios e exportações")


class PeriodQuerySchema(Schema):
    period = fields.String(
        load_default=None, validate=validate.OneOf(["today", "7d", "30d", "month", "last_month"])
    )
    date_from = fields.String(
        data_key="from", load_default=None, metadata={"example": "2025-01-01"}
    )
    date_to = fields.String(data_key="to", load_default=None, metadata={"example": "2025-01-31"})


class TopQuerySchema(PeriodQuerySchema):
    top = fields.Integer(
        load_default=services.DEFAULT_TOP, validate=validate.Range(min=1, max=services.MAX_TOP)
    )


class AbcQuerySchema(PeriodQuerySchema):
    lead_time = fields.Integer(
        load_default=abc.DEFAULT_LEAD_TIME, validate=validate.Range(*abc.LEAD_TIME_RANGE)
    )
    excess_days = fields.Integer(
        load_default=abc.DEFAULT_EXCESS_DAYS, validate=validate.Range(*abc.EXCESS_RANGE)
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class ReportSummarySchema(Schema):
    date_from = fields.String(data_key="from")
    date_to = fields.String(data_key="to")
    revenue = Money()
    orders = fields.Integer()
    average_ticket = Money()
    taxes = Money()
    cogs = Money()
    gross_margin = Money()
    cashback_granted = fields.String(metadata={"description": "líquido: concedido - estornado"})
    cashback_credited = Money()
    cashback_reversed = Money()
    refunds = Money()


class AbcRowSchema(Schema):
    product_id = fields.Integer(allow_none=True)
    sku = fields.String()
    name = fields.String()
    category = fields.String()
    revenue = Money()
    units = fields.Integer()
    share = fields.String(metadata={"description": "fração 0..1, 6 casas"})
    cumulative_share = fields.String()
    abc_class = fields.String(data_key="class")
    stock_qty = fields.Integer(allow_none=True)
    avg_daily_units = fields.String()
    days_of_cover = fields.String(allow_none=True, metadata={"description": "null = sem vendas"})
    rupture_risk = fields.Boolean()
    excess = fields.Boolean()


class AbcListSchema(Schema):
    data = fields.List(fields.Nested(AbcRowSchema))
    pagination = fields.Nested(PaginationSchema)


class SellerRankSchema(Schema):
    seller_id = fields.Integer(allow_none=True)
    name = fields.String()
    revenue = Money()
    orders = fields.Integer()
    average_ticket = Money()
    cashback = Money()


class SellerRankListSchema(Schema):
    data = fields.List(fields.Nested(SellerRankSchema))
    pagination = fields.Nested(PaginationSchema)


class VipCustomerSchema(Schema):
    customer_id = fields.Integer()
    name = fields.String()
    revenue = Money()
    orders = fields.Integer(metadata={"description": "frequência"})
    recency_days = fields.Integer()
    last_purchase = fields.String()


class VipCustomerListSchema(Schema):
    data = fields.List(fields.Nested(VipCustomerSchema))
    pagination = fields.Nested(PaginationSchema)


class ExportInSchema(PeriodQuerySchema):
    report = fields.String(required=True, validate=validate.OneOf(list(exports.REPORTS)))
    format = fields.String(required=True, validate=validate.OneOf(list(exports.FORMATS)))
    # The ABC export's rupture/excess flags, as on GET /reports/abc.
    lead_time = fields.Integer(
        load_default=abc.DEFAULT_LEAD_TIME, validate=validate.Range(*abc.LEAD_TIME_RANGE)
    )
    excess_days = fields.Integer(
        load_default=abc.DEFAULT_EXCESS_DAYS, validate=validate.Range(*abc.EXCESS_RANGE)
    )


class JobIdSchema(Schema):
    job_id = fields.String()
    status_url = fields.String()


def _tz() -> str:
    return current_app.config["TIMEZONE"]


def _period(args) -> Period:
    return resolve_period(
        args["period"], args["date_from"], args["date_to"], local_today(_tz()), _tz()
    )


def _fraction(value) -> str:
    return f"{value:.6f}"


def _list(items: list) -> dict:
    return {
        "data": items,
        "pagination": {"page": 1, "per_page": max(1, len(items)), "total": len(items)},
    }


@blp.route("/summary")
class Summary(MethodView):
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, ReportSummarySchema)
    def get(self, args):
        """Revenue, orders, average ticket, taxes, gross margin, cashback and refunds."""
        period = _period(args)
        s = services.summary(services.scope_for(current_user), period)
        return {
            "date_from": period.first_day.isoformat(),
            "date_to": period.last_day.isoformat(),
            "revenue": to_api(s.revenue),
            "orders": s.orders,
            "average_ticket": to_api(s.average_ticket),
            "taxes": to_api(s.taxes),
            "cogs": to_api(s.cogs),
            "gross_margin": to_api(s.gross_margin),
            "cashback_granted": to_api(s.cashback_net),
            "cashback_credited": to_api(s.cashback_credited),
            "cashback_reversed": to_api(s.cashback_reversed),
            "refunds": to_api(s.refunds),
        }


@blp.route("/abc")
class AbcCurve(MethodView):
    @blp.arguments(AbcQuerySchema, location="query")
    @blp.response(200, AbcListSchema)
    def get(self, args):
        """Products by revenue share with class A/B/C, stock and days of cover."""
        settings = abc.AbcSettings(args["lead_time"], args["excess_days"])
        curve = services.abc_curve(services.scope_for(current_user), _period(args), settings)
        page, per_page = args["page"], args["per_page"]
        rows = curve[(page - 1) * per_page : page * per_page]
        data = [
            {
                **{
                    k: getattr(r, k)
                    for k in (
                        "product_id",
                        "sku",
                        "name",
                        "category",
                        "units",
                        "stock_qty",
                        "rupture_risk",
                        "excess",
                        "abc_class",
                    )
                },
                "revenue": to_api(r.revenue),
                "share": _fraction(r.share),
                "cumulative_share": _fraction(r.cumulative_share),
                "avg_daily_units": f"{r.avg_daily_units:.2f}",
                "days_of_cover": None if r.days_of_cover is None else f"{r.days_of_cover:.1f}",
            }
            for r in rows
        ]
        return {
            "data": data,
            "pagination": {"page": page, "per_page": per_page, "total": len(curve)},
        }


@blp.route("/sellers")
class Sellers(MethodView):
    @blp.arguments(TopQuerySchema, location="query")
    @blp.response(200, SellerRankListSchema)
    def get(self, args):
        """Sellers by revenue (a seller sees only their own line)."""
        rows = services.seller_ranking(services.scope_for(current_user), _period(args), args["top"])
        return _list(
            [
                {
                    "seller_id": r.seller_id,
                    "name": r.name,
                    "revenue": to_api(r.revenue),
                    "orders": r.orders,
                    "average_ticket": to_api(r.average_ticket),
                    "cashback": to_api(r.cashback),
                }
                for r in rows
            ]
        )


@blp.route("/vip-customers")
class VipCustomers(MethodView):
    @blp.arguments(TopQuerySchema, location="query")
    @blp.response(200, VipCustomerListSchema)
    def get(self, args):
        """Customers by revenue with frequency and recency (sellers: their own orders)."""
        rows = services.vip_customers(services.scope_for(current_user), _period(args), args["top"])
        today = local_today(_tz())
        return _list(
            [
                {
                    "customer_id": r.customer_id,
                    "name": r.name,
                    "revenue": to_api(r.revenue),
                    "orders": r.orders,
                    "recency_days": services.recency_days(r.last_purchase, today, _tz()),
                    "last_purchase": r.last_purchase.isoformat(),
                }
                for r in rows
            ]
        )


@blp.route("/exports")
class Exports(MethodView):
    @blp.arguments(ExportInSchema)
    @blp.response(202, JobIdSchema)
    def post(self, body):
        """Queue an export (CSV or XLSX); follow it at GET /jobs/{job_id}."""
        job = exports.start_export(
            current_user,
            services.scope_for(current_user),
            body["report"],
            body["format"],
            _period(body),
            abc.AbcSettings(body["lead_time"], body["excess_days"]),
        )
        return {"job_id": job.id, "status_url": url_for("api_jobs.Job", job_id=job.id)}
