"""What a demanding user notices in a browser review: the admin's menu on a laptop, the
keyboard focus at the checkout after each htmx answer."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import assert_no_console_errors, screenshot

pytestmark = pytest.mark.e2e


def _sign_in(page, account) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(account.email)
    page.locator("input[name=password]").fill(account.password)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(re.compile(r"/$"))


@pytest.mark.parametrize("width", [1366, 1024])
def test_the_admin_menu_stays_on_one_line_on_a_laptop(new_page, make_tenant, width):
    from playwright.sync_api import expect

    admin = make_tenant(f"Loja Menu {width}")
    page = new_page("desktop", viewport={"width": width, "height": 800})
    _sign_in(page, admin)
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
