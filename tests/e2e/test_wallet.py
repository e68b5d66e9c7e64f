"""Wallet tab in a real browser: an admin credits a customer's wallet in the dialog (a missing
reason first), sees the balance and the statement change, filters the period, and sees the
toast when a cashback arrives in the background; a seller pays part of a sale with the
customer's balance at the checkout, marks it paid, sees the cashback arrive on the wallet tab,
cancels it and sees the refund (issue 7)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.catalog.factories import make_product
from tests.conftest import TEST_REDIS_URL, in_tenant
from tests.core.test_uow import run_worker_burst
from tests.customers.conftest import ADDRESS, customer_data
from tests.e2e.conftest import console_errors, screenshot, sign_in
from webapp.customers import services as customer_services
from webapp.extensions import db
from webapp.identity.models import User
from webapp.sales import services as sales
from webapp.wallet import services as wallet

pytestmark = pytest.mark.e2e


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
    sign_in(page, admin)

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
    # The refusal replaced the button that had focus: the field to fix gets it, not <body>.
    expect(dialog.locator("#reason")).to_be_focused()
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
    sign_in(page, admin)
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


CAFE_EAN = "7891000100103"


def _checkout_shop(app, admin) -> int:
    """A customer with R$ 30,00 of balance and a R$ 100,00 product (5% cashback rule)."""
    with in_tenant(app, admin.tenant_id):
        customer = customer_services.create_customer(admin.id, customer_data(name="Joana Pereira"))
        customer_services.add_address(admin.id, customer.id, ADDRESS)
        make_product(
            admin.id,
            sku="CAFETEIRA-1",
            ean=CAFE_EAN,
            name="Cafeteira elétrica 30 xícaras",
            sale_price=Decimal("100.00"),
            min_price=Decimal("90.00"),
            max_price=Decimal("110.00"),
            stock_qty=5,
        )
        opener = db.session.get(User, admin.id)
        wallet.manual_adjustment(opener, customer.id, Decimal("30.00"), "Saldo inicial", "e2e-co")
        return customer.id


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_pay_part_with_balance_cashback_arrives_then_cancel_refunds(
    app, new_page, make_tenant, make_user, kind
):
    """Issue 7, browser: R$ 20,00 of a R$ 30,00 balance pays part of a R$ 100,00 sale; once
    paid, the R$ 4,00 cashback (5% of the R$ 80,00 paid with money) shows on the wallet tab;
    the cancel refunds the whole R$ 100,00 and takes the cashback back: R$ 10,00 + R$ 100,00."""
    from playwright.sync_api import expect

    from webapp.identity.models import Role

    admin = make_tenant(f"Loja Saldo {kind}")
    seller = make_user(admin.tenant_id, Role.SELLER)
    customer_id = _checkout_shop(app, admin)
    page = new_page(kind)
    sign_in(page, seller)

    # Checkout: customer by CPF, the product by its EAN, R$ 20,00 of the balance.
    page.goto("/checkout")
    page.locator("#customer-q").fill("52998224725")
    page.locator("[data-testid=customer-picks] button").first.click()
    expect(page.locator("[data-testid=cart-customer]")).to_contain_text("Joana Pereira")
    page.locator("#scan-code").click()
    page.keyboard.type(CAFE_EAN)
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=line]")).to_have_count(1)
    box = page.get_by_test_id("wallet-box")
    expect(box.get_by_test_id("wallet-balance")).to_have_text("R$ 30,00")
    expect(page.get_by_test_id("cashback")).to_have_text("R$ 5,00")  # all paid with money
    # More than the balance is clamped to it; then the seller settles on R$ 20,00.
    box.get_by_test_id("wallet-amount").fill("45,00")
    box.get_by_role("button", name="Aplicar").click()
    expect(page.get_by_test_id("wallet-used")).to_have_text("− R$ 30,00")
    box.get_by_test_id("wallet-amount").fill("20,00")
    box.get_by_role("button", name="Aplicar").click()
    expect(page.get_by_test_id("wallet-used")).to_have_text("− R$ 20,00")
    expect(page.get_by_test_id("amount-due")).to_have_text("R$ 80,00")
    expect(page.get_by_test_id("cashback")).to_have_text("R$ 4,00")
    page.get_by_test_id("pay-pix").click()
    expect(page.locator("#pay-pix")).to_be_checked()
    screenshot(page, f"wallet-{kind}-07-checkout-with-balance")

    page.get_by_test_id("finish").click()
    dialog = page.locator("#checkout-dialog")
    expect(dialog.get_by_test_id("review-due")).to_have_text("R$ 80,00")
    expect(dialog).to_contain_text("Saldo usado")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("order-created")).to_be_visible()
    totals = page.get_by_test_id("order-totals")
    expect(totals).to_contain_text("Pago com saldo")
    expect(totals).to_contain_text("− R$ 20,00")
    expect(page.get_by_test_id("order-due")).to_have_text("R$ 80,00")
    order_id = int(page.get_by_test_id("order-page").get_attribute("data-order-id"))

    # Mark it paid: the cashback job is queued (or, embedded, runs right after commit).
    page.get_by_test_id("action-paid").click()
    page.get_by_test_id("confirm-paid").click()
    expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", "paid")
    screenshot(page, f"wallet-{kind}-08-order-paid")

    # The customer's wallet tab, reached from the order page.
    page.get_by_test_id("order-page").get_by_role("link", name="Joana Pereira").click()
    page.get_by_test_id("tab-wallet").click()
    _assert_wallet_tab_in_view(page)
    balance = page.get_by_test_id("wallet-balance")
    lines = page.get_by_test_id("wallet-line")
    if TEST_REDIS_URL:
        # The job waits for a worker: the tab shows the purchase, and no cashback yet.
        expect(balance).to_have_text("R$ 10,00")
        expect(lines).to_have_count(2)
        run_worker_burst(app)
        # The open tab notices within a poll, with a toast.
        toast = page.locator("#toasts .toast", has_text="Cashback de R$ 4,00 creditado")
        expect(toast).to_be_visible(timeout=12_000)
    expect(balance).to_have_text("R$ 14,00")  # 30 - 20 + 4
    expect(lines).to_have_count(3)
    cashback_line = page.locator("[data-testid=wallet-line][data-kind=cashback_credit]")
    expect(cashback_line).to_have_count(1)
    expect(cashback_line.get_by_test_id("wallet-line-amount")).to_have_text("+R$ 4,00")
    expect(cashback_line).to_contain_text(f"#{order_id}")
    purchase = page.locator("[data-testid=wallet-line][data-kind=purchase_with_balance]")
    expect(purchase.get_by_test_id("wallet-line-amount")).to_have_text("-R$ 20,00")
    screenshot(page, f"wallet-{kind}-09-cashback-arrived")

    # Cancel from the order page (the statement links to it): estorno atômico.
    cashback_line.get_by_role("link", name=f"#{order_id}").click()
    expect(page.get_by_test_id("order-page")).to_be_visible()
    page.get_by_test_id("action-cancelled").click()
    page.get_by_test_id("cancel-reason").fill("Cliente desistiu da compra")
    page.get_by_test_id("confirm-cancelled").click()
    expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", "cancelled")
    screenshot(page, f"wallet-{kind}-10-order-cancelled")

    page.goto(f"/customers/{customer_id}?tab=wallet")
    _assert_wallet_tab_in_view(page)
    expect(balance).to_have_text("R$ 110,00")  # the 10 left + the whole 100 paid
    expect(lines).to_have_count(5)
    refund = page.locator("[data-testid=wallet-line][data-kind=refund]")
    expect(refund.get_by_test_id("wallet-line-amount")).to_have_text("+R$ 100,00")
    expect(refund).to_contain_text("Estorno do pedido")
    reversal = page.locator("[data-testid=wallet-line][data-kind=cashback_reversal]")
    expect(reversal.get_by_test_id("wallet-line-amount")).to_have_text("-R$ 4,00")
    expect(lines.first).to_contain_text("R$ 110,00")  # newest line's balance after
    screenshot(page, f"wallet-{kind}-11-refunded")
    if TEST_REDIS_URL:
        run_worker_burst(app)  # nothing queued may credit the cancelled order again
        page.reload()
        expect(balance).to_have_text("R$ 110,00")
    # On phones the statement is a list of cards whose labels come from data-label: a long
    # description may wrap anywhere, its "Descrição" label never ("Descriçã/o" at 390 px).
    breakable = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=wallet-line] td[data-label]')]
            .map(td => [td.dataset.label, getComputedStyle(td, '::before')])
            .filter(([, label]) => label.overflowWrap !== 'normal' || label.wordBreak !== 'normal')
            .map(([name]) => name)"""
    )
    assert breakable == []
    errors = console_errors(page)
    assert errors == [], errors


def _assert_wallet_tab_in_view(page) -> None:
    """The active "Carteira" tab lies inside the (sideways-scrolling) tab strip."""
    from playwright.sync_api import expect

    tab = page.get_by_test_id("tab-wallet")
    expect(tab).to_have_class(re.compile(r"\bactive\b"))
    page.wait_for_function(
        """() => {
            const tab = document.querySelector('[data-testid=tab-wallet]').getBoundingClientRect();
            const strip = document.querySelector('.customer-tabs').getBoundingClientRect();
            return tab.left >= strip.left - 1 && tab.right <= strip.right + 1;
        }""",
        timeout=3000,
    )
