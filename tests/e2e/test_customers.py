"""Customers in a real browser: register on a phone with two addresses, find her by CPF."""

from __future__ import annotations

import re

import pytest

from tests.conftest import in_tenant
from tests.e2e.conftest import console_errors, screenshot, sign_in
from webapp.customers.demo import seed_customers

pytestmark = pytest.mark.e2e


def _settle(page, action) -> None:
    """Do ``action`` and wait for the inline validation it triggers.

    Submitting while a field's validation is in flight aborts it on purpose (hx-sync abort),
    and htmx reports aborts on the console; a person is never that fast.
    """
    with page.expect_response(re.compile(r"/validate$")):
        action()


def _assert_no_errors_but_aborted_validation(page, aborted: list[str]) -> None:
    """Like assert_no_console_errors, tolerating one thing: a field's inline validation that
    was still pending when its saved form was swapped away. htmx aborts it (it is moot) and
    logs the abort as a console error; nothing else may appear."""
    assert all(re.search(r"/validate$", url) for url in aborted), aborted
    benign = {"htmx:sendAbort", "htmx:afterRequest"}
    errors = [e for e in console_errors(page) if e.split(": ", 1)[1].split(" ")[0] not in benign]
    assert not errors, errors


def _add_address(page, kind_button: str, zip_digits: str, street: str, number: str, uf: str):
    from playwright.sync_api import expect

    page.get_by_test_id(kind_button).click()
    form = page.get_by_test_id("address-form")
    expect(form).to_be_visible()
    form.locator("input[name=zip]").press_sequentially(zip_digits)
    expect(form.locator("input[name=zip]")).to_have_value(f"{zip_digits[:5]}-{zip_digits[5:]}")
    form.locator("input[name=street]").fill(street)
    form.locator("input[name=number]").fill(number)
    form.locator("input[name=district]").fill("Centro")
    form.locator("input[name=city]").fill("Campinas")
    _settle(page, lambda: form.locator("select[name=state]").select_option(uf))
    form.get_by_test_id("save-address").click()
    expect(page.get_by_test_id("address-form")).to_have_count(0)


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_register_with_two_addresses_and_find_by_cpf(app, new_page, tenant, make_user, kind):
    from playwright.sync_api import expect

    with in_tenant(app, tenant.tenant_id):
        seed_customers(tenant.tenant_id, 40, echo=lambda _m: None)
    seller = make_user(tenant.tenant_id)
    page = new_page(kind)
    aborted: list[str] = []
    page.on(
        "requestfailed",
        lambda r: aborted.append(r.url) if r.resource_type in ("xhr", "fetch") else None,
    )
    sign_in(page, seller)

    page.goto("/customers")
    expect(page.get_by_test_id("customer-row")).to_have_count(25)  # first page; more on scroll
    page.get_by_role("link", name="Novo cliente").click()
    expect(page.locator("h1")).to_have_text("Novo cliente")

    # Inline validation: a wrong check digit is flagged as soon as the field loses focus.
    document = page.locator("input[name=document]")
    document.press_sequentially("52998224726")
    expect(document).to_have_value("529.982.247-26")  # the mask follows the typing
    page.locator("input[name=name]").click()
    expect(page.locator("#field-document .invalid-feedback")).to_contain_text("CPF inválido")
    screenshot(page, f"customers-{kind}-01-invalid-cpf")

    page.locator("input[name=name]").fill("Beatriz Andrade Lima")
    document = page.locator("input[name=document]")
    document.fill("")
    document.press_sequentially("52998224725")
    page.locator("input[name=email]").fill("beatriz.lima@example.com.br")
    page.locator("input[name=phone]").press_sequentially("19987654321")
    expect(page.locator("input[name=phone]")).to_have_value("(19) 98765-4321")
    _settle(page, lambda: page.locator("input[name=phone]").blur())
    expect(page.locator("#field-document .invalid-feedback")).to_be_empty()
    page.get_by_test_id("save-customer").click()

    expect(page.get_by_test_id("customer-name")).to_have_text("Beatriz Andrade Lima")
    expect(page.get_by_test_id("tab-addresses")).to_have_class(re.compile("active"))
    _add_address(page, "add-shipping-address", "13010111", "Rua Barão de Jaguara", "1000", "SP")
    _add_address(page, "add-billing-address", "13015904", "Avenida Francisco Glicério", "55", "SP")
    cards = page.get_by_test_id("address-card")
    expect(cards).to_have_count(2)
    expect(page.get_by_test_id("default-badge")).to_have_count(2)  # first of each kind
    screenshot(page, f"customers-{kind}-02-addresses")

    # Find her from the list by typing part of her CPF, masked as a person would type it.
    if kind == "desktop":
        page.get_by_role("link", name="Clientes", exact=True).first.click()
    else:
        page.goto("/customers")
    search = page.get_by_test_id("customer-search")
    search.press_sequentially("529.982", delay=40)
    rows = page.get_by_test_id("customer-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("529.982.247-25")
    expect(page).to_have_url(re.compile(r"q=529.982"))
    screenshot(page, f"customers-{kind}-03-search")
    rows.first.get_by_role("link", name="Beatriz Andrade Lima").click()
    expect(page.get_by_test_id("customer-name")).to_have_text("Beatriz Andrade Lima")
    expect(page.locator("dd", has_text="(19) 98765-4321")).to_be_visible()
    screenshot(page, f"customers-{kind}-04-detail")

    page.get_by_test_id("tab-history").click()
    expect(page.get_by_test_id("audit-entry")).to_have_count(3)
    screenshot(page, f"customers-{kind}-05-history")
    _assert_no_errors_but_aborted_validation(page, aborted)
