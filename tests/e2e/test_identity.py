"""Identity in a real browser: an admin creates a seller, the seller signs in and is kept out
of admin pages (403 page); and Plotly + htmx run under the app's strict CSP."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import (
    assert_no_console_errors,
    console_errors,
    open_phone_menu,
    screenshot,
)

pytestmark = pytest.mark.e2e


def _open_menu_on_phone(page, kind: str) -> None:
    if kind == "phone":
        open_phone_menu(page)


def _sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Entrar").click()


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_admin_creates_seller_who_cannot_open_admin_pages(new_page, live_server, make_tenant, kind):
    from playwright.sync_api import expect

    admin = make_tenant("Loja Identidade E2E")
    page = new_page(kind)
    _sign_in(page, admin.email, admin.password)
    expect(page.locator("main h1")).to_have_text(re.compile(r"^Olá"))

    _open_menu_on_phone(page, kind)
    page.locator("#main-nav").get_by_role("link", name="Usuários", exact=True).click()
    expect(page.locator("main h1")).to_have_text("Usuários")
    page.get_by_role("link", name="Novo usuário").click()
    expect(page.locator("main h1")).to_have_text("Novo usuário")

    # A mistake first: the form comes back with the messages (422 swapped by htmx boost).
    page.locator("input[name=name]").fill("Sara Vendedora")
    page.locator("input[name=email]").fill(f"sara-{kind}@loja.com.br")
    page.locator("input[name=password]").fill("senha-da-sara")
    page.locator("input[name=confirm]").fill("outra-coisa")
    page.get_by_role("button", name="Criar usuário").click()
    expect(page.locator("#confirm-feedback")).to_have_text("As senhas não conferem.")
    # The submit button that had the focus is gone: the field to fix has it now.
    expect(page.locator("input[name=confirm]")).to_be_focused()
    screenshot(page, f"identity-{kind}-01-new-user-error")

    page.locator("input[name=password]").fill("senha-da-sara")
    page.locator("input[name=confirm]").fill("senha-da-sara")
    page.get_by_role("button", name="Criar usuário").click()
    expect(page.locator("main h1")).to_have_text("Usuários")
    row = page.locator("tr", has_text="Sara Vendedora")
    expect(row).to_contain_text("Vendedor")
    expect(
        page.locator("#toasts .toast", has_text="Usuário Sara Vendedora criado.")
    ).to_be_visible()
    screenshot(page, f"identity-{kind}-02-users")

    row.get_by_role("link", name=re.compile("Gerenciar")).click()
    expect(page.locator("main h1")).to_have_text("Sara Vendedora")
    screenshot(page, f"identity-{kind}-03-user-edit")

    page.goto("/settings")
    expect(page.get_by_test_id("tenant-name")).to_have_text("Loja Identidade E2E")
    screenshot(page, f"identity-{kind}-04-settings")
    # The deliberate 422 above is logged by the browser; nothing else may be (no CSP errors).
    unexpected = [e for e in console_errors(page) if "status of 422" not in e]
    assert not unexpected, unexpected

    # The seller, in another browser.
    seller = new_page(kind)
    _sign_in(seller, f"sara-{kind}@loja.com.br", "senha-da-sara")
    expect(seller.locator("main h1")).to_have_text("Olá, Sara!")
    _open_menu_on_phone(seller, kind)
    expect(seller.locator("#main-nav").get_by_role("link", name="Usuários")).to_have_count(0)
    for path in ("/users", "/users/new", "/settings"):
        response = seller.goto(path)
        assert response.status == 403, path
        expect(seller.locator("h1")).to_have_text("Acesso negado")
    screenshot(seller, f"identity-{kind}-05-seller-403")
    seller.goto("/profile")
    expect(seller.locator("main h1")).to_have_text("Meu perfil")
    screenshot(seller, f"identity-{kind}-06-profile")
    # 403 page loads are "errors" for the browser console; nothing else may be.
    assert all("403" in e for e in console_errors(seller)), console_errors(seller)


PROBE = """<!doctype html><html><head>
<link id="plotly.js-style-global" class="no-inline-styles" rel="stylesheet"
      href="/static/vendor/plotly-basic-3.3.0/plotly.css">
<script src="/static/vendor/plotly-basic-3.3.0/plotly-basic.min.js"></script>
<meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false}'>
<script src="/static/vendor/htmx-2.0.8/htmx.min.js"></script>
<script src="/__probe.js"></script>
</head><body>
<div id="chart"></div>
<button id="load" hx-get="/health" hx-target="#out">carregar</button><div id="out"></div>
</body></html>"""

PROBE_JS = """document.addEventListener("DOMContentLoaded", function () {
  Plotly.newPlot("chart", [{type: "bar", x: ["a", "b", "c"], y: [3, 1, 2]}],
                 {width: 500, height: 300}, {displayModeBar: false})
    .then(function () { document.body.dataset.plotted = "yes"; });
});"""


def test_plotly_and_htmx_run_under_the_csp(new_page, live_server):
    """A probe page served with the app's own CSP header (taken from a real response)."""
    from playwright.sync_api import expect

    page = new_page("desktop")
    csp = page.request.get(live_server + "/health").headers["content-security-policy"]
    assert "unsafe" not in csp

    def fulfill(route, body, content_type):
        route.fulfill(
            body=body, content_type=content_type, headers={"Content-Security-Policy": csp}
        )

    page.route(live_server + "/__probe", lambda r: fulfill(r, PROBE, "text/html"))
    page.route(live_server + "/__probe.js", lambda r: fulfill(r, PROBE_JS, "text/javascript"))
    page.goto("/__probe")
    expect(page.locator("body")).to_have_attribute("data-plotted", "yes")
    expect(page.locator("#chart .main-svg").first).to_be_visible()
    expect(page.locator("#chart .bars path")).to_have_count(3)
    # Plotly found its stylesheet and injected no <style> element.
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    position = page.evaluate(
        "getComputedStyle(document.querySelector('#chart .main-svg')).position"
    )
    assert position == "absolute"  # a rule from plotly.css applied
    page.locator("#load").click()
    expect(page.locator("#out")).to_contain_text("ok")
    screenshot(page, "identity-plotly-csp-probe")
    assert_no_console_errors(page)
