"""What a demanding user notices in a browser review: the admin's menu on a laptop, the
keyboard focus at the checkout after each htmx answer."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.catalog.factories import make_product
from tests.conftest import in_tenant
from tests.customers.conftest import ADDRESS, CPF_DIGITS, customer_data
from tests.e2e.conftest import assert_no_console_errors, screenshot, sign_in
from webapp.customers import services as customers
from webapp.identity.models import Role

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1366, 1024])
def test_the_admin_menu_stays_on_one_line_on_a_laptop(new_page, make_tenant, width):
    from playwright.sync_api import expect

    admin = make_tenant(f"Loja Menu {width}")
    page = new_page("desktop", viewport={"width": width, "height": 800})
    sign_in(page, admin)
    page.goto("/reports")
    links = page.locator("#main-nav .navbar-nav .nav-link")
    expect(links).to_have_count(9)  # an admin sees every module
    heights = {round(box["height"]) for box in (link.bounding_box() for link in links.all())}
    brand = page.locator(".navbar-brand").bounding_box()
    # Icon above label (two lines) made each link about 64 px tall and the bar 81 px.
    assert len(heights) == 1 and heights.pop() <= brand["height"] + 4, heights
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The user menu is still named for screen readers when the name is tucked away.
    user_menu = page.locator("[data-testid=user-menu]")
    expect(user_menu).to_have_accessible_name(re.compile("Admin Teste"))
    active = page.locator("#main-nav .nav-link.active")
    expect(active).to_have_text("Relatórios")
    expect(active).to_have_attribute("aria-current", "page")
    screenshot(page, f"ui-review-menu-{width}", full_page=False)
    assert_no_console_errors(page)


def _focused(page) -> str:
    """What a screen reader would say has the focus: the control's id or its aria-label."""
    return page.evaluate(
        "(() => { const el = document.activeElement;"
        " return el.id || el.getAttribute('aria-label') || el.tagName; })()"
    )


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_checkout_keeps_the_keyboard_focus_across_cart_answers(
    app, new_page, make_tenant, make_user, kind
):
    from playwright.sync_api import expect

    admin = make_tenant(f"Loja Teclado {kind}")
    seller = make_user(admin.tenant_id, Role.SELLER)
    with in_tenant(app, admin.tenant_id):
        customer = customers.create_customer(admin.id, customer_data())
        customers.add_address(admin.id, customer.id, ADDRESS)
        make_product(
            admin.id,
            sku="CAFE-500",
            ean="7891000100103",
            name="Café torrado 500 g",
            sale_price=Decimal("19.90"),
            min_price=Decimal("18.00"),
            max_price=Decimal("22.00"),
            stock_qty=12,
        )
    page = new_page(kind)
    sign_in(page, seller)
    page.goto("/checkout")

    # Customer by CPF, picked with the keyboard: the next step (the scan box) has the focus.
    page.locator("#customer-q").fill(CPF_DIGITS)
    pick = page.locator("[data-testid=customer-picks] button").first
    expect(pick).to_be_visible()
    pick.focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=cart-customer]")).to_be_visible()
    expect(page.locator("#scan-code")).to_be_focused()

    page.keyboard.type("7891000100103")
    page.keyboard.press("Enter")
    line = page.locator("[data-testid=line]")
    expect(line).to_have_attribute("data-qty", "1")

    # "+" pressed twice from the keyboard: the lines are redrawn, the focus stays on "+".
    inc = page.locator("[data-testid=inc]")
    inc.focus()
    page.keyboard.press("Enter")
    expect(line).to_have_attribute("data-qty", "2")
    assert _focused(page) == "Aumentar quantidade de Café torrado 500 g"
    page.keyboard.press("Enter")
    expect(line).to_have_attribute("data-qty", "3")
    assert _focused(page) == "Aumentar quantidade de Café torrado 500 g"

    # A typed quantity, then Tab to the price: the focus lands on the price, not on <body>.
    qty = page.locator("[data-testid=qty]")
    qty.fill("4")
    qty.press("Tab")  # next stop: "+"
    page.keyboard.press("Tab")  # then the price, while the answer for the quantity comes in
    expect(line).to_have_attribute("data-qty", "4")
    expect(page.locator("[data-testid=price]")).to_be_focused()
    screenshot(page, f"ui-review-checkout-focus-{kind}", full_page=False)

    # Removing the only line sends the focus back to the scan box; "Trocar" to the CPF box.
    page.locator("[data-testid=remove]").focus()
    page.keyboard.press("Enter")
    expect(line).to_have_count(0)
    expect(page.locator("#scan-code")).to_be_focused()
    page.locator("[data-testid=change-customer]").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#customer-q")).to_be_focused()
    assert_no_console_errors(page)


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_search_as_you_type_is_announced_to_screen_readers(app, new_page, make_tenant, kind):
    from playwright.sync_api import expect

    admin = make_tenant(f"Loja Leitor {kind}")
    with in_tenant(app, admin.tenant_id):
        customers.create_customer(admin.id, customer_data(name="Joana Prado Vilela"))
    page = new_page(kind)
    sign_in(page, admin)
    page.goto("/customers")
    status = page.locator("#live-status")
    expect(status).to_have_attribute("role", "status")
    page.locator("#customer-search").fill("Joana")
    expect(page.locator("[data-testid=customer-table]")).to_contain_text("Joana Prado Vilela")
    expect(status).to_have_text("1 cliente encontrado")
    page.locator("#customer-search").fill("Zuleica")
    expect(status).to_have_text("Nenhum cliente encontrado")
    # The live region is the page's own, outside the list that htmx replaces.
    assert page.locator("#customer-list #live-status").count() == 0
    assert_no_console_errors(page)


PLACEHOLDER_FITS = """el => {
  const style = getComputedStyle(el);
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = style.font;
  const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return ctx.measureText(el.placeholder).width <= room;
}"""


def test_checkout_boxes_show_their_whole_hint_on_a_phone(new_page, make_tenant, make_user):
    admin = make_tenant("Loja Dicas")
    seller = make_user(admin.tenant_id, Role.SELLER)
    page = new_page("phone")
    sign_in(page, seller)
    page.goto("/checkout")
    # "000.000.000-00 ou Ma" and "Leia ou digite e t": the hints were cut at 390 px.
    for box in ("#customer-q", "#scan-code"):
        assert page.locator(box).evaluate(PLACEHOLDER_FITS), box
    screenshot(page, "ui-review-checkout-hints-phone", full_page=False)
    assert_no_console_errors(page)
