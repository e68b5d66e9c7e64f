"""orders.cost_total: the per-order COGS snapshot written by checkout and summed by the dashboard.

Orders go through the real sales use cases (checkout, then the workflow), so the test proves
the snapshot the summary reads equals the line-level cost of goods it replaced.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import and_, func, select

from tests.conftest import in_tenant
from tests.sales.orders_factory import D, make_shop, product, sell, user
from webapp.core.models import utcnow
from webapp.extensions import db
from webapp.reports import queries
from webapp.sales import services as sales
from webapp.sales.models import Order, OrderLine


@pytest.fixture
def shop(app, tenant, make_user):
    return make_shop(app, tenant, make_user)


def _line_level_cogs(tenant_id: int, start, end) -> object:
    """The raw definition: sum(cost_price x qty) over the lines of the period's revenue orders."""
    lines, orders = OrderLine.__table__, Order.__table__
    return db.session.scalar(
        select(queries.money_sum(lines.c.cost_price * lines.c.qty))
        .select_from(lines.join(orders, and_(orders.c.id == lines.c.order_id)))
        .where(
            lines.c.tenant_id == tenant_id,
            queries.revenue_filter(queries.Scope(tenant_id), start, end),
        )
    )


def test_checkout_snapshots_cost_and_summary_cogs_matches_the_lines(app, shop):
    with in_tenant(app, shop.tenant_id):
        admin = user(shop.admin_id)
        coffee = product(shop.admin_id, stock=50, cost_price=D("4.37"))
        mug = product(
            shop.admin_id,
            stock=50,
            cost_price=D("12.05"),
            sale_price=D("30.00"),
            min_price=D("25.00"),
            max_price=D("35.00"),
        )
        tea = product(shop.admin_id, stock=50, cost_price=D("0.99"))
        paid = sell(shop, [(coffee, 3), (mug, 2)])  # 13.11 + 24.10
        shipped = sell(shop, [(tea, 7), (coffee, 1)])  # 6.93 + 4.37
        unpaid = sell(shop, [(mug, 5)])  # stays "created": not revenue
        cancelled = sell(shop, [(tea, 10)])  # cancelled before paying: not revenue
        refunded = sell(shop, [(coffee, 2)])  # paid then cancelled: not revenue
        sales.transition(admin, paid.id, "paid")
        sales.transition(admin, shipped.id, "paid")
        sales.transition(admin, shipped.id, "shipped", tracking_code="BR123456789BR")
        sales.transition(admin, cancelled.id, "cancelled", reason="Desistiu")
        sales.transition(admin, refunded.id, "paid")
        sales.transition(admin, refunded.id, "cancelled", reason="Devolveu")
        ids = [o.id for o in (paid, shipped, unpaid, cancelled, refunded)]
        db.session.expire_all()

        per_order = dict(
            db.session.execute(
                select(OrderLine.order_id, func.sum(OrderLine.cost_price * OrderLine.qty))
                .where(OrderLine.order_id.in_(ids))
                .group_by(OrderLine.order_id)
            ).all()
        )
        stored = dict(db.session.execute(select(Order.id, Order.cost_total)).all())
        for order_id in ids:
            assert stored[order_id] == D(str(per_order[order_id])).quantize(D("0.01"))
        assert stored[paid.id] == D("37.21")
        assert stored[shipped.id] == D("11.30")
        assert stored[unpaid.id] == D("60.25")

        now = utcnow()
        start, end = now - timedelta(days=1), now + timedelta(days=1)
        summary = queries.summary(queries.Scope(shop.tenant_id), start, end)
        assert summary.cogs == D("48.51")  # 37.21 + 11.30, nothing from the other three
        assert summary.cogs == _line_level_cogs(shop.tenant_id, start, end)
        assert summary.orders == 2
