"""The checkout in a real browser: a scanner-style EAN entry (13 digits + Enter), customer by
typed CPF, summary dialog, order page; a second seller's product list sees the stock badge
drop within 2 s of the sale (live stock polling with ETag)."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest

from tests.catalog.factories import make_product
from tests.conftest import in_tenant
from tests.customers.conftest import ADDRESS, customer_data
from tests.e2e.conftest import console_errors, screenshot, sign_in
from webapp.customers import services as customers
from webapp.identity.models import Role

pytestmark = pytest.mark.e2e
EAN = "7891000100103"


def assert_no_console_errors(page) -> None:
    """No console errors except the browser's own line for the 4xx answers this test provokes
    on purpose (unknown code, price out of range, bad quantity, stock gone at confirm: htmx
    swaps those fragments)."""
    provoked = re.compile(r"status of (422|409) .*/checkout/(scan|confirm|lines/\d+/(price|qty))")
    errors = [e for e in console_errors(page) if not provoked.search(e)]
    assert not errors, "browser reported errors:\n" + "\n".join(errors)


def _shop(app, admin):
    with in_tenant(app, admin.tenant_id):
        customer = customers.create_customer(admin.id, customer_data())
        customers.add_address(admin.id, customer.id, ADDRESS)
        product_id = make_product(
            admin.id,
            sku="CAFE-500",
            ean=EAN,
            name="Café torrado e moído 500 g",
            sale_price=Decimal("19.90"),
            min_price=Decimal("18.00"),
            max_price=Decimal("22.00"),
            stock_qty=12,
        )
        make_product(admin.id, sku="ACUCAR-1", name="Açúcar refinado 1 kg", stock_qty=40)
    return product_id


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_scanner_checkout_and_live_stock_in_another_browser(
    app, new_page, make_tenant, make_user, kind
):
    from playwright.sync_api import expect

    admin = make_tenant(f"Loja Caixa {kind}")
    seller = make_user(admin.tenant_id, Role.SELLER)
    other = make_user(admin.tenant_id, Role.SELLER)
    product_id = _shop(app, admin)

    watcher = new_page("desktop")  # another seller with the product list open
    sign_in(watcher, other)
    watcher.goto("/products")
    expect(watcher.locator(f"#stock-{product_id}")).to_have_attribute("data-stock", "12")

    page = new_page(kind)
    sign_in(page, seller)
    page.goto("/checkout")
    expect(page.locator("#scan-code")).to_be_focused()
    screenshot(page, f"checkout-{kind}-01-empty")

    # Customer by CPF typed without mask; the pick brings the default shipping address.
    page.locator("#customer-q").fill("52998224725")
    page.locator("[data-testid=customer-picks] button").first.click()
    expect(page.locator("[data-testid=cart-customer]")).to_contain_text("Maria da Silva")
    expect(page.locator(".address-pick input:checked")).to_have_count(1)

    # A scanner is a keyboard: 13 digits + Enter, twice; the box is cleared and keeps focus.
    scan = page.locator("#scan-code")
    scan.click()
    page.keyboard.type(EAN)
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=line]")).to_have_count(1)
    expect(scan).to_have_value("")
    expect(scan).to_be_focused()
    page.keyboard.type(EAN)
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=line]")).to_have_attribute("data-qty", "2")
    expect(page.locator("[data-testid=total]")).to_contain_text("R$ 39,80")

    # Unknown code: a clear message, nothing added.
    page.keyboard.type("7890000000000")
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=scan-feedback]")).to_contain_text("Nenhum produto")
    expect(page.locator("[data-testid=line]")).to_have_count(1)

    # Names search: letters show picks; a pick adds the product.
    scan.fill("")
    page.keyboard.type("açúcar")
    page.locator("[data-testid=product-picks] button").first.click()
    expect(page.locator("[data-testid=line]")).to_have_count(2)
    page.locator("[data-testid=line]").nth(1).locator("[data-testid=remove]").click()
    expect(page.locator("[data-testid=line]")).to_have_count(1)

    # Negotiated price outside [min, max]: inline error on the line; then a valid one.
    price = page.locator("[data-testid=line] [data-testid=price]")
    price.fill("15,00")
    price.press("Tab")
    expect(page.locator("[data-testid=line] [data-error=price]")).to_contain_text("fora da faixa")
    screenshot(page, f"checkout-{kind}-02-price-error")
    page.locator("[data-testid=line] [data-testid=price]").fill("19,00")
    page.locator("[data-testid=line] [data-testid=price]").press("Tab")
    expect(page.locator("[data-testid=total]")).to_contain_text("R$ 38,00")
    page.locator("[data-testid=pay-cash]").click()
    expect(page.locator("#pay-cash")).to_be_checked()
    screenshot(page, f"checkout-{kind}-03-cart")

    page.locator("[data-testid=finish]").click()
    dialog = page.locator("#checkout-dialog")
    expect(dialog.locator("[data-testid=review-due]")).to_contain_text("R$ 38,00")
    screenshot(page, f"checkout-{kind}-04-review", full_page=False)
    page.locator("[data-testid=confirm]").click()
    confirmed_at = time.monotonic()
    expect(page.locator("[data-testid=order-created]")).to_be_visible()
    expect(page.locator("[data-testid=order-totals]")).to_contain_text("R$ 38,00")

    # The other seller's product list shows the new quantity within 2 s, without reload.
    expect(watcher.locator(f"#stock-{product_id}")).to_have_attribute(
        "data-stock", "10", timeout=2000
    )
    elapsed = time.monotonic() - confirmed_at
    assert elapsed < 2.0, f"badge took {elapsed:.2f}s"
    screenshot(page, f"checkout-{kind}-05-order")
    screenshot(watcher, f"checkout-{kind}-06-watcher-products", full_page=False)

    page.locator("[data-testid=new-sale]").click()
    expect(page.locator(".cart-empty")).to_be_visible()
    assert_no_console_errors(page)
    assert_no_console_errors(watcher)


def test_checkout_badge_drops_for_a_second_open_checkout(app, new_page, make_tenant, make_user):
    """Two sellers at two checkouts with the same product: the second sees the sale."""
    from playwright.sync_api import expect

    admin = make_tenant("Loja Dois Caixas")
    first, second = make_user(admin.tenant_id, Role.SELLER), make_user(admin.tenant_id, Role.SELLER)
    product_id = _shop(app, admin)
    pages = []
    for account in (first, second):
        page = new_page("desktop")
        sign_in(page, account)
        page.goto("/checkout")
        page.locator("#scan-code").click()
        page.keyboard.type(EAN)
        page.keyboard.press("Enter")
        expect(page.locator(f"#stock-{product_id}")).to_have_attribute("data-stock", "12")
        pages.append(page)
    seller_page, watcher = pages
    seller_page.locator("#customer-q").fill("529.982.247-25")
    seller_page.locator("[data-testid=customer-picks] button").first.click()
    qty = seller_page.locator("[data-testid=qty]")
    qty.fill("12")
    qty.press("Tab")
    expect(seller_page.locator("[data-testid=line]")).to_have_attribute("data-qty", "12")
    seller_page.locator("[data-testid=finish]").click()
    seller_page.locator("[data-testid=confirm]").click()
    expect(seller_page.locator("[data-testid=order-created]")).to_be_visible()
    badge = watcher.locator(f"#stock-{product_id}")
    expect(badge).to_have_attribute("data-stock", "0", timeout=2000)
    expect(watcher.locator("[data-testid=line]")).to_have_class(re.compile("over-stock"))
    screenshot(watcher, "checkout-desktop-07-other-checkout-out-of-stock", full_page=False)
    assert_no_console_errors(watcher)


# The desktop checks of the checkout run at a common laptop width.
LAPTOP = {"viewport": {"width": 1366, "height": 900}}


def _cart_with_one_line(app, new_page, make_tenant, make_user, kind, shop_name):
    """A seller's checkout with the coffee scanned once; returns (page, shop admin)."""
    from playwright.sync_api import expect

    admin = make_tenant(shop_name)
    seller = make_user(admin.tenant_id, Role.SELLER)
    _shop(app, admin)
    page = new_page(kind, **(LAPTOP if kind == "desktop" else {}))
    sign_in(page, seller)
    page.goto("/checkout")
    page.locator("#scan-code").click()
    page.keyboard.type(EAN)
    page.keyboard.press("Enter")
    # The scan's answer puts the focus back in the scan box (checkout.js): text the test
    # types next into another field would land there if the answer came in between.
    expect(page.locator("[data-testid=line]")).to_have_count(1)
    return page, admin


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_typed_qty_that_is_not_a_whole_number_gets_the_servers_message(
    app, new_page, make_tenant, make_user, kind
):
    from playwright.sync_api import expect

    page, _ = _cart_with_one_line(app, new_page, make_tenant, make_user, kind, f"Loja Qtd {kind}")
    line = page.locator("[data-testid=line]")
    expect(line).to_have_attribute("data-qty", "1")
    for typed, message in [("2.5", "Informe uma quantidade inteira."), ("0", "mínima é 1")]:
        page.locator("[data-testid=qty]").fill(typed)
        page.locator("[data-testid=qty]").press("Tab")
        expect(line.locator("[data-error=qty]")).to_contain_text(message)
        expect(page.locator("[data-testid=qty]")).to_have_value("1")  # what the cart holds
        expect(page.locator("[data-testid=total]")).to_contain_text("R$ 19,90")
    screenshot(page, f"checkout-{kind}-08-qty-not-whole")
    page.locator("[data-testid=qty]").fill("3")
    page.locator("[data-testid=qty]").press("Enter")
    expect(line).to_have_attribute("data-qty", "3")
    expect(line.locator("[data-error=qty]")).to_have_text("")  # the old message is gone
    expect(page.locator("[data-testid=total]")).to_contain_text("R$ 59,70")
    assert_no_console_errors(page)


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_refused_new_address_keeps_what_was_typed(app, new_page, make_tenant, make_user, kind):
    from playwright.sync_api import expect

    admin = make_tenant(f"Loja Endereço {kind}")
    seller = make_user(admin.tenant_id, Role.SELLER)
    _shop(app, admin)
    page = new_page(kind)
    sign_in(page, seller)
    page.goto("/checkout")
    page.locator("#customer-q").fill("52998224725")
    page.locator("[data-testid=customer-picks] button").first.click()
    page.get_by_text("+ Novo endereço de entrega").click()
    typed = {
        "zip": "01310-100",
        "street": "Av. Paulista",
        "number": "1000",
        "complement": "Apto 12",
        "district": "Bela Vista",
        "city": "São Paulo",
        "state": "XX",
    }
    form = page.locator("[data-testid=address-form]")
    for name, value in typed.items():
        form.locator(f"#addr-{name}").fill(value)
    form.get_by_role("button", name="Salvar endereço").click()
    message = form.locator("#addr-state-error")
    expect(message).to_have_text("UF inválida: use a sigla do estado (ex.: SP).")
    for name, value in typed.items():
        expect(form.locator(f"#addr-{name}")).to_have_value(value)
    expect(form.locator(".is-invalid")).to_have_count(1)
    # Readable: a line holds at least "UF inválida:" (the old one-column UF broke words).
    assert message.bounding_box()["width"] >= 120
    screenshot(page, f"checkout-{kind}-09-address-refused")
    form.locator("#addr-state").fill("sp")
    form.get_by_role("button", name="Salvar endereço").click()
    expect(page.locator(".address-pick", has_text="Av. Paulista, 1000")).to_have_count(1)
    expect(page.locator(".address-pick input:checked")).to_have_count(1)
    assert page.locator(".address-pick:has(input:checked)").inner_text().startswith("Av. Paulista")


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_second_tab_learns_the_sale_was_finished_in_the_first(
    app, new_page, make_tenant, make_user, kind
):
    from playwright.sync_api import expect

    first, _ = _cart_with_one_line(app, new_page, make_tenant, make_user, kind, f"Loja Abas {kind}")
    first.locator("#customer-q").fill("52998224725")
    first.locator("[data-testid=customer-picks] button").first.click()
    expect(first.locator("[data-testid=cart-customer]")).to_contain_text("Maria da Silva")
    second = first.context.new_page()  # same seller, same sale, another tab
    second.goto("/checkout")
    expect(second.locator("[data-testid=cart-customer]")).to_contain_text("Maria da Silva")

    first.locator("[data-testid=finish]").click()
    first.locator("[data-testid=confirm]").click()
    expect(first.locator("[data-testid=order-created]")).to_be_visible()
    order_id = re.search(r"/orders/(\d+)", first.url).group(1)

    second.locator("#scan-code").fill("ACUCAR-1")
    second.locator("#scan-code").press("Enter")
    expect(second.locator("[data-testid=cart-warning]")).to_have_text(
        f"A venda anterior já foi finalizada em outra aba (pedido #{order_id})."
    )
    expect(second.locator("[data-testid=cart-customer]")).to_have_count(0)
    expect(second.locator("#customer-q")).to_be_visible()
    expect(second.locator("[data-testid=line]")).to_have_count(1)
    expect(second.locator("[data-testid=line]")).to_contain_text("Açúcar refinado 1 kg")
    expect(second.locator("[data-testid=summary]")).to_contain_text("Escolha o cliente")
    screenshot(second, f"checkout-{kind}-10-other-tab-finished", full_page=False)
    assert_no_console_errors(second)


