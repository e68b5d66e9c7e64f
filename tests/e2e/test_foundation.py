"""Foundation in a real browser: sign in, theme toggle, sign out, on desktop and phone."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import assert_no_console_errors, open_phone_menu, screenshot

pytestmark = pytest.mark.e2e


def _login_url(base: str) -> re.Pattern[str]:
    return re.compile(re.escape(base) + r"/login(\?.*)?$")


def _open_menu_on_phone(page, kind: str) -> None:
    """On the phone the theme toggle and user menu live inside the collapsed navbar."""
    if kind == "phone":
        open_phone_menu(page)


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_sign_in_theme_and_sign_out(new_page, live_server, make_tenant, kind):
    from playwright.sync_api import expect

    admin = make_tenant("Loja Vitrine E2E")
    page = new_page(kind)
    html = page.locator("html")

    # Anonymous visitors are sent to the login page.
    page.goto("/")
    expect(page).to_have_url(_login_url(live_server))
    expect(page.locator("h1")).to_have_text("Vitrine")
    expect(html).to_have_attribute("data-bs-theme", "light")
    screenshot(page, f"{kind}-01-login")

    page.locator("input[name=email]").fill(admin.email)
    page.locator("input[name=password]").fill(admin.password)
    page.get_by_role("button", name="Entrar").click()

    # Home page.
    expect(page).to_have_url(live_server + "/")
    expect(page.locator("main h1")).to_have_text(re.compile(r"^Olá"))
    screenshot(page, f"{kind}-02-home-light")

    # Theme toggle flips <html data-bs-theme> ...
    _open_menu_on_phone(page, kind)
    if kind == "phone":
        screenshot(page, f"{kind}-03-menu-open-light")
    page.locator("#theme-toggle").click()
    expect(html).to_have_attribute("data-bs-theme", "dark")
    assert page.evaluate("localStorage.getItem('vitrine-theme')") == "dark"
    if kind == "phone":
        screenshot(page, f"{kind}-04-menu-open-dark")

    # ... and the choice survives a reload.
    page.reload()
    expect(page.locator("main h1")).to_have_text(re.compile(r"^Olá"))
    expect(html).to_have_attribute("data-bs-theme", "dark")
    screenshot(page, f"{kind}-05-home-dark")

    # Sign out through the user menu.
    _open_menu_on_phone(page, kind)
    page.locator("[data-testid=user-menu]").click()
    sign_out = page.get_by_role("button", name="Sair")
    expect(sign_out).to_be_visible()
    screenshot(page, f"{kind}-06-user-menu-dark")
    sign_out.click()

    expect(page).to_have_url(_login_url(live_server))
    toast = page.locator("#toasts .toast", has_text="Você saiu da Vitrine.")
    expect(toast).to_be_visible()
    # Bootstrap fades toasts in (opacity 0 while .showing): wait until it is really shown.
    expect(toast).to_have_class(re.compile(r"^(?!.*\bshowing\b).*\bshow\b"))
    expect(html).to_have_attribute("data-bs-theme", "dark")
    screenshot(page, f"{kind}-07-logged-out-dark")

    # The login page has its own toggle: back to light for a light logged-out shot.
    page.locator("#theme-toggle").click()
    expect(html).to_have_attribute("data-bs-theme", "light")
    screenshot(page, f"{kind}-08-logged-out-light")

    # The session is gone: the home page redirects to the login page again.
    page.goto("/")
    expect(page).to_have_url(_login_url(live_server))
    expect(page.locator("input[name=email]")).to_be_visible()

    assert_no_console_errors(page)
