"""Wallet tab in a real browser: an admin credits a customer's wallet in the dialog (a missing
reason first), sees the balance and the statement change, filters the period, and sees the
toast when a cashback arrives in the background."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.catalog.factories import make_product
from tests.conftest import TEST_REDIS_URL, in_tenant
from tests.core.test_uow import run_worker_burst
from tests.customers.conftest import ADDRESS, customer_data
from tests.e2e.conftest import console_errors, screenshot
from webapp.customers import services as customer_services
from webapp.extensions import db
from webapp.identity.models import User
from webapp.sales import services as sales
from webapp.wallet import services as wallet

pytestmark = pytest.mark.e2e


def _sign_in(page, admin) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(admin.email)
    page.locator("input[name=password]").fill(admin.password)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(re.compile(r"/$"))


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_admin_adjusts_a_wallet_and_filters_the_statement(app, new_page, make_tenant, kind):
    from playwright.sync_api import expect

    admin = make_tenant(f"Loja Carteira {kind}")
    with in_tenant(app, admin.tenant_id):
        customer_id = customer_services.create_customer(
            admin.id, customer_data(name="Joana Pereira")
        ).id
        opener = db.session.get(User, admin.id)
        wallet.manual_adjustment(opener, customer_id, Decimal("20.00"), "Saldo inicial", "e2e-1")
    page = new_page(kind)
    _sign_in(page, admin)

    page.goto(f"/customers/{customer_id}?tab=wallet")
    balance = page.get_by_test_id("wallet-balance")
    expect(balance).to_have_text("R$ 20,00")
    lines = page.get_by_test_id("wallet-line")
    expect(lines).to_have_count(1)
    screenshot(page, f"wallet-{kind}-01-tab")

    page.get_by_test_id("wallet-adjust").click()
    dialog = page.locator("#wallet-modal")
    expect(dialog).to_be_visible()
    dialog.locator("#amount").fill("35,50")
    dialog.get_by_role("button", name="Registrar ajuste").click()
    expect(dialog.locator("#reason-feedback")).to_have_text("Informe o motivo do ajuste.")
    dialog.locator("#reason").fill("Bônus de fidelidade")
    screenshot(page, f"wallet-{kind}-02-dialog", full_page=False)
    dialog.get_by_role("button", name="Registrar ajuste").click()
    expect(dialog).to_be_hidden()
    expect(balance).to_have_text("R$ 55,50")
    expect(lines).to_have_count(2)
    first = lines.first
    expect(first).to_contain_text("Ajuste manual")
    expect(first).to_contain_text("Bônus de fidelidade")
    expect(first.get_by_test_id("wallet-line-amount")).to_have_text("+R$ 35,50")
    expect(first).to_contain_text("R$ 55,50")
    expect(page.locator("#toasts")).to_contain_text("Crédito de R$ 35,50 registrado")
    screenshot(page, f"wallet-{kind}-03-after-adjustment")

    # A period with nothing in it, then today's period.
    long_ago = date.today() - timedelta(days=400)
    page.locator("#wallet-from").fill(long_ago.isoformat())
    page.locator("#wallet-to").fill((long_ago + timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Filtrar").click()
    expect(page.get_by_text("Nenhum lançamento no período")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"from={long_ago.isoformat()}"))
    page.locator("#wallet-from").fill((date.today() - timedelta(days=1)).isoformat())
    page.locator("#wallet-to").fill((date.today() + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Filtrar").click()
    expect(lines).to_have_count(2)
    expect(page.get_by_test_id("wallet-count")).to_have_text(re.compile("2 lançamentos no período"))
    csv_link = page.get_by_test_id("wallet-csv")
    expect(csv_link).to_have_attribute("href", re.compile(r"statement\.csv\?from="))
    screenshot(page, f"wallet-{kind}-04-filtered")

    # The cashback job credits in the background: the open tab notices within a poll.
    with in_tenant(app, admin.tenant_id):
        _pay_an_order(admin, customer_id, Decimal("60.00"))  # 5% cashback = R$ 3,00
    if TEST_REDIS_URL:
        run_worker_burst(app)  # with Redis the cashback job waits in the queue for a worker
    toast = page.locator("#toasts .toast", has_text="Cashback de R$ 3,00 creditado")
    expect(toast).to_be_visible(timeout=12_000)
    expect(balance).to_have_text("R$ 58,50")
    expect(lines).to_have_count(3)
    screenshot(page, f"wallet-{kind}-05-cashback-toast", full_page=False)
    _assert_only_the_expected_422(page)


def _pay_an_order(admin, customer_id: int, price: Decimal) -> None:
    """A real sale marked paid: its cashback job is what the open wallet tab must notice."""
    actor = db.session.get(User, admin.id)
    address = customer_services.add_address(admin.id, customer_id, ADDRESS)
    product_id = make_product(
        admin.id, stock_qty=1, sale_price=price, min_price=price, max_price=price
    )
    order = sales.checkout(
        actor,
        customer_id=customer_id,
        shipping_address_id=address.id,
        items=[sales.CheckoutItem(product_id, 1)],
        payment_method="pix",
        idempotency_key="e2e-cashback",
    )
    sales.transition(actor, order.id, "paid")


def _assert_only_the_expected_422(page) -> None:
    """No browser errors except the one the test provoked: the dialog posted without a reason
    answers 422 with the form (chromium logs every 4xx as a failed resource)."""
    expected = re.compile(r"status of 422 .*/wallet/adjustments:0\)$")
    errors = console_errors(page)
    assert [e for e in errors if not expected.search(e)] == [], errors
    assert len(errors) == 1, errors


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_admin_sets_and_clears_a_category_cashback_rate(app, new_page, make_tenant, kind):
    from playwright.sync_api import expect

    from tests.catalog.factories import make_product

    admin = make_tenant(f"Loja Cashback {kind}")
    with in_tenant(app, admin.tenant_id):
        make_product(admin.id, category="Eletrônicos")
        make_product(admin.id, category="Mercearia")
    page = new_page(kind)
    _sign_in(page, admin)
    page.goto("/settings")
    page.get_by_test_id("cashback-categories-link").click()
    expect(page.locator("h1")).to_have_text("Cashback por categoria")
    row = page.get_by_test_id("category-rate").filter(has_text="Eletrônicos")
    row.locator("input[name=rate]").fill("150")
    row.get_by_role("button", name="Salvar").click()
    expect(row.locator(".invalid-feedback")).to_have_text(
        "O percentual deve estar entre 0% e 100%."
    )
    row.locator("input[name=rate]").fill("12,5")
    row.get_by_role("button", name="Salvar").click()
    expect(row.get_by_test_id("category-rate-value")).to_have_text("12,50%")
    screenshot(page, f"wallet-{kind}-06-cashback-categories")
    row.get_by_role("button", name="Usar regra geral").click()
    expect(row).to_contain_text("Regra geral")
    errors = [e for e in console_errors(page) if "status of 422" not in e]
    assert errors == []