def _text_fits(locator) -> bool:
    """The box shows its whole value (nothing scrolled out of sight)."""
    return locator.evaluate("el => el.scrollWidth <= el.clientWidth")


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_big_quantities_fit_and_a_stock_shortfall_at_confirm_reads_once(
    app, new_page, make_tenant, make_user, kind
):
    from playwright.sync_api import expect

    from webapp.catalog import services as catalog

    page, admin = _cart_with_one_line(
        app, new_page, make_tenant, make_user, kind, f"Loja Estoque {kind}"
    )
    line = page.locator("[data-testid=line]")
    page.locator("[data-testid=qty]").fill("9999")
    page.locator("[data-testid=qty]").press("Tab")
    expect(line).to_have_attribute("data-qty", "9999")
    assert _text_fits(page.locator("[data-testid=qty]"))
    screenshot(page, f"checkout-{kind}-11-qty-9999", full_page=False)

    page.locator("#customer-q").fill("52998224725")
    page.locator("[data-testid=customer-picks] button").first.click()
    page.locator("[data-testid=qty]").fill("12")  # all the stock
    page.locator("[data-testid=qty]").press("Tab")
    expect(line).to_have_attribute("data-qty", "12")
    page.locator("[data-testid=finish]").click()
    expect(page.locator("[data-testid=confirm]")).to_be_enabled()
    product_id = int(line.get_attribute("data-product-id"))
    with in_tenant(app, admin.tenant_id):  # the counter sells 2 while the dialog is open
        catalog.adjust_stock(product_id, "out", 2, "Venda no balcão", actor=admin.id)
    page.locator("[data-testid=confirm]").click()
    expect(line.locator("[data-testid=over-stock]")).to_have_text(
        "Estoque insuficiente do produto CAFE-500: disponível 10."
    )
    assert line.inner_text().count("Estoque insuficiente") == 1
    assert _text_fits(page.locator("[data-testid=qty]"))
    # The message wraps in its own column; the name keeps room for whole words.
    name_width = line.locator(".cart-line-name").bounding_box()["width"]
    assert name_width >= (180 if kind == "desktop" else 300), name_width
    screenshot(page, f"checkout-{kind}-12-stock-short-at-confirm", full_page=False)
    assert_no_console_errors(page)


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_wallet_that_cannot_pay_it_all_says_so_and_offers_no_confirm(
    app, new_page, make_tenant, make_user, kind
):
    from playwright.sync_api import expect

    from webapp.extensions import db
    from webapp.identity.models import User
    from webapp.wallet import services as wallet

    page, admin = _cart_with_one_line(
        app, new_page, make_tenant, make_user, kind, f"Loja Carteira {kind}"
    )
    with in_tenant(app, admin.tenant_id):
        customer_id = customers.lookup_by_document("52998224725").id
        manager = db.session.get(User, admin.id)
        wallet.manual_adjustment(manager, customer_id, Decimal("15.00"), "Brinde", "gift-e2e")
    page.locator("#customer-q").fill("52998224725")
    page.locator("[data-testid=customer-picks] button").first.click()
    expect(page.locator("[data-testid=wallet-balance]")).to_have_text("R$ 15,00")
    page.locator("[data-testid=wallet-all]").click()
    expect(page.locator("[data-testid=wallet-used]")).to_contain_text("R$ 15,00")
    page.locator("[data-testid=pay-wallet]").click()
    problem = page.locator("[data-testid=payment-problem]")
    expect(problem).to_have_text(
        "O saldo da carteira (R$ 15,00) não cobre o total (R$ 19,90): "
        "escolha outra forma de pagamento para o restante."
    )
    expect(page.locator("[data-testid=finish]")).to_have_attribute("aria-disabled", "true")
    screenshot(page, f"checkout-{kind}-13-wallet-short", full_page=False)

    page.locator("[data-testid=pay-pix]").click()  # the balance pays 15,00 and Pix the rest
    expect(problem).to_have_count(0)
    expect(page.locator("[data-testid=amount-due]")).to_contain_text("R$ 4,90")
    page.locator("[data-testid=finish]").click()
    expect(page.locator("[data-testid=confirm]")).to_be_enabled()
    assert_no_console_errors(page)


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_enter_on_a_whole_cpf_picks_the_customer(app, new_page, make_tenant, make_user, kind):
    """Typing lists the matches; Enter after a whole CPF takes its customer, no extra tap.
    Enter after a name only lists: several customers may share it."""
    from playwright.sync_api import expect

    admin = make_tenant(f"Loja CPF Enter {kind}")
    seller = make_user(admin.tenant_id, Role.SELLER)
    _shop(app, admin)
    page = new_page(kind)
    sign_in(page, seller)
    page.goto("/checkout")
    box = page.locator("#customer-q")
    box.fill("Maria")
    box.press("Enter")
    expect(page.locator("[data-testid=customer-picks]")).to_contain_text("Maria da Silva")
    expect(page.locator("[data-testid=cart-customer]")).to_have_count(0)

    box.fill("529.982.247-25")
    box.press("Enter")
    expect(page.locator("[data-testid=cart-customer]")).to_contain_text("Maria da Silva")
    expect(page.locator(".address-pick input:checked")).to_have_count(1)
    screenshot(page, f"checkout-{kind}-cpf-enter", full_page=False)
    assert_no_console_errors(page)


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_finish_in_a_stale_tab_says_the_sale_is_gone_instead_of_offering_another(
    app, new_page, make_tenant, make_user, kind
):
    """The review dialog of the second tab would have shown the seller's next sale under
    the first one's name: the screen is redrawn with the notice and no dialog opens."""
    from playwright.sync_api import expect

    first, _ = _cart_with_one_line(app, new_page, make_tenant, make_user, kind, f"Loja Rev {kind}")
    first.locator("#customer-q").fill("529.982.247-25")
    first.locator("#customer-q").press("Enter")
    expect(first.locator("[data-testid=cart-customer]")).to_contain_text("Maria da Silva")
    second = first.context.new_page()
    second.goto("/checkout")
    expect(second.locator("[data-testid=finish]")).not_to_have_attribute("aria-disabled", "true")

    first.locator("[data-testid=finish]").click()
    first.locator("[data-testid=confirm]").click()
    expect(first.locator("[data-testid=order-created]")).to_be_visible()
    order_id = re.search(r"/orders/(\d+)", first.url).group(1)

    second.locator("[data-testid=finish]").click()
    expect(second.locator("[data-testid=cart-warning]")).to_have_text(
        f"A venda anterior já foi finalizada em outra aba (pedido #{order_id})."
    )
    expect(second.locator("#checkout-dialog")).not_to_be_visible()
    expect(second.locator("[data-testid=line]")).to_have_count(0)
    assert_no_console_errors(second)
