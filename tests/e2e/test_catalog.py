"""Catalog in a real browser: create a product (with an inline price-rule error on the
way), adjust its stock in the dialog, see the movement and the badge change."""

from __future__ import annotations

import re

import pytest

from tests.catalog.factories import make_product, run_pending_jobs
from tests.conftest import in_tenant
from tests.e2e.conftest import assert_no_console_errors, screenshot, sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_create_product_adjust_stock_and_see_movement_and_badge(app, new_page, make_tenant, kind):
    from playwright.sync_api import expect

    admin = make_tenant(f"Loja Catálogo {kind}")
    with in_tenant(app, admin.tenant_id):
        make_product(admin.id, sku="ARROZ-5", name="Arroz agulhinha 5 kg", stock_qty=3)
        make_product(admin.id, sku="FEIJAO-1", name="Feijão carioca 1 kg", stock_qty=0)
        make_product(admin.id, sku="ACUCAR-1", name="Açúcar refinado 1 kg", stock_qty=80)
    page = new_page(kind)
    sign_in(page, admin)

    page.goto("/products")
    expect(page.locator("[data-testid=product-table] tbody tr")).to_have_count(3)
    expect(page.locator(".stock-badge[data-level=zero]")).to_have_count(1)
    expect(page.locator(".stock-badge[data-level=low]")).to_have_count(1)
    screenshot(page, f"catalog-{kind}-01-list")
    page.locator("#q").fill("feij")
    expect(page.locator("[data-testid=product-table] tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=feij"))

    page.goto("/products/new")
    page.locator("#sku").fill("cafe-500")
    page.locator("#name").fill("Café torrado e moído 500 g")
    page.locator("#ean").fill("7891000315507")
    page.locator("#category").fill("Mercearia")
    page.locator("#cost_price").fill("12,00")
    page.locator("#min_price").fill("18,00")
    page.locator("#max_price").fill("22,00")
    page.locator("#sale_price").fill("25,00")
    page.locator("#tax_rate").click()  # leaving the field validates it inline
    expect(page.locator("#field-sale_price .invalid-feedback")).to_contain_text(
        "maior que o preço máximo"
    )
    screenshot(page, f"catalog-{kind}-02-inline-error")
    page.locator("#sale_price").fill("19,90")
    page.locator("#tax_rate").fill("18")
    # Let the inline checks (fired on blur) finish before submitting.
    with page.expect_response(re.compile(r"/products/validate")):
        page.locator("#low_stock_threshold").click()
    with page.expect_response(re.compile(r"/products/validate")):
        page.locator("h1").click()
    expect(page.locator("#field-sale_price .invalid-feedback")).to_have_text("")
    page.get_by_role("button", name="Salvar").click()
    expect(page.locator("h1")).to_have_text("Café torrado e moído 500 g")
    # Saving answers HX-Redirect: a full page load. Its h1 shows before htmx has wired the
    # page up, and a click that early opens the adjust form as a page, not as the dialog.
    page.wait_for_load_state("load")
    badge = page.locator("[id^=stock-]").first
    expect(badge).to_have_attribute("data-level", "zero")

    page.get_by_test_id("adjust-stock").click()
    dialog = page.locator("#catalog-modal")
    expect(dialog).to_be_visible()
    dialog.get_by_text("Entrada").click()
    dialog.locator("#qty").fill("4")
    dialog.locator("#reason").fill("Compra NF 1234")
    screenshot(page, f"catalog-{kind}-03-adjust-dialog", full_page=False)
    dialog.get_by_role("button", name="Registrar").click()
    expect(dialog).to_be_hidden()
    expect(badge).to_have_attribute("data-stock", "4")
    expect(badge).to_have_attribute("data-level", "low")
    movements = page.get_by_test_id("movements-table")
    expect(movements).to_contain_text("Compra NF 1234")
    expect(movements).to_contain_text("+4")
    expect(page.get_by_test_id("audit-history")).to_contain_text("Movimentação de estoque")
    screenshot(page, f"catalog-{kind}-04-product-page")

    page.goto("/products?stock=low")
    expect(page.locator("[data-testid=product-table]")).to_contain_text("CAFE-500")
    assert_no_console_errors(page)


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_csv_import_with_a_bad_line_imports_nothing(app, new_page, make_tenant, tmp_path, kind):
    from playwright.sync_api import expect

    from webapp.catalog.csv_io import COLUMNS

    admin = make_tenant(f"Loja Importação {kind}")
    csv_file = tmp_path / "produtos.csv"
    csv_file.write_text(
        ";".join(COLUMNS)
        + "\nA-1;7891000315507;Arroz 5 kg;Mercearia;10,00;20,00;;;0;5;2;sim"
        + "\nA-2;7891000315508;Feijão 1 kg;Mercearia;5,00;8,00;;;0;5;2;sim\n",
        encoding="utf-8",
    )
    page = new_page(kind)
    sign_in(page, admin)
    page.goto("/products/import")
    page.locator("#file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Importar").click()
    panel = page.get_by_test_id("import-panel")
    expect(panel).to_be_visible()
    run_pending_jobs(app)  # with a real queue the panel polls until this job is done
    expect(panel.get_by_test_id("import-message")).to_contain_text("Nenhum produto importado")
    expect(panel.get_by_test_id("import-errors")).to_contain_text("Linha 3")
    expect(panel.get_by_test_id("import-errors")).to_contain_text("dígito verificador")
    screenshot(page, f"catalog-{kind}-05-import-errors")
    page.goto("/products")
    expect(page.get_by_text("Nenhum produto cadastrado")).to_be_visible()
    assert_no_console_errors(page)


def test_a_field_checked_while_another_check_is_in_flight_still_shows_its_error(
    app, new_page, make_tenant
):
    # On a slow connection the check of one field is still running when the seller leaves
    # the next one: that field's check must still run (synced on the form it was dropped).
    from playwright.sync_api import expect

    admin = make_tenant("Loja Validação")
    page = new_page("desktop")
    sign_in(page, admin)
    page.goto("/products/new")
    held = []

    def hold_the_first_check(route):
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route(re.compile(r"/products/validate"), hold_the_first_check)
    page.locator("#min_price").fill("18,00")
    page.locator("#max_price").fill("22,00")
    page.locator("#cost_price").click()
    page.wait_for_timeout(300)
    assert len(held) == 1  # the min price check is in flight
    page.locator("#sale_price").fill("25,00")
    page.locator("#tax_rate").click()
    expect(page.locator("#field-sale_price .invalid-feedback")).to_contain_text(
        "maior que o preço máximo"
    )
    held[0].continue_()
    expect(page.locator("#field-min_price .invalid-feedback")).to_have_text("")
    assert_no_console_errors(page)
