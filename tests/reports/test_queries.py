"""Exact figures on the constructed dataset (see conftest.py for the orders and hand sums)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import update

from tests.conftest import in_tenant
from tests.reports.conftest import MARCH
from tests.reports.factories import D
from webapp.core.context import system_context
from webapp.extensions import db
from webapp.reports import services
from webapp.reports.periods import resolve_period
from webapp.reports.queries import Scope
from webapp.sales.models import OrderLine

MARCH_PERIOD = resolve_period(None, MARCH["from"], MARCH["to"], date(2025, 4, 10))


def test_summary_is_exact(app, dataset):
    with in_tenant(app, dataset.tenant.tenant_id):
        s = services.summary(Scope(dataset.tenant.tenant_id), MARCH_PERIOD)
    # O1 250 + O2 105 + O3 130 + O4 100 (paid 00:30 local on 01/03, created in February)
    assert s.revenue == D("585.00")
    assert s.orders == 4
    assert s.average_ticket == D("146.25")
    assert s.taxes == D("84.00")  # 41 + 12 + 21 + 10
    assert s.cogs == D("257.00")  # (2x40 + 20) + (10x6 + 2) + (40 + 3x5) + 2x20
    assert s.gross_margin == D("244.00")
    assert (s.cashback_credited, s.cashback_reversed, s.cashback_net) == (
        D("24.00"),
        D("4.00"),
        D("20.00"),
    )
    assert (s.refunds, s.refund_count) == (D("80.00"), 1)  # O6 only; O7 was never paid


def test_previous_period_and_kpi_changes(app, dataset):
    with in_tenant(app, dataset.tenant.tenant_id):
        _, kpis = services.dashboard(Scope(dataset.tenant.tenant_id), MARCH_PERIOD)
    by_key = {k.key: k for k in kpis}
    # Previous period: only O5 (paid 23:30 local on 28/02); O6 is cancelled, so no revenue.
    assert by_key["revenue"].previous == D("50.00")
    assert by_key["revenue"].change == Decimal("1070.0")
    assert by_key["orders"].change == Decimal("300.0")
    assert by_key["cashback"].previous == D("4.00")  # credit for O6 on 20/02
    assert by_key["cashback"].change == Decimal("400.0")
    assert by_key["refunds"].change is None  # nothing refunded before: "—"


def test_seller_ranking(app, dataset):
    with in_tenant(app, dataset.tenant.tenant_id):
        rows = services.seller_ranking(Scope(dataset.tenant.tenant_id), MARCH_PERIOD, 10)
    got = [(r.seller_id, r.revenue, r.orders, r.average_ticket, r.cashback) for r in rows]
    assert got == [
        # S1: O1 + O3; cashback 12.50 + 6.50 - 4.00 (reversal of O6 in March)
        (dataset.s1.id, D("380.00"), 2, D("190.00"), D("15.00")),
        (dataset.s2.id, D("205.00"), 2, D("102.50"), D("5.00")),
    ]
    with in_tenant(app, dataset.tenant.tenant_id):
        assert len(services.seller_ranking(Scope(dataset.tenant.tenant_id), MARCH_PERIOD, 1)) == 1


def test_vip_customers(app, dataset):
    with in_tenant(app, dataset.tenant.tenant_id):
        rows = services.vip_customers(Scope(dataset.tenant.tenant_id), MARCH_PERIOD, 10)
        recency = [
            services.recency_days(r.last_purchase, date(2025, 4, 1), "America/Sao_Paulo")
            for r in rows
        ]
    ids = dataset.ids
    assert [(r.customer_id, r.revenue, r.orders) for r in rows] == [
        (ids["ana"], D("250.00"), 1),
        (ids["bruno"], D("235.00"), 2),
        (ids["carla"], D("100.00"), 1),
    ]
    assert [r.last_purchase.date() for r in rows] == [
        date(2025, 3, 5),
        date(2025, 3, 20),
        date(2025, 3, 1),
    ]
    assert recency == [27, 12, 31]


def test_seller_sees_only_own_figures(app, dataset):
    scope = Scope(dataset.tenant.tenant_id, dataset.s1.id)
    with in_tenant(app, dataset.tenant.tenant_id):
        s = services.summary(scope, MARCH_PERIOD)
        sellers = services.seller_ranking(scope, MARCH_PERIOD, 10)
        customers = services.vip_customers(scope, MARCH_PERIOD, 10)
        curve = services.abc_curve(scope, MARCH_PERIOD)
    assert (s.revenue, s.orders, s.taxes, s.cogs) == (D("380.00"), 2, D("62.00"), D("155.00"))
    assert (s.refunds, s.cashback_net) == (D("80.00"), D("15.00"))
    assert [r.seller_id for r in sellers] == [dataset.s1.id]
    assert [(r.customer_id, r.revenue) for r in customers] == [
        (dataset.ids["ana"], D("250.00")),
        (dataset.ids["bruno"], D("130.00")),
    ]
    assert [r.sku for r in curve] == ["SKU-P1", "SKU-P2", "SKU-P4"]


def test_abc_classes_stock_and_cover(app, dataset):
    with in_tenant(app, dataset.tenant.tenant_id):
        curve = services.abc_curve(Scope(dataset.tenant.tenant_id), MARCH_PERIOD)
    got = [(r.sku, r.revenue, r.units, r.abc_class, r.stock_qty) for r in curve]
    # total 585: P1 300 (51.3%), P2 150 (76.9%), P3 100 (94.0%: crosses 80 -> A),
    # P4 30 (99.1%: started at 94.0 -> B), P5 5 (started at 99.1 -> C)
    assert got == [
        ("SKU-P1", D("300.00"), 3, "A", 10),
        ("SKU-P2", D("150.00"), 3, "A", 0),
        ("SKU-P3", D("100.00"), 10, "A", 1000),
        ("SKU-P4", D("30.00"), 3, "B", 5),
        ("SKU-P5", D("5.00"), 1, "C", 2),
    ]
    by_sku = {r.sku: r for r in curve}
    assert by_sku["SKU-P5"].category == "Sem categoria"
    assert by_sku["SKU-P1"].category == "Bebidas"  # no category on the product: the snapshot
    assert by_sku["SKU-P1"].days_of_cover == Decimal("103.3")  # 10 / (3/31)
    assert by_sku["SKU-P1"].excess and by_sku["SKU-P3"].excess
    assert by_sku["SKU-P2"].days_of_cover == Decimal("0.0") and by_sku["SKU-P2"].rupture_risk
    assert not by_sku["SKU-P4"].rupture_risk and not by_sku["SKU-P4"].excess  # 51.7 days
    assert curve[-1].cumulative_share == 1


def test_lines_of_a_deleted_product_keep_their_snapshot_on_the_abc_curve(app, dataset):
    # Deleting a product sets its lines' product_id to NULL (ON DELETE SET NULL): the curve
    # still counts them, under the SKU, name and category the lines recorded.
    lines = OrderLine.__table__
    with app.app_context(), system_context():
        db.session.execute(update(lines).where(lines.c.sku == "SKU-P4").values(product_id=None))
        db.session.commit()
    with in_tenant(app, dataset.tenant.tenant_id):
        curve = services.abc_curve(Scope(dataset.tenant.tenant_id), MARCH_PERIOD)
    got = [(r.sku, r.name, r.category, r.revenue, r.units, r.stock_qty) for r in curve]
    assert ("SKU-P4", "Produto SKU-P4", "Bebidas", D("30.00"), 3, None) in got
    assert [r.sku for r in curve] == ["SKU-P1", "SKU-P2", "SKU-P3", "SKU-P4", "SKU-P5"]


def test_charts_rows(app, dataset):
    tz = "America/Sao_Paulo"
    with in_tenant(app, dataset.tenant.tenant_id):
        scope = Scope(dataset.tenant.tenant_id)
        day = services.chart("day", scope, MARCH_PERIOD, tz)
        category = services.chart("category", scope, MARCH_PERIOD, tz)
        payment = services.chart("payment", scope, MARCH_PERIOD, tz)
    y = dict(zip(day["data"][0]["x"], day["data"][0]["y"], strict=True))
    assert len(y) == 31 and sum(y.values()) == 585.0
    # O4 paid 03:30 UTC on 01/03 is 00:30 local on 01/03; O5 (02:30 UTC) is 28/02 and absent.
    assert y["2025-03-01"] == 100.0 and y["2025-03-05"] == 250.0 and y["2025-03-02"] == 0.0
    assert dict(zip(category["data"][0]["y"], category["data"][0]["x"], strict=True)) == {
        "Sem categoria": 5.0,
        "Limpeza": 100.0,
        "Alimentos": 150.0,
        "Bebidas": 330.0,
    }
    trace = payment["data"][0]
    assert list(zip(trace["labels"], trace["values"], trace["customdata"], strict=True)) == [
        ("Pix", 380.0, 2),
        ("Cartão", 105.0, 1),
        ("Dinheiro", 100.0, 1),
    ]


@pytest.mark.parametrize("context", ["all_tenants", "own_tenant"])
def test_other_tenant_never_appears_even_without_orm_scoping(app, dataset, context):
    """The statements filter tenant_id themselves: the all-tenants context proves it."""
    scope = Scope(dataset.tenant.tenant_id)
    with app.app_context():
        ctx = system_context() if context == "all_tenants" else in_tenant(app, scope.tenant_id)
        with ctx:
            s = services.summary(scope, MARCH_PERIOD)
            sellers = services.seller_ranking(scope, MARCH_PERIOD, 100)
            customers = services.vip_customers(scope, MARCH_PERIOD, 100)
            curve = services.abc_curve(scope, MARCH_PERIOD)
            charts = [
                services.chart(n, scope, MARCH_PERIOD, "America/Sao_Paulo") for n in services.CHARTS
            ]
    assert (s.revenue, s.refunds, s.cashback_net) == (D("585.00"), D("80.00"), D("20.00"))
    assert dataset.other.id not in {r.seller_id for r in sellers}
    assert "Zeca Intruso" not in {r.name for r in customers}
    assert "SKU-OUTRO" not in {r.sku for r in curve}
    assert "boleto" not in str(charts) and "Boleto" not in str(charts)
