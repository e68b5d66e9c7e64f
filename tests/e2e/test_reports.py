"""Reports in a real browser: dashboard on desktop and phone, period change, Plotly charts
under the CSP (reached through hx-boost navigation, so charts.js loads Plotly itself), dark
theme, ABC Pareto chart and an export with its progress panel."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import TEST_REDIS_URL, in_tenant
from tests.e2e.conftest import (
    assert_no_console_errors,
    close_phone_menu,
    open_phone_menu,
    screenshot,
    sign_in,
)
from tests.reports import factories as f
from webapp.extensions import db
from webapp.wallet.models import TransactionKind

pytestmark = pytest.mark.e2e

CATEGORIES = ["Bebidas", "Mercearia", "Limpeza", "Hortifruti"]
METHODS = ["pix", "card", "boleto", "cash"]


def _sales(app, admin) -> None:
    """About 40 days of paid orders, one a local day up to today, so the presets have data."""
    now = datetime.now(UTC)
    # An hour ago, but never before today's local midnight: between 00:00 and 01:00 in São
    # Paulo "an hour ago" is yesterday, and "30 dias" counted 29 orders.
    today = now.astimezone(ZoneInfo(app.config["TIMEZONE"])).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    anchor = max(now - timedelta(hours=1), today)
    with in_tenant(app, admin.tenant_id):
        customers = [f.customer(n) for n in ("Ana Souza", "Bruno Lima", "Carla Dias")]
        products = [f.product(f"SKU-{n}", f"Produto {n}", stock=5 * n) for n in range(1, 9)]
        for day in range(40):
            paid = anchor - timedelta(days=day)
            n = day % 8
            line = f.line(
                products[n],
                f"SKU-{n + 1}",
                1 + day % 3,
                f"{20 + 7 * n}.00",
                "8.00",
                18,
                CATEGORIES[n % 4],
            )
            order_id = f.order(
                customers[day % 3],
                admin.id,
                "paid",
                [line],
                created_at=paid,
                paid_at=paid,
                payment_method=METHODS[day % 4],
            )
            f.ledger(TransactionKind.CASHBACK_CREDIT, "1.50", paid, order_id, customers[day % 3])
        db.session.commit()


def _charts_drawn(page, count: int) -> None:
    from playwright.sync_api import expect

    # Slots load when revealed: walk down the page (a phone shows one chart at a time).
    for step in range(1, 7):
        page.evaluate(f"window.scrollTo(0, document.body.scrollHeight * {step} / 6)")
        page.wait_for_timeout(150)
    expect(page.locator(".chart[data-plotted=yes]")).to_have_count(count)
    expect(page.locator(".chart .main-svg").first).to_be_visible()


def _toggle_theme(page, kind: str) -> None:
    if kind == "phone":  # the toggle lives in the collapsed menu
        page.evaluate("window.scrollTo(0, 0)")
        open_phone_menu(page)
    page.locator("#theme-toggle").click()
    if kind == "phone":
        close_phone_menu(page)


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_dashboard_period_change_charts_and_themes(app, new_page, make_tenant, kind):
    from playwright.sync_api import expect

    admin = make_tenant(f"Loja Relatórios {kind}")
    _sales(app, admin)
    page = new_page(kind)
    sign_in(page, admin)
    if kind == "phone":
        open_phone_menu(page)
    # Boosted navigation: the page's head scripts never run, charts.js loads Plotly.
    page.get_by_role("link", name="Relatórios", exact=True).click()
    expect(page.locator("main h1")).to_have_text("Relatórios")
    expect(page.locator("[data-testid=kpi-orders]")).to_have_text("30")
    _charts_drawn(page, 3)
    assert page.evaluate("document.querySelectorAll('style').length") == 0  # CSP-safe Plotly
    screenshot(page, f"reports-{kind}-01-dashboard-30d")

    page.locator("[data-period='7d']").click()
    expect(page).to_have_url(re.compile(r"period=7d"))
    expect(page.locator("[data-testid=kpi-orders]")).to_have_text("7")
    _charts_drawn(page, 3)
    expect(page.locator("[data-testid=kpi-change-revenue]")).to_contain_text("%")

    _toggle_theme(page, kind)
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, f"reports-{kind}-02-dashboard-7d-dark")
    _toggle_theme(page, kind)

    page.locator("#period-from").fill((datetime.now(UTC) - timedelta(days=3)).date().isoformat())
    page.locator("#period-to").fill(datetime.now(UTC).date().isoformat())
    page.get_by_role("button", name="Aplicar").click()
    expect(page).to_have_url(re.compile(r"from=.*&to="))
    _charts_drawn(page, 3)

    page.get_by_role("link", name="Curva ABC").click()
    expect(page.locator("[data-testid=abc-table] tbody tr").first).to_be_visible()
    expect(page.locator(".chart[data-chart=pareto] .main-svg").first).to_be_visible()
    screenshot(page, f"reports-{kind}-03-abc")

    page.get_by_role("link", name="Rankings").click()
    expect(page.locator("[data-testid=vip-customers] tbody tr")).to_have_count(3)
    screenshot(page, f"reports-{kind}-04-rankings")

    if not TEST_REDIS_URL:  # no worker serves the live server's queue in that run
        page.locator("[data-testid=export-csv]").click()
        expect(page.locator("[data-testid=export-download]")).to_be_visible()
        screenshot(page, f"reports-{kind}-05-export")
    assert_no_console_errors(page)
